import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serviceSecret } from '../../server/app.ts';
import { openConfiguredRegistry } from '../../server/cli/registry-session.ts';
import { ComplaintBook } from '../../server/complaints/complaint-book.ts';
import type { Registry } from '../../server/db/database.ts';
import {
  BUNDLED_DIRECTORY,
  loadPublishedDirectory,
  loadSnapshotFile,
} from '../../server/directory/directory-source.ts';
import { publicDirectoryDir, publishDirectory } from '../../server/directory/publisher.ts';
import { generateKeyFile, loadSigningKeys } from '../../server/directory/signing-keys.ts';
import { loadConfig } from '../../server/env.ts';
import { FlaggedDomains } from '../../server/flags/flagged-domains.ts';
import { startService, untilStopped } from '../../server/http/service-runner.ts';
import { readImportFile } from '../../server/merchants/import-read.ts';
import { importMerchants } from '../../server/merchants/import-write.ts';
import { ReportDesk } from '../../server/reports/report-desk.ts';
import { ReportQueue } from '../../server/reports/report-queue.ts';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import type { ComplaintCategory, Snapshot } from '../../src/directory/schemas.ts';
import { verdictForInput } from '../../src/directory/verdict.ts';
import type { DemoBrowser } from './demo-browser.ts';

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

const DEMO_ACTOR = 'demo';

/** A UUID that is the same on every run, so the demo's reports are idempotent. */
function demoUuid(seed: string): string {
  const hex = createHash('sha256').update(`thiqa-demo:${seed}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The bundled directory's flags and complaint counts, entered the way they happen in
 * production: flags by a moderator, complaints as shoppers' reports that a moderator
 * accepts (and resolves, for the resolved counts).
 */
async function seedModeration(registry: Registry, bundled: Snapshot): Promise<void> {
  const clock = () => new Date();
  const flags = new FlaggedDomains(registry.db, clock);
  const queue = new ReportQueue(registry.db, clock);
  const complaints = new ComplaintBook(registry.db, clock);
  const desk = new ReportDesk(registry.db, await serviceSecret(registry.db, 'report-edit-token'), clock);
  for (const flag of bundled.state.flagged) {
    await flags.flag(flag.domain, { reason: flag.reason, summary: flag.summary, since: flag.since }, DEMO_ACTOR);
  }
  const complaintsOf = [
    ...bundled.state.merchants.map((merchant) => ({
      domain: merchant.domains[0] as string,
      counts: merchant.complaints,
    })),
    ...bundled.state.domainComplaints.map((entry) => ({ domain: entry.domain, counts: entry.complaints })),
  ];
  for (const { domain, counts } of complaintsOf) {
    for (const status of ['open', 'resolved'] as const) {
      for (const [category, count] of Object.entries(counts[status]) as [ComplaintCategory, number][]) {
        for (let i = 0; i < count; i++) {
          const created = await desk.submit({
            url: `https://${domain}/`,
            reason: category,
            idempotencyKey: demoUuid(`${domain}:${status}:${category}:${i}`),
            lang: 'fr',
          });
          if (created.status !== 'received') continue;
          const { complaintId } = await queue.accept(created.receipt, { category }, DEMO_ACTOR);
          if (status === 'resolved') await complaints.resolve(complaintId, {}, DEMO_ACTOR);
        }
      }
    }
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
    const bundledText = await readFile(`${BUNDLED_DIRECTORY}/snapshot.json`, 'utf8');
    const bundled = await loadSnapshotFile(BUNDLED_DIRECTORY);
    const file = readImportFile('snapshot.json', bundledText);
    if ('problems' in file) throw new Error(`bundled directory: ${JSON.stringify(file.problems)}`);
    const imported = await importMerchants(registry.db, file.rows, { now: new Date(), actor: DEMO_ACTOR });
    out(
      `imported ${imported.rows} demo merchants (${imported.created} new, ${imported.updated} updated, ${imported.unchanged} unchanged)`,
    );
    await seedModeration(registry, bundled);
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
    out(`  manifest   ${service.url}/v1/directory/manifest.json`);
    out(`  snapshot   ${service.url}/v1/directory/${manifest.snapshot.path}`);
    out(`  reports    POST ${service.url}/v1/reports`);
    out(`  openapi    ${service.url}/v1/openapi.json`);
    out(`  health     ${service.url}/healthz`);
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
