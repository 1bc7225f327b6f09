import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { openConfiguredRegistry } from '../../server/cli/registry-session.ts';
import type { Database } from '../../server/db/tables.ts';
import { loadPublishedDirectory } from '../../server/directory/directory-source.ts';
import { publicDirectoryDir, publishDirectory } from '../../server/directory/publisher.ts';
import { generateKeyFile, loadSigningKeys } from '../../server/directory/signing-keys.ts';
import { loadConfig } from '../../server/env.ts';
import { ServiceError } from '../../server/http/service-error.ts';
import { startService, untilStopped } from '../../server/http/service-runner.ts';
import { StaffAccounts } from '../../server/staff/staff-accounts.ts';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import type { Snapshot } from '../../src/directory/schemas.ts';
import { verdictForInput } from '../../src/directory/verdict.ts';
import type { DemoBrowser } from './demo-browser.ts';
import { DEMO_ACTOR, enterDemoData } from './demo-data.ts';

export const DEMO_HELP = `npm run demo -- [--no-serve] [--no-browser] [--at <time>]
  Runs the product on the embedded default: PGlite under $THIQA_DATA_DIR (default ./.thiqa),
  a signing key generated there on first run, the bundled demo merchants imported, their
  flags and complaints entered through the moderation path, the directory published; then
  prints every demo shop's verdict from the published files and serves on $THIQA_PORT
  (default 8787) until Ctrl-C. It builds the extension against this service and its key
  (.output/demo/), serves the demo shops on loopback and, when Chromium is installed,
  launches it with the extension loaded: a window where there is a display, otherwise
  screenshots of each shop's in-page badge and popup in ./demo-output/.
  Running it again changes nothing and publishes nothing new.
  --no-serve    stop after publishing and printing
  --no-browser  serve, but build no extension and start no browser
  --at <time>   judge as of this ISO 8601 time instead of now`;

const LEVEL_MARK: Record<string, string> = {
  verified: '✔ verified',
  caution: '! caution ',
  danger: '✖ danger  ',
  unknown: '? unknown ',
  none: '- none    ',
};

const DEMO_ADMIN = 'admin@demo.thiqa.test';

/**
 * A one-time set-up link for the demo's console administrator: the account is made on the
 * first run, and every run gives a fresh link (which voids the previous one).
 */
async function demoAdminLink(db: Kysely<Database>, origin: string): Promise<string> {
  const accounts = new StaffAccounts(db, () => new Date());
  try {
    const link = await accounts.add({ email: DEMO_ADMIN, name: 'Demo admin', role: 'admin' }, DEMO_ACTOR);
    return `${origin}/admin/setup/${link.token}`;
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const link = await accounts.newSetupLink(DEMO_ADMIN, DEMO_ACTOR);
    return `${origin}/admin/setup/${link.token}`;
  }
}

function printVerdicts(snapshot: Snapshot, now: Date, out: (line: string) => void): void {
  const index = new DirectoryIndex(snapshot.state);
  const shops = [
    ...snapshot.state.merchants.flatMap((merchant) => merchant.domains),
    ...snapshot.state.flagged.map((flag) => flag.domain),
    ...snapshot.state.domainComplaints.map((entry) => entry.domain),
    'not-in-the-directory.test',
  ];
  out(`Verdicts from the published directory, version ${snapshot.version}, as of ${now.toISOString()}:\n`);
  for (const shop of shops) {
    const { identity, verdict } = verdictForInput(shop, index, now);
    const name = identity && identity.display !== identity.domain ? `${identity.display} (${identity.domain})` : shop;
    out(
      `  ${LEVEL_MARK[verdict.level]}  ${name.padEnd(40)}  ${verdict.reasons.map((reason) => reason.code).join(', ')}`,
    );
  }
}

