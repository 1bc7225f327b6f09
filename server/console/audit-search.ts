import { type Kysely, sql } from 'kysely';
import { AUDIT_ACTIONS, type AuditAction } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';

// The audit log as the console reads it: newest first, by person, action or shop, a page
// at a time by id (keyset: `before` is the last id of the previous page, so a line written
// meanwhile never shifts a page).

export const AUDIT_PAGE_SIZE = 50;
/** The people listed in the filter: those who wrote most recently first, at most this many. */
const MAX_ACTORS = 500;

export interface AuditFilter {
  actor?: string;
  action?: AuditAction;
  /** A canonical shop domain. */
  shop?: string;
  /** Lines older than this id. */
  before?: string;
}

export interface AuditLine {
  id: string;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  detail: unknown;
}

export const isAuditAction = (value: string): value is AuditAction =>
  (AUDIT_ACTIONS as readonly string[]).includes(value);

/**
 * The people the filter offers, in alphabetical order: every staff account, and the other
 * actors most recently in the log (the admin API's, the CLI's). Staff accounts are always
 * there, however many other names the log holds.
 */
export async function auditActors(db: Kysely<Database>): Promise<string[]> {
  const [staff, recent] = await Promise.all([
    db.selectFrom('staff').select('email').execute(),
    db
      .selectFrom('audit_log')
      .select('actor')
      .groupBy('actor')
      .orderBy(sql`max(id)`, 'desc')
      .limit(MAX_ACTORS)
      .execute(),
  ]);
  return [...new Set([...staff.map((row) => row.email), ...recent.map((row) => row.actor)])].sort();
}

/** Whether the log names `actor` at all (one the filter's list left out is still a valid filter). */
export async function isAuditActor(db: Kysely<Database>, actor: string): Promise<boolean> {
  const row = await db.selectFrom('audit_log').select('id').where('actor', '=', actor).limit(1).executeTakeFirst();
  return row !== undefined;
}

const containsDomain = (path: string, domain: string) =>
  sql<boolean>`detail #> ${sql.lit(`{${path}}`)} @> ${JSON.stringify([domain])}::jsonb`;

/** One page of lines and the id to continue from, or null on the last page. */
export async function searchAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
): Promise<{ lines: AuditLine[]; next: string | null }> {
  let select = db.selectFrom('audit_log').select(['id', 'at', 'actor', 'action', 'subject', 'detail']);
  if (filter.actor !== undefined) select = select.where('actor', '=', filter.actor);
  if (filter.action !== undefined) select = select.where('action', '=', filter.action);
  if (filter.before !== undefined) select = select.where('id', '<', filter.before);
  const shop = filter.shop;
  if (shop !== undefined) {
    // A shop's lines: about the domain itself (flags), naming it in their detail (reports,
    // complaints, imports, edits of its domains), or about the merchant holding it now.
    const owner = await db
      .selectFrom('merchant_domains')
      .select('merchant_id')
      .where('domain', '=', shop)
      .executeTakeFirst();
    select = select.where((eb) =>
      eb.or([
        eb('subject', '=', shop),
        eb(sql<string>`detail->>'domain'`, '=', shop),
        containsDomain('domains', shop),
        containsDomain('changes,domains,from', shop),
        containsDomain('changes,domains,to', shop),
        ...(owner ? [eb('subject', '=', owner.merchant_id)] : []),
      ]),
    );
  }
  const rows = await select
    .orderBy('id', 'desc')
    .limit(AUDIT_PAGE_SIZE + 1)
    .execute();
  const lines = rows.slice(0, AUDIT_PAGE_SIZE).map((row) => ({ ...row, id: String(row.id), at: new Date(row.at) }));
  return { lines, next: rows.length > AUDIT_PAGE_SIZE ? (lines.at(-1)?.id ?? null) : null };
}
