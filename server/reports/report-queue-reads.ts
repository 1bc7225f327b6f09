import type { Kysely } from 'kysely';
import type { Merchant } from '../../src/directory/schemas.ts';
import type { Database } from '../db/tables.ts';

// What the console's report queue reads: new reports grouped by shop, a shop's standing
// in the registry (listed merchant? flagged?), its new reports and its open complaints.
// Reads only; every decision goes through ReportQueue (report-queue.ts).

/** Reports a moderator has still to decide. */
export const UNDECIDED = ['received', 'under-review'] as const;

/** Groups the queue page shows at most, oldest first: the rest wait for the next ones. */
export const MAX_QUEUE_GROUPS = 200;
/** Reports a shop's page shows at most, oldest first. */
export const MAX_GROUP_REPORTS = 100;

export interface QueueGroup {
  domain: string;
  count: number;
  oldest: Date;
  /** Each reason given, with how many reports gave it, most given first. */
  reasons: Array<{ reason: string; count: number }>;
}

export async function queueGroups(db: Kysely<Database>): Promise<{ groups: QueueGroup[]; more: boolean }> {
  const oldestFirst = await db
    .selectFrom('reports')
    .select((eb) => ['domain', eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('status', 'in', UNDECIDED)
    .groupBy('domain')
    .orderBy('oldest')
    .orderBy('domain')
    .limit(MAX_QUEUE_GROUPS + 1)
    .execute();
  const shown = oldestFirst.slice(0, MAX_QUEUE_GROUPS);
  if (shown.length === 0) return { groups: [], more: false };
  const reasonRows = await db
    .selectFrom('reports')
    .select((eb) => ['domain', 'reason', eb.fn.countAll<string>().as('count')])
    .where('status', 'in', UNDECIDED)
    .where(
      'domain',
      'in',
      shown.map((row) => row.domain),
    )
    .groupBy(['domain', 'reason'])
    .execute();
  const groups = shown.map(
    (row): QueueGroup => ({
      domain: row.domain,
      count: Number(row.count),
      oldest: new Date(row.oldest),
      reasons: reasonRows
        .filter((reason) => reason.domain === row.domain)
        .map((reason) => ({ reason: reason.reason, count: Number(reason.count) }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    }),
  );
  return { groups, more: oldestFirst.length > MAX_QUEUE_GROUPS };
}

/** A shop as the registry knows it now (not as last published): merchant, flag, both or neither. */
export interface ShopStanding {
  merchant?: { id: string; status: Merchant['status'] };
  flag?: { reason: string };
}

export async function shopStandings(db: Kysely<Database>, domains: readonly string[]) {
  const standings = new Map<string, ShopStanding>(domains.map((domain) => [domain, {}]));
  if (domains.length === 0) return standings;
  const merchants = await db
    .selectFrom('merchant_domains')
    .innerJoin('merchants', 'merchants.id', 'merchant_domains.merchant_id')
    .select(['merchant_domains.domain', 'merchants.id', 'merchants.record'])
    .where('merchant_domains.domain', 'in', domains)
    .execute();
  for (const row of merchants) {
    const status = (row.record as Pick<Merchant, 'status'>).status;
    standings.set(row.domain, { ...standings.get(row.domain), merchant: { id: row.id, status } });
  }
  const flags = await db
    .selectFrom('flagged_domains')
    .select(['domain', 'reason'])
    .where('domain', 'in', domains)
    .execute();
  for (const row of flags) standings.set(row.domain, { ...standings.get(row.domain), flag: { reason: row.reason } });
  return standings;
}

export async function undecidedReportsOf(db: Kysely<Database>, domain: string) {
  return db
    .selectFrom('reports')
    .select(['receipt', 'status', 'url', 'reason', 'details', 'contact', 'lang', 'created_at'])
    .where('domain', '=', domain)
    .where('status', 'in', UNDECIDED)
    .orderBy('created_at')
    .orderBy('receipt')
    .limit(MAX_GROUP_REPORTS)
    .execute();
}
export type UndecidedReport = Awaited<ReturnType<typeof undecidedReportsOf>>[number];

/** The complaints a report of `domain` may be a duplicate of. */
export async function openComplaintsOf(db: Kysely<Database>, domain: string) {
  return db
    .selectFrom('complaints')
    .select(['id', 'category', 'opened_at'])
    .where('domain', '=', domain)
    .where('status', '=', 'open')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}
export type OpenComplaint = Awaited<ReturnType<typeof openComplaintsOf>>[number];

/** A report's shop and state, to answer a decision on it: unknown, decided, or still open. */
export async function reportState(db: Kysely<Database>, receipt: string) {
  return db.selectFrom('reports').select(['domain', 'status']).where('receipt', '=', receipt).executeTakeFirst();
}
