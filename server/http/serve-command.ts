import { parseArgs } from 'node:util';
import { openConfiguredRegistry } from '../cli/registry-session.ts';
import { UsageError } from '../cli/usage.ts';
import { loadConfig } from '../env.ts';
import { mailFolder } from '../mail/folder-mailer.ts';
import { parseDuration, startService, untilStopped } from './service-runner.ts';

export const SERVE_HELP = `thiqa serve [--host <address>] [--publish-every <duration>]
  Runs the HTTP service on $THIQA_PORT (default 8787): the directory files, reports,
  /v1/admin/* (bearer $THIQA_ADMIN_TOKEN; closed when unset), /v1/openapi.json, /healthz.
  --host <address>             address to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --publish-every <duration>   at start and then every 30s, 15m, 1h, 1d...: publish when the
                               registry changed, else renew the manifest's freshness once it
                               has aged (as thiqa publish --if-changed)
  At start, restores the files of the latest published version if a crash left them incomplete.
  Stops cleanly on Ctrl-C or SIGTERM.`;

export async function runServe(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { host: { type: 'string' }, 'publish-every': { type: 'string' } },
    strict: true,
  });
  let publishEveryMs: number | undefined;
  if (values['publish-every'] !== undefined) {
    publishEveryMs = parseDuration(values['publish-every']) ?? undefined;
    if (publishEveryMs === undefined) throw new UsageError('--publish-every: a duration from 1s to 7d, like 15m or 1h');
  }
  const config = loadConfig();
  const registry = await openConfiguredRegistry(config);
  try {
    const service = await startService({
      registry,
      config,
      host: values.host ?? '127.0.0.1',
      ...(publishEveryMs ? { publishEveryMs } : {}),
      log: out,
    });
    out(`thiqa serving on ${service.url} (${registry.engine}${config.databaseUrl ? '' : ` in ${config.dataDir}`})`);
    out(`  ${service.url}/v1/directory/manifest.json`);
    out(`  ${service.url}/v1/openapi.json`);
    if (!config.adminToken) out('  admin API closed: set THIQA_ADMIN_TOKEN to open /v1/admin/*');
    out(
      config.smtp
        ? `  mail through ${config.smtp.secure ? 'smtps' : 'smtp'}://${config.smtp.host}:${config.smtp.port}`
        : `  mail written to ${mailFolder(config.dataDir)} (set THIQA_SMTP_URL to send it)`,
    );
    const signal = await untilStopped();
    out(`${signal}: stopping`);
    await service.stop();
  } finally {
    await registry.close();
  }
  return 0;
}
