import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { monthsBefore } from '../complaints/lifecycle-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { mailFolder } from '../mail/folder-mailer.ts';
import { erasedReportFields } from './report-erasure.ts';

// Law 09-08: personal data is kept no longer than its purpose needs. Once a report, a
// complaint, an application or a contest has been closed for the retention period
// (`policy.retentionMonths`, 12 by default), what people typed into it is erased; the
// rows stay, so every count (complaints per merchant, reports per status) is unchanged.
// Reports still waiting for a moderator and complaints still open are being handled:
// they are kept whatever their age. Applications and contests nobody decided (a domain
// proof that never passed, an applicant who stopped answering) are not: past the period
// counted from when they were sent, what they hold is erased too. Expired sessions and one-time links are deleted.
// Work goes in small batches, each its own short transaction, so the purge never holds
// a lock for long; running it twice erases nothing more.

const BATCH = 200;
export const RETENTION_ACTOR = 'retention';

/**
 * Audit-log detail keys that hold ids, states, dates and counts. Past the retention
 * period every other key is dropped: a refusal's reason, a check's note or phone number,
 * a name. Merchant-record `changes` stay: they are the merchant's public record.
 */
export const NON_PERSONAL_AUDIT_KEYS = [
  'domain',
  'domains',
  'category',
  'complaint',
  'complaintId',
  'contest',
  'proven',
  'method',
  'changed',
  'merchant',
  'merchants',
  'flagged',
  'from',
  'to',
  'step',
  'outcome',
  'status',
  'stage',
  'kind',
  'role',
  'since',
  'until',
  'expiresAt',
  'previousExpiresAt',
  'digest',
  'created',
  'updated',
  'ids',
  'extended',
  'renewed',
  'via',
  'staffNote',
  'previous',
  'changes',
  'reminders',
  'answerKind',
  'rating',
  'counts',
  'cutoff',
] as const;

export interface PurgeCounts {
  reports: number;
  complaints: number;
  applications: number;
  contests: number;
  auditLines: number;
  sessions: number;
  links: number;
  mailFiles: number;
}

export type RetentionContext = Pick<ServiceContext, 'db' | 'dataDir' | 'policy'>;

/** Erases what the retention period has run out on, as of `now`; with `dryRun`, only counts it. */
export async function purgeExpired(
  context: RetentionContext,
  now: Date,
  options: { dryRun?: boolean } = {},
): Promise<PurgeCounts> {
  const { db } = context;
  const cutoff = monthsBefore(now, context.policy.retentionMonths);
  const dryRun = options.dryRun === true;
  const counts: PurgeCounts = {
    reports: await inBatches(
      dryRun,
      () => expiredReports(db, cutoff),
      (ids) => eraseReports(db, ids, now),
    ),
    complaints: await inBatches(
      dryRun,
      () => expiredComplaints(db, cutoff),
      (ids) => eraseComplaints(db, ids),
    ),
    applications: await inBatches(
      dryRun,
      () => expiredApplications(db, cutoff),
      (ids) => eraseApplications(db, ids),
    ),
    contests: await inBatches(
      dryRun,
      () => expiredContests(db, cutoff),
      (ids) => eraseContests(db, ids),
    ),
    auditLines: await inBatches(
      dryRun,
      () => personalAuditLines(db, cutoff),
      (ids) => reduceAuditLines(db, ids),
    ),
    sessions: await deleteExpired(db, ['staff_sessions', 'merchant_sessions'], now, dryRun),
    links: await deleteExpired(db, ['staff_setup_links', 'merchant_links'], now, dryRun),
    mailFiles: await deleteOldMail(mailFolder(context.dataDir), cutoff, dryRun),
  };
  // One line per purge that erased something: a daily run that found nothing adds none.
  if (!dryRun && Object.values(counts).some((n) => n > 0)) {
    await recordAudit(
      db,
      {
        actor: RETENTION_ACTOR,
        action: 'retention.purge',
        subject: 'retention',
        detail: { cutoff: cutoff.toISOString(), counts },
      },
      now,
    );
  }
  return counts;
}

