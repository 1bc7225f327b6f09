import type { Kysely } from 'kysely';
import {
  type ComplaintCategory,
  type ComplaintCounts,
  DEFAULT_POLICY,
  type DirectoryState,
  directoryStateSchema,
  type Merchant,
} from '../../src/directory/schemas.ts';
import { DEFAULT_PLATFORM_SUFFIXES, resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import type { Database } from '../db/tables.ts';
import { ServiceError } from '../http/service-error.ts';

// The directory as the registry holds it right now: what the next publish signs.
// Complaint counts are never stored on a merchant; they are counted from complaints,
// so a complaint accepted on a domain goes to whichever merchant owns it at publish.

/** Shop platforms the service treats as tenants; travels in every published state. */
export const SERVICE_PLATFORMS: readonly string[] = [...DEFAULT_PLATFORM_SUFFIXES].sort();

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function complaintCountsByDomain(db: Kysely<Database>): Promise<Map<string, ComplaintCounts>> {
  const rows = await db
    .selectFrom('complaints')
    .select(['domain', 'category', 'status', (eb) => eb.fn.countAll<string>().as('count')])
    // Open and resolved only: a complaint closed unanswered or unfounded after review counts
    // in neither (answer rates publish the unanswered ones).
    .where('status', 'in', ['open', 'resolved'])
    .groupBy(['domain', 'category', 'status'])
    .execute();
  const counts = new Map<string, ComplaintCounts>();
  for (const row of rows) {
    const entry = counts.get(row.domain) ?? { open: {}, resolved: {} };
    const bucket = row.status === 'open' ? entry.open : entry.resolved;
    const category = row.category as ComplaintCategory;
    bucket[category] = (bucket[category] ?? 0) + Number(row.count);
    counts.set(row.domain, entry);
  }
  return counts;
}

function addCounts(total: ComplaintCounts, more: ComplaintCounts): ComplaintCounts {
  const add = (a: ComplaintCounts['open'], b: ComplaintCounts['open']) => {
    const sum = { ...a };
    for (const [category, count] of Object.entries(b) as [ComplaintCategory, number][]) {
      sum[category] = (sum[category] ?? 0) + count;
    }
    return sum;
  };
  return { open: add(total.open, more.open), resolved: add(total.resolved, more.resolved) };
}

export async function currentDirectoryState(db: Kysely<Database>): Promise<DirectoryState> {
  const counts = await complaintCountsByDomain(db);
  const owned = new Set<string>();
  const merchants: Merchant[] = [];
  for (const row of await db.selectFrom('merchants').select(['record']).execute()) {
    const record = row.record as Omit<Merchant, 'complaints'>;
    let complaints: ComplaintCounts = { open: {}, resolved: {} };
    for (const domain of record.domains) {
      owned.add(domain);
      const domainCounts = counts.get(domain);
      if (domainCounts) complaints = addCounts(complaints, domainCounts);
    }
    merchants.push({ ...record, complaints });
  }
  merchants.sort((a, b) => byKey(a.id, b.id));
  const flagged = (await db.selectFrom('flagged_domains').select(['domain', 'reason', 'since', 'summary']).execute())
    .map((row) => ({ ...row, reason: row.reason as DirectoryState['flagged'][number]['reason'] }))
    .sort((a, b) => byKey(a.domain, b.domain));
  const domainComplaints = [...counts.entries()]
    .filter(([domain]) => !owned.has(domain))
    .map(([domain, complaints]) => ({ domain, complaints }))
    .sort((a, b) => byKey(a.domain, b.domain));
  // Validated before anything is signed: the registry must never publish a file that
  // extensions would refuse.
  return directoryStateSchema.parse({
    policy: DEFAULT_POLICY,
    platforms: [...SERVICE_PLATFORMS],
    merchants,
    flagged,
    domainComplaints,
  });
}

/** The canonical shop domain a moderator means, or a usage error naming the cause. */
export function shopDomainArgument(input: string): string {
  const identity = resolveShopIdentity(input, SERVICE_PLATFORMS);
  if (!identity.ok) throw new ServiceError('invalid', `${input} is not a shop domain (${identity.cause})`, 'domain');
  return identity.identity.domain;
}
