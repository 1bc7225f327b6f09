import { parseArgs } from 'node:util';
import { withRegistry } from '../cli/registry-session.ts';
import { DEFAULT_LIFECYCLE_POLICY, lifecyclePolicySchema } from '../complaints/lifecycle-policy.ts';
import { purgeExpired } from './retention.ts';

// `thiqa purge`: the retention purge `thiqa serve` runs every day, on demand.

export const PURGE_HELP = `thiqa purge [--dry-run]
  Erases the personal text kept past $THIQA_RETENTION_MONTHS (default 12) months after a
  case closed: reports' details, contact and page path, complaints' answers and notes,
  applicants' contact details, contests' names and reasons, personal audit details, mail
  copies under the data folder; deletes ended sessions and links. Counts stay. Prints
  what it erased (--dry-run: what it would erase, changing nothing). thiqa serve runs it daily.`;

export async function runPurge(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, strict: true });
  const dryRun = values['dry-run'] === true;
  const counts = await withRegistry((registry, config) => {
    const policy = lifecyclePolicySchema.parse({ ...DEFAULT_LIFECYCLE_POLICY, ...config.policy });
    return purgeExpired({ db: registry.db, dataDir: config.dataDir, policy }, new Date(), { dryRun });
  });
  const verb = dryRun ? 'would erase' : 'erased';
  out(`reports ${verb}: ${counts.reports}`);
  out(`complaints ${verb}: ${counts.complaints}`);
  out(`applications ${verb}: ${counts.applications}`);
  out(`contests ${verb}: ${counts.contests}`);
  out(`audit lines reduced: ${counts.auditLines}`);
  out(`sessions deleted: ${counts.sessions}`);
  out(`links deleted: ${counts.links}`);
  out(`mail files deleted: ${counts.mailFiles}`);
  if (dryRun) out('dry run: nothing changed');
  return 0;
}