/** A query answering the ids of rows to erase (any table's). */
interface IdQuery<Id> {
  limit(n: number): { execute(): Promise<{ id: Id }[]> };
  execute(): Promise<{ id: Id }[]>;
}

/**
 * Finds a batch of candidates and erases it, until none is left. A dry run counts them
 * all instead (`find` then answers every candidate: it is called once).
 */
async function inBatches<Id>(
  dryRun: boolean,
  find: () => IdQuery<Id>,
  erase: (ids: Id[]) => Promise<void>,
): Promise<number> {
  if (dryRun) return (await find().execute()).length;
  let total = 0;
  for (;;) {
    const ids = (await find().limit(BATCH).execute()).map((row) => row.id);
    if (ids.length === 0) return total;
    await erase(ids);
    total += ids.length;
    if (ids.length < BATCH) return total;
  }
}

// Reports: rejected, or opened into a complaint that closed, before the cutoff. Withdrawn
// reports were erased when withdrawn; the condition on them only mends a row that was not.
const expiredReports = (db: Kysely<Database>, cutoff: Date) =>
  db
    .selectFrom('reports')
    .select('receipt as id')
    .where('erased_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'rejected'), eb('decided_at', '<', cutoff)]),
        eb.and([eb('status', '=', 'withdrawn'), eb('withdrawn_at', '<', cutoff)]),
        eb(
          'complaint_id',
          'in',
          eb.selectFrom('complaints').select('id').where('status', '<>', 'open').where('resolved_at', '<', cutoff),
        ),
      ]),
    );

async function eraseReports(db: Kysely<Database>, receipts: string[], now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('reports')
      .select(['receipt', 'url', 'domain'])
      .where('receipt', 'in', receipts)
      .execute();
    for (const row of rows) {
      await trx.updateTable('reports').set(erasedReportFields(row, now)).where('receipt', '=', row.receipt).execute();
    }
  });
}

// Complaints closed before the cutoff: the texts go (the merchant's answer, its note for
// staff, the moderator's summary and closing note); the outcome, answer kind and dates stay.
const expiredComplaints = (db: Kysely<Database>, cutoff: Date) =>
  db
    .selectFrom('complaints')
    .select('id')
    .where('status', '<>', 'open')
    .where('resolved_at', '<', cutoff)
    .where((eb) =>
      eb.or([
        eb('answer_text', 'is not', null),
        eb('answer_staff_note', 'is not', null),
        eb('merchant_summary', 'is not', null),
        eb('note', 'is not', null),
      ]),
    );

async function eraseComplaints(db: Kysely<Database>, ids: number[]): Promise<void> {
  await db
    .updateTable('complaints')
    .set({ answer_text: null, answer_staff_note: null, merchant_summary: null, note: null })
    .where('id', 'in', ids)
    .execute();
}

// Applications decided before the cutoff: the applicant's contact and the verifier's
// notes go. An approved merchant's names, ICE and register entry are its public record
// and stay; a refused applicant's go too, and so do those of an application still
// undecided a whole period after it was sent (it can then no longer be approved: no
// register check, no names).
const UNDECIDED_APPLICATION = ['received', 'in-review'] as const;
const expiredApplications = (db: Kysely<Database>, cutoff: Date) =>
  db
    .selectFrom('applications')
    .select('receipt as id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['approved', 'refused']), eb('decided_at', '<', cutoff)]),
        eb.and([eb('status', 'in', UNDECIDED_APPLICATION), eb('created_at', '<', cutoff)]),
      ]),
    )
    .where((eb) =>
      eb.or([
        eb('address', '<>', ''),
        eb('phone', '<>', ''),
        eb('email', '<>', ''),
        eb('register_check', 'is not', null),
        eb('phone_check', 'is not', null),
        eb('refused_reason', 'is not', null),
        eb.and([
          eb('status', '<>', 'approved'),
          eb.or([
            eb('legal_name', '<>', ''),
            eb('trade_name', '<>', ''),
            eb('ice', '<>', ''),
            eb('rc_number', '<>', ''),
          ]),
        ]),
      ]),
    );