export async function runDemo(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { at: { type: 'string' }, 'no-serve': { type: 'boolean' }, 'no-browser': { type: 'boolean' } },
    strict: true,
  });
  const now = values.at ? new Date(values.at) : new Date();
  const config = loadConfig();
  // The demo opens its admin API with a token of its own unless one is configured.
  const adminToken = config.adminToken ?? randomBytes(24).toString('base64url');
  const registry = await openConfiguredRegistry(config);
  try {
    let keys = await loadSigningKeys(config.dataDir);
    if (keys.length === 0) {
      const key = await generateKeyFile(config.dataDir);
      out(`generated signing key ${key.keyId} in ${key.path}`);
      keys = await loadSigningKeys(config.dataDir);
    }
    await enterDemoData(registry, out);
    const published = await publishDirectory(registry.db, {
      dataDir: config.dataDir,
      keys,
      now: new Date(),
      actor: DEMO_ACTOR,
      onlyIfChanged: true,
    });
    out(
      published.published
        ? `published version ${published.manifest.version}`
        : `nothing changed: version ${published.version} stays published`,
    );
    const directoryDir = publicDirectoryDir(config.dataDir);
    const { snapshot, manifest } = await loadPublishedDirectory(directoryDir, keys);
    out(`Thiqa demo (${registry.engine}, data in ${config.dataDir})`);
    out(`public keys (THIQA_PUBLIC_KEYS): ${keys.map((key) => key.publicKey).join(',')}\n`);
    printVerdicts(snapshot, now, out);
    out(
      `\nOne shop as JSON: npm run -s thiqa -- check https://www.atlas-electro.test/produit --directory ${directoryDir}`,
    );
    if (values['no-serve']) return 0;

    const service = await startService({
      registry,
      config: { ...config, adminToken },
      host: '127.0.0.1',
      log: out,
    });
    out(`\nServing on ${service.url} — Ctrl-C to stop`);
    out(`  portal     ${service.url}/  (check a shop, merchants, report, your rights; works without JavaScript)`);
    out(`  manifest   ${service.url}/v1/directory/manifest.json`);
    out(`  snapshot   ${service.url}/v1/directory/${manifest.snapshot.path}`);
    out(`  reports    POST ${service.url}/v1/reports`);
    out(`  openapi    ${service.url}/v1/openapi.json`);
    out(`  health     ${service.url}/healthz`);
    out(`  apply      ${service.url}/apply  (merchants apply to be verified)`);
    out(
      `  console    ${service.url}/admin  (staff; set up the demo's admin: ${await demoAdminLink(registry.db, service.url)})`,
    );
    out(
      `  admin      ${service.url}/v1/admin/reports?status=new  (Authorization: Bearer ${config.adminToken ? '$THIQA_ADMIN_TOKEN' : adminToken})`,
    );
    // Ctrl-C is listened for from here on: one during the build or the screenshots
    // stops the shopper's side between steps, then everything else.
    const stopped = untilStopped();
    const abort = new AbortController();
    const shopper: Promise<DemoBrowser | undefined> = values['no-browser']
      ? Promise.resolve(undefined)
      : // The browser driver and the extension build are development tools: loaded here
        // only, so that a service installed with `npm ci --omit=dev` runs every command.
        import('./demo-browser.ts')
          .then(({ startDemoBrowser }) =>
            startDemoBrowser({
              serviceUrl: service.url,
              publicKeys: keys.map((key) => key.publicKey).join(','),
              snapshot,
              outputDir: resolve('demo-output'),
              out,
              abort: abort.signal,
            }),
          )
          .then(
            (started) => {
              out(`\nThe service runs on ${service.url} — Ctrl-C to stop`);
              return started;
            },
            (error: Error) => {
              if (!abort.signal.aborted) out(`the shopper's side of the demo failed: ${error.message}`);
              return undefined;
            },
          );
    const signal = await stopped;
    out(`${signal}: stopping`);
    abort.abort();
    await (await shopper)?.stop();
    await service.stop();
    return 0;
  } finally {
    await registry.close();
  }
}
