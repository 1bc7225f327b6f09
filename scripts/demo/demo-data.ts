import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { serviceSecret } from '../../server/app.ts';
import { ComplaintBook } from '../../server/complaints/complaint-book.ts';
import type { Registry } from '../../server/db/database.ts';
import { BUNDLED_DIRECTORY, loadSnapshotFile } from '../../server/directory/directory-source.ts';
import { FlaggedDomains } from '../../server/flags/flagged-domains.ts';
import { readImportFile } from '../../server/merchants/import-read.ts';
import { importMerchants } from '../../server/merchants/import-write.ts';
import { ReportDesk } from '../../server/reports/report-desk.ts';
import { ReportQueue } from '../../server/reports/report-queue.ts';
import type { ComplaintCategory, Snapshot } from '../../src/directory/schemas.ts';

// The demo's registry: the bundled directory's merchants imported, and its flags and
// complaints entered through the moderation path. Used by `npm run demo` and by the
// tests that need a registry like the demo's (the portal's).

export const DEMO_ACTOR = 'demo';

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
          if (status === 'resolved') await complaints.close(complaintId, {}, DEMO_ACTOR);
        }
      }
    }
  }
}

/** Imports the bundled merchants and enters their flags and complaints; running it again changes nothing. */
export async function enterDemoData(registry: Registry, out: (line: string) => void = () => {}): Promise<Snapshot> {
  const bundledText = await readFile(`${BUNDLED_DIRECTORY}/snapshot.json`, 'utf8');
  const bundled = await loadSnapshotFile(BUNDLED_DIRECTORY);
  const file = readImportFile('snapshot.json', bundledText);
  if ('problems' in file) throw new Error(`bundled directory: ${JSON.stringify(file.problems)}`);
  const imported = await importMerchants(registry.db, file.rows, { now: new Date(), actor: DEMO_ACTOR });
  out(
    `imported ${imported.rows} demo merchants (${imported.created} new, ${imported.updated} updated, ${imported.unchanged} unchanged)`,
  );
  await seedModeration(registry, bundled);
  return bundled;
}
