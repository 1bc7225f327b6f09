import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { multilineText, personText } from '../../src/directory/text-policy.ts';
import type { DomainCheck, DomainProof } from '../applications/domain-proof.ts';
import { MAX_COMPLAINT_ID } from '../complaints/complaint-book.ts';
import { monthsBefore } from '../complaints/lifecycle-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { ContestRow, Database } from '../db/tables.ts';
import { mailAddressSchema } from '../mail/mail-message.ts';

// Contests: a merchant, or whoever holds a flagged domain, says a flag or a complaint is
// wrong. Received from the portal (/contest), proven by the same domain token as an
// application, then decided by a moderator (contest-decision.ts). Only a proven contest
// reaches the moderators: anyone may type a form, only the domain's holder can serve the token.

export const CONTEST_KINDS = ['flag', 'complaint'] as const;
export const CONTEST_LIMITS = { name: 120, reason: 2000, publicOutcome: 500 } as const;
/** A complaint closed longer ago than this is no longer contested: its outcome stands. */
export const COMPLAINT_CONTEST_MONTHS = 3;

export const contestInputSchema = z
  .strictObject({
    kind: z.enum(CONTEST_KINDS),
    domain: z.string().regex(/^[a-z0-9.-]{1,253}$/),
    complaintId: z.int().min(1).max(MAX_COMPLAINT_ID).nullable(),
    name: personText(CONTEST_LIMITS.name).min(2),
    email: mailAddressSchema,
    reason: multilineText(CONTEST_LIMITS.reason).min(10),
    lang: z.enum(['ar', 'fr', 'en']),
    idempotencyKey: z.uuid(),
  })
  .refine((input) => (input.kind === 'complaint') === (input.complaintId !== null), {
    message: 'a complaint contest names a complaint, a flag contest none',
    path: ['complaintId'],
  });
export type ContestInput = z.infer<typeof contestInputSchema>;

/** A receipt: 22 base64url characters (128 random bits), the contester's only key. */
export const contestReceiptSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