async function eraseApplications(db: Kysely<Database>, receipts: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('applications')
      .set({ address: '', phone: '', email: '', register_check: null, phone_check: null, refused_reason: null })
      .where('receipt', 'in', receipts)
      .execute();
    await trx
      .updateTable('applications')
      .set({ legal_name: '', trade_name: '', ice: '', rc_number: '', rc_court: '', city: '', social: '[]' })
      .where('receipt', 'in', receipts)
      .where('status', '<>', 'approved')
      .execute();
  });
}

// Contests decided before the cutoff: who contested and why go; the outcome, as
// published, stays. A contest still undecided a period after it was sent (its domain
// proof never passed, so no moderator will ever decide it) loses them too.
const expiredContests = (db: Kysely<Database>, cutoff: Date) =>
  db
    .selectFrom('contests')
    .select('receipt as id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '<>', 'received'), eb('decided_at', '<', cutoff)]),
        eb.and([eb('status', '=', 'received'), eb('created_at', '<', cutoff)]),
      ]),
    )
    .where((eb) => eb.or([eb('name', '<>', ''), eb('email', '<>', ''), eb('reason', '<>', '')]));

async function eraseContests(db: Kysely<Database>, receipts: string[]): Promise<void> {
  await db.updateTable('contests').set({ name: '', email: '', reason: '' }).where('receipt', 'in', receipts).execute();
}

const safeKeys = () => sql.join(NON_PERSONAL_AUDIT_KEYS.map((key) => sql.lit(key)));

// Audit lines older than the cutoff whose detail has a key outside the list above.
const personalAuditLines = (db: Kysely<Database>, cutoff: Date) =>
  db
    .selectFrom('audit_log')
    .select('id')
    .where('at', '<', cutoff)
    .where(sql<boolean>`exists (select 1 from jsonb_object_keys(detail) as k where k not in (${safeKeys()}))`);

async function reduceAuditLines(db: Kysely<Database>, ids: string[]): Promise<void> {
  await sql`
    update audit_log set detail = coalesce(
      (select jsonb_object_agg(key, value) from jsonb_each(detail) where key in (${safeKeys()})),
      '{}'::jsonb)
    where id in (${sql.join(ids)})`.execute(db);
}

type ExpiringTable = 'staff_sessions' | 'merchant_sessions' | 'staff_setup_links' | 'merchant_links';

/** Sessions and one-time links past their end: nothing can use them any more. */
async function deleteExpired(db: Kysely<Database>, tables: ExpiringTable[], now: Date, dryRun: boolean) {
  let total = 0;
  for (const table of tables) {
    const expired = () => db.selectFrom(table).select('token_hash as id').where('expires_at', '<', now);
    total += await inBatches(dryRun, expired, async (ids) => {
      await db.deleteFrom(table).where('token_hash', 'in', ids).execute();
    });
  }
  return total;
}

/** When a FolderMailer file was written: its name starts with the time (`20261130T054254-123Z-…`). */
export function mailFileTime(name: string): Date | null {
  const stamp = /^\.?(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})-(\d{3})Z-/.exec(name);
  if (!stamp) return null;
  const [, y, mo, d, h, mi, s, ms] = stamp;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Copies of mail written under the data directory, older than the cutoff. */
async function deleteOldMail(folder: string, cutoff: Date, dryRun: boolean): Promise<number> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return 0;
  }
  let deleted = 0;
  for (const name of names) {
    if (!name.endsWith('.eml') && !name.endsWith('.eml.partial')) continue;
    const path = join(folder, name);
    const written = mailFileTime(name) ?? (await stat(path).catch(() => null))?.mtime ?? null;
    if (!written || written >= cutoff) continue;
    if (!dryRun) await rm(path, { force: true });
    deleted++;
  }
  return deleted;
}
