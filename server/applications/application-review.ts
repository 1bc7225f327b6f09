import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { socialIdentitySchema } from '../../src/directory/schemas.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { ApplicationRow, ApplicationStatus, Database } from '../db/tables.ts';
import { isPortalLanguage, type PortalLanguage } from '../portal/portal-words.ts';
import { type DomainCheck, type DomainProof, domainCheckSchema as storedDomainCheckSchema } from './domain-proof.ts';
import { type PhoneCheck, type RegisterCheck, storedPhoneCheck, storedRegisterCheck } from './verification-checks.ts';

// The verifier's side of an application: reading it from the applications table (the
// public form in application-book.ts writes it), moving it into review when a verifier
// starts it (a POST, or the first step recorded: opening the page changes nothing), and
// recording each step of the checklist, each with its audit line. The
// decision (approve or refuse) is in application-decision.ts.

export const APPLICATION_STATUSES = [
  'received',
  'in-review',
  'approved',
  'refused',
] as const satisfies readonly ApplicationStatus[];
export const isApplicationStatus = (value: unknown): value is ApplicationStatus =>
  (APPLICATION_STATUSES as readonly unknown[]).includes(value);
/** Still waiting for a decision: the checklist may change. */
export const isOpen = (status: ApplicationStatus) => status === 'received' || status === 'in-review';

/** A receipt as it may appear in a path; anything else is not one of ours (404, no query). */
export const receiptParamSchema = z.string().regex(/^[A-Za-z0-9_-]{4,64}$/);

export interface Application {
  receipt: string;
  status: ApplicationStatus;
  lang: PortalLanguage;
  legalName: string;
  tradeName: string;
  ice: string;
  rcNumber: string;
  rcCourt: string;
  address: string;
  city: string;
  phone: string;
  email: string;
  domains: string[];
  social: z.infer<typeof socialIdentitySchema>[];
  proofToken: string;
  /** Per domain, its last proof check. */
  domainChecks: Record<string, DomainCheck>;
  registerCheck: RegisterCheck | null;
  phoneCheck: PhoneCheck | null;
  refusedReason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  merchantId: string | null;
  createdAt: string;
}

const domainCheckSchema = z.object({
  domain: z.string(),
  proven: z.boolean(),
  method: z.enum(['well-known', 'meta-tag']).nullable(),
  checkedAt: z.string(),
  problem: z.string().nullable(),
});