export interface ContestView {
  receipt: string;
  kind: ContestRow['kind'];
  domain: string;
  complaintId: number | null;
  merchantId: string | null;
  name: string;
  email: string;
  reason: string;
  lang: 'ar' | 'fr' | 'en';
  proofToken: string;
  /** When the domain proof passed; null until it has. */
  provenAt: string | null;
  status: ContestRow['status'];
  publicOutcome: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function contestView(row: ContestRow): ContestView {
  return {
    receipt: row.receipt,
    kind: row.kind,
    domain: row.domain,
    complaintId: row.complaint_id,
    merchantId: row.merchant_id,
    name: row.name,
    email: row.email,
    reason: row.reason,
    lang: row.lang === 'ar' || row.lang === 'fr' ? row.lang : 'en',
    proofToken: row.proof_token,
    provenAt: iso(row.proof_checked_at),
    status: row.status,
    publicOutcome: row.public_outcome,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Why a contest's subject cannot be contested; the form says it at the field. */
export type SubjectProblem =
  | 'not-flagged'
  | 'no-complaint'
  /** The complaint is about a shop that is neither this domain nor another of its merchant's. */
  | 'complaint-elsewhere'
  | 'complaint-too-old';

export type ContestReceived =
  | { outcome: 'received'; receipt: string; replayed: boolean; contest: ContestView }
  /** A proven contest on the same subject is already before the moderators: its page, not a second. */
  | { outcome: 'pending'; receipt: string }
  | { outcome: 'refused'; field: 'domain' | 'complaint'; problem: SubjectProblem };

/** The actor of what a contester does from the portal, in the audit log. */
export const CONTESTER_ACTOR = 'contester';

export class ContestBook {
  private readonly db: Kysely<Database>;
  private readonly proof: DomainProof;
  private readonly clock: () => Date;

  /** A ServiceContext will do: `new ContestBook(context)`. */
  constructor(deps: { db: Kysely<Database>; domainProof: DomainProof; clock: () => Date }) {
    this.db = deps.db;
    this.proof = deps.domainProof;
    this.clock = deps.clock;
  }

  /** The merchant holding `domain`, if it is a listed merchant's. */
  private async merchantOf(domain: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('merchant_domains')
      .select('merchant_id')
      .where('domain', '=', domain)
      .executeTakeFirst();
    return row?.merchant_id ?? null;
  }

  /** What the contest is about, checked: a flag on the domain, or a recent complaint on its merchant's shops. */
  private async checkSubject(
    input: ContestInput,
    merchantId: string | null,
  ): Promise<{ field: 'domain' | 'complaint'; problem: SubjectProblem } | null> {
    if (input.kind === 'flag') {
      const flag = await this.db
        .selectFrom('flagged_domains')
        .select('domain')
        .where('domain', '=', input.domain)
        .executeTakeFirst();
      return flag ? null : { field: 'domain', problem: 'not-flagged' };
    }
    const complaint = await this.db
      .selectFrom('complaints')
      .select(['domain', 'merchant_id', 'status', 'resolved_at'])
      .where('id', '=', input.complaintId ?? 0)
      .executeTakeFirst();
    if (!complaint) return { field: 'complaint', problem: 'no-complaint' };
    const sameShop =
      complaint.domain === input.domain ||
      (merchantId !== null &&
        (complaint.merchant_id === merchantId || (await this.merchantOf(complaint.domain)) === merchantId));
    // Said the same way as a complaint that does not exist: a number does not tell whose it is.
    if (!sameShop) return { field: 'complaint', problem: 'complaint-elsewhere' };
    const cutoff = monthsBefore(this.clock(), COMPLAINT_CONTEST_MONTHS);
    if (complaint.status !== 'open' && complaint.resolved_at !== null && new Date(complaint.resolved_at) < cutoff) {
      return { field: 'complaint', problem: 'complaint-too-old' };
    }
    return null;
  }

  /** The proven, undecided contest on the same subject, if any. */
  private async pendingOn(input: Pick<ContestInput, 'kind' | 'domain' | 'complaintId'>) {
    let query = this.db
      .selectFrom('contests')
      .select('receipt')
      .where('status', '=', 'received')
      .where('proof_checked_at', 'is not', null)
      .where('kind', '=', input.kind);
    query =
      input.kind === 'flag'
        ? query.where('domain', '=', input.domain)
        : query.where('complaint_id', '=', input.complaintId ?? 0);
    return (await query.orderBy('created_at').executeTakeFirst())?.receipt ?? null;
  }

  async receive(raw: ContestInput): Promise<ContestReceived> {
    const input = contestInputSchema.parse(raw);
    // A form sent twice (a double click, a reload) is the first contest, whatever it held.
    const earlier = await this.db
      .selectFrom('contests')
      .selectAll()
      .where('idempotency_key', '=', input.idempotencyKey)
      .executeTakeFirst();
    if (earlier)
      return { outcome: 'received', receipt: earlier.receipt, replayed: true, contest: contestView(earlier) };
    const merchantId = await this.merchantOf(input.domain);
    const refused = await this.checkSubject(input, merchantId);
    if (refused) return { outcome: 'refused', ...refused };
    const pending = await this.pendingOn(input);
    if (pending) return { outcome: 'pending', receipt: pending };
    const receipt = randomBytes(16).toString('base64url');
    const now = this.clock();
    const inserted = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('contests')
        .values({
          receipt,
          kind: input.kind,
          domain: input.domain,
          complaint_id: input.complaintId,
          merchant_id: merchantId,
          name: input.name,
          email: input.email,
          reason: input.reason,
          lang: input.lang,
          proof_token: randomBytes(24).toString('base64url'),
          proof_checked_at: null,
          status: 'received',
          public_outcome: null,
          decided_by: null,
          decided_at: null,
          created_at: now,
          idempotency_key: input.idempotencyKey,
        })
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      const detail = { kind: input.kind, domain: input.domain, complaintId: input.complaintId };
      await recordAudit(trx, { actor: CONTESTER_ACTOR, action: 'contest.receive', subject: receipt, detail }, now);
      return row;
    });
    if (inserted) return { outcome: 'received', receipt, replayed: false, contest: contestView(inserted) };
    // The same key won a race with this request: that contest is this one.
    return this.receive(input);
  }

  /** The contest, or null when no contest has this receipt. */
  async get(receipt: string): Promise<ContestView | null> {
    if (!contestReceiptSchema.safeParse(receipt).success) return null;
    const row = await this.db.selectFrom('contests').selectAll().where('receipt', '=', receipt).executeTakeFirst();
    return row ? contestView(row) : null;
  }

  /**
   * Fetches the token from the contested domain now. A pass is kept (the contest reaches
   * the moderators); a failure is only reported, the last pass stands.
   */
  async checkProof(contest: ContestView): Promise<DomainCheck> {
    const check = await this.proof.check(contest.domain, contest.proofToken);
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      if (check.proven) {
        await trx
          .updateTable('contests')
          .set({ proof_checked_at: now })
          .where('receipt', '=', contest.receipt)
          .where('status', '=', 'received')
          .where('proof_checked_at', 'is', null)
          .execute();
      }
      const detail = { domain: contest.domain, proven: check.proven, method: check.method, problem: check.problem };
      await recordAudit(
        trx,
        { actor: CONTESTER_ACTOR, action: 'contest.check', subject: contest.receipt, detail },
        now,
      );
    });
    return check;
  }

  /** Proven contests waiting for a decision, oldest first (the moderators' queue). */
  async waiting(limit = 200): Promise<ContestView[]> {
    const rows = await this.db
      .selectFrom('contests')
      .selectAll()
      .where('status', '=', 'received')
      .where('proof_checked_at', 'is not', null)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(contestView);
  }
}
