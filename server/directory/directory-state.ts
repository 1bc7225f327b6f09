import { type Kysely, sql } from 'kysely';
import {
  type AnswerRecord,
  type ComplaintCategory,
  type ComplaintCounts,
  DEFAULT_POLICY,
  type DirectoryState,
  directoryStateSchema,
  type Merchant,
} from '../../src/directory/schemas.ts';
import { DEFAULT_PLATFORM_SUFFIXES, resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { socialKeyOf } from '../../src/directory/social-identity.ts';
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

/**
 * Each merchant's answer record, in one grouped query: over the complaints sent to it
 * and not closed as unfounded (a merchant is not judged on complaints staff found
 * baseless), how many it answered and the median time to answer. The median, not the
 * mean: one complaint answered after months would otherwise hide a habit of answering
 * within days. Merchants never sent a complaint are absent.
 */
export async function answerRecordsByMerchant(db: Kysely<Database>): Promise<Map<string, AnswerRecord>> {
  const rows = await db
    .selectFrom('complaints')
    .where('merchant_id', 'is not', null)
    .where('sent_at', 'is not', null)
    .where('status', '!=', 'unfounded')
    .select([
      'merchant_id',
      (eb) => eb.fn.countAll<string>().as('sent'),
      (eb) => eb.fn.count<string>('answered_at').as('answered'),
      // Unanswered complaints give null, which the ordered-set aggregate skips.
      sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from (answered_at - sent_at)))`.as(
        'median_seconds',
      ),
    ])
    .groupBy('merchant_id')
    .execute();
  const records = new Map<string, AnswerRecord>();
  for (const row of rows) {
    if (row.merchant_id === null) continue;
    const answered = Number(row.answered);
    const seconds = row.median_seconds === null ? null : Number(row.median_seconds);
    records.set(row.merchant_id, {
      sent: Number(row.sent),
      answered,
      // An answer stamped before its sending (a clock set back) counts as immediate.
      medianDays: answered === 0 || seconds === null ? null : Math.round(Math.max(0, seconds) / 8640) / 10,
    });
  }
  return records;
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
  const answers = await answerRecordsByMerchant(db);
  const owned = new Set<string>();
  const merchants: Merchant[] = [];
  for (const row of await db.selectFrom('merchants').select(['record']).execute()) {
    // A stored record never holds counts; whatever it might carry is replaced by what is counted now.
    const { answers: _stored, ...record } = row.record as Merchant;
    let complaints: ComplaintCounts = { open: {}, resolved: {} };
    // Complaints against the merchant's social profiles are the merchant's too.
    const socialKeys = record.social.flatMap(({ network, handle }) => socialKeyOf(network, handle) ?? []);
    for (const domain of [...record.domains, ...socialKeys]) {
      if (owned.has(domain)) continue;
      owned.add(domain);
      const domainCounts = counts.get(domain);
      if (domainCounts) complaints = addCounts(complaints, domainCounts);
    }
    const answerRecord = answers.get(record.id);
    merchants.push(answerRecord ? { ...record, complaints, answers: answerRecord } : { ...record, complaints });
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