/** The stored JSON read back with schemas: what does not parse is shown as absent, never trusted. */
export function toApplication(row: ApplicationRow): Application {
  const domains = z.array(z.string()).safeParse(row.domains).data ?? [];
  const social = z.array(socialIdentitySchema).safeParse(row.social).data ?? [];
  const checks = z.record(z.string(), domainCheckSchema).safeParse(row.domain_checks).data ?? {};
  return {
    receipt: row.receipt,
    status: row.status,
    lang: isPortalLanguage(row.lang) ? row.lang : 'fr',
    legalName: row.legal_name,
    tradeName: row.trade_name,
    ice: row.ice,
    rcNumber: row.rc_number,
    rcCourt: row.rc_court,
    address: row.address,
    city: row.city,
    phone: row.phone,
    email: row.email,
    domains,
    social,
    proofToken: row.proof_token,
    domainChecks: Object.fromEntries(
      Object.entries(checks)
        .filter(([domain]) => domains.includes(domain))
        .map(([domain, check]) => [domain, check as DomainCheck]),
    ),
    registerCheck: storedRegisterCheck(row.register_check),
    phoneCheck: storedPhoneCheck(row.phone_check),
    refusedReason: row.refused_reason,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
    merchantId: row.merchant_id,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** How many applications are in each status. */
export async function countByStatus(db: Kysely<Database>): Promise<Record<ApplicationStatus, number>> {
  const rows = await db
    .selectFrom('applications')
    .select(['status', (eb) => eb.fn.countAll().as('count')])
    .groupBy('status')
    .execute();
  const counts = { received: 0, 'in-review': 0, approved: 0, refused: 0 };
  for (const row of rows) if (isApplicationStatus(row.status)) counts[row.status] = Number(row.count);
  return counts;
}

/** Applications of one status, oldest first (the ones waiting longest come first). */
export async function listApplications(
  db: Kysely<Database>,
  status: ApplicationStatus,
  limit: number,
): Promise<Application[]> {
  const rows = await db
    .selectFrom('applications')
    .selectAll()
    .where('status', '=', status)
    .orderBy('created_at', 'asc')
    .orderBy('receipt', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toApplication);
}

export async function findApplication(db: Kysely<Database>, receipt: string): Promise<Application | null> {
  const row = await db.selectFrom('applications').selectAll().where('receipt', '=', receipt).executeTakeFirst();
  return row ? toApplication(row) : null;
}

export type StepResult = 'recorded' | 'not-found' | 'decided';

/**
 * Moves a received application into review (the applicant's status page then says someone
 * is on it), with an audit line naming who took it up; an application already in review or
 * decided is left as it is. Part of the caller's transaction.
 */
async function takeUp(trx: Transaction<Database>, receipt: string, actor: string, now: Date): Promise<void> {
  const moved = await trx
    .updateTable('applications')
    .set({ status: 'in-review', updated_at: now })
    .where('receipt', '=', receipt)
    .where('status', '=', 'received')
    .executeTakeFirst();
  if (moved.numUpdatedRows > 0n) {
    await recordAudit(
      trx,
      { actor, action: 'application.check', subject: receipt, detail: { step: 'review-started' } },
      now,
    );
  }
}

/**
 * A verifier starts the review of an application (an explicit POST: opening the page
 * changes nothing). Recording any step of the checklist starts it too.
 */
export async function startReview(
  db: Kysely<Database>,
  receipt: string,
  actor: string,
  now: Date,
): Promise<StepResult> {
  return db.transaction().execute(async (trx) => {
    const closed = await lockUndecided(trx, receipt);
    if (closed) return closed;
    await takeUp(trx, receipt, actor, now);
    return 'recorded';
  });
}

/** Locks an application for a checklist step; says why not when it is missing or decided. */
async function lockUndecided(trx: Kysely<Database>, receipt: string): Promise<'not-found' | 'decided' | null> {
  const row = await trx
    .selectFrom('applications')
    .select('status')
    .where('receipt', '=', receipt)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return 'not-found';
  return isOpen(row.status) ? null : 'decided';
}

/** Stores one hand-made check on an undecided application, with its audit line. */
async function recordStep(
  db: Kysely<Database>,
  receipt: string,
  step: 'register' | 'phone',
  check: RegisterCheck | PhoneCheck,
  actor: string,
  now: Date,
): Promise<StepResult> {
  return db.transaction().execute(async (trx) => {
    const closed = await lockUndecided(trx, receipt);
    if (closed) return closed;
    await takeUp(trx, receipt, actor, now);
    const column = step === 'register' ? 'register_check' : 'phone_check';
    await trx
      .updateTable('applications')
      .set({ [column]: JSON.stringify(check), updated_at: now })
      .where('receipt', '=', receipt)
      .execute();
    // The outcome only: the check itself (a phone number, the verifier's note) is personal
    // data kept with the application, which the retention purge erases; the log must not keep a copy.
    await recordAudit(
      trx,
      { actor, action: 'application.check', subject: receipt, detail: { step, outcome: check.outcome } },
      now,
    );
    return 'recorded';
  });
}

export const recordRegisterCheck = (
  db: Kysely<Database>,
  receipt: string,
  check: RegisterCheck,
  actor: string,
  now: Date,
) => recordStep(db, receipt, 'register', check, actor, now);
export const recordPhoneCheck = (db: Kysely<Database>, receipt: string, check: PhoneCheck, actor: string, now: Date) =>
  recordStep(db, receipt, 'phone', check, actor, now);

/**
 * Checks domains of an undecided application now (in parallel: each check is bounded in
 * time) and stores each answer beside the others, with one audit line. The one way domain
 * checks are stored, for the applicant's "check my domains" and the verifier's "check
 * again": the write merges per domain (`||`, in one statement, so two checks of two
 * domains at once keep both) and only while the application is still open (a decision
 * taken during the fetch is never changed). `startReview` (a verifier's check) also moves
 * a received application into review.
 */
export async function checkDomainsNow(
  db: Kysely<Database>,
  proof: DomainProof,
  application: { receipt: string; status: ApplicationStatus; proofToken: string },
  domains: readonly string[],
  actor: string,
  now: () => Date,
  options: { startReview: boolean },
): Promise<StepResult> {
  if (!isOpen(application.status)) return 'decided';
  const checks = await Promise.all(
    domains.map(async (domain): Promise<DomainCheck> => {
      try {
        return storedDomainCheckSchema.parse(await proof.check(domain, application.proofToken));
      } catch {
        // A checker that fails outright proves nothing: the page says the shop could not be reached.
        return { domain, proven: false, method: null, checkedAt: now().toISOString(), problem: 'unreachable' };
      }
    }),
  );
  const byDomain = Object.fromEntries(checks.map((check) => [check.domain, check]));
  const at = now();
  return db.transaction().execute(async (trx) => {
    if (options.startReview) await takeUp(trx, application.receipt, actor, at);
    const updated = await trx
      .updateTable('applications')
      .set({ domain_checks: sql`domain_checks || ${JSON.stringify(byDomain)}::jsonb`, updated_at: at })
      .where('receipt', '=', application.receipt)
      .where('status', 'in', ['received', 'in-review'])
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return 'decided';
    const detail = Object.fromEntries(
      checks.map((check) => [check.domain, { proven: check.proven, method: check.method, problem: check.problem }]),
    );
    await recordAudit(
      trx,
      { actor, action: 'application.check', subject: application.receipt, detail: { step: 'domain', domains: detail } },
      at,
    );
    return 'recorded';
  });
}
