import type { Kysely } from 'kysely';
import { merchantSchema } from '../../src/directory/schemas.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import type { Database } from '../db/tables.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';

// What the console's complaints page reads: the open complaints of one shop, of one
// merchant (all its domains, from merchant_domains) or of every shop, and their counts.

/** Complaints and count rows the page shows at most. */
export const MAX_SHOWN = 200;

export type ComplaintScope = { kind: 'all' } | { kind: 'domain'; domain: string } | { kind: 'merchant'; id: string };

export type ScopeProblem =
  | { field: 'domain'; problem: 'invalid' }
  | { field: 'merchant'; problem: 'invalid' | 'unknown' | 'both' };

/** The filter a person typed, as a scope, or what is wrong with it. */
export async function readScope(
  db: Kysely<Database>,
  typed: { domain: string; merchant: string },
): Promise<ComplaintScope | ScopeProblem> {
  const domain = typed.domain.trim();
  const merchant = typed.merchant.trim();
  if (domain && merchant) return { field: 'merchant', problem: 'both' };
  if (domain) {
    const shop = domain.length > 2000 ? null : resolveShopIdentity(domain, SERVICE_PLATFORMS);
    return shop?.ok ? { kind: 'domain', domain: shop.identity.domain } : { field: 'domain', problem: 'invalid' };
  }
  if (merchant) {
    if (!merchantSchema.shape.id.safeParse(merchant).success) return { field: 'merchant', problem: 'invalid' };
    const known = await db.selectFrom('merchants').select('id').where('id', '=', merchant).executeTakeFirst();
    return known ? { kind: 'merchant', id: merchant } : { field: 'merchant', problem: 'unknown' };
  }
  return { kind: 'all' };
}

/** The domains a scope covers; undefined for every domain. */
async function scopeDomains(db: Kysely<Database>, scope: ComplaintScope): Promise<string[] | undefined> {
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'domain') return [scope.domain];
  const rows = await db.selectFrom('merchant_domains').select('domain').where('merchant_id', '=', scope.id).execute();
  return rows.map((row) => row.domain);
}

export async function openComplaints(db: Kysely<Database>, scope: ComplaintScope) {
  const domains = await scopeDomains(db, scope);
  if (domains?.length === 0) return { counts: [], complaints: [], more: false };
  let counts = db
    .selectFrom('complaints')
    .select((eb) => ['domain', eb.fn.countAll<string>().as('count')])
    .where('status', '=', 'open');
  let complaints = db
    .selectFrom('complaints')
    .select((eb) => [
      'id',
      'domain',
      'category',
      'opened_at',
      'opened_by',
      'report_receipt',
      'merchant_id',
      'merchant_summary',
      'stage',
      'sent_at',
      'read_at',
      'reminders',
      'answered_at',
      'answer_kind',
      'answer_text',
      'answer_staff_note',
      eb
        .selectFrom('reports')
        .select(eb.fn.countAll<string>().as('linked'))
        .whereRef('reports.complaint_id', '=', 'complaints.id')
        .whereRef('reports.receipt', '!=', 'complaints.report_receipt')
        .as('duplicates'),
    ])
    .where('status', '=', 'open');
  if (domains) {
    counts = counts.where('domain', 'in', domains);
    complaints = complaints.where('domain', 'in', domains);
  }
  const countRows = await counts
    .groupBy('domain')
    .orderBy('count', 'desc')
    .orderBy('domain')
    .limit(MAX_SHOWN)
    .execute();
  const rows = await complaints
    .orderBy('opened_at')
    .orderBy('id')
    .limit(MAX_SHOWN + 1)
    .execute();
  return {
    counts: countRows.map((row) => ({ domain: row.domain, count: Number(row.count) })),
    complaints: rows.slice(0, MAX_SHOWN).map((row) => ({ ...row, duplicates: Number(row.duplicates ?? 0) })),
    more: rows.length > MAX_SHOWN,
  };
}
export type OpenComplaintRow = Awaited<ReturnType<typeof openComplaints>>['complaints'][number];
