import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  type ComplaintStage,
  MAX_ANSWER_LENGTH,
  type MerchantAnswerKind,
  merchantAnswerKindSchema,
} from '../../../src/directory/report-contract.ts';
import { multilineText } from '../../../src/directory/text-policy.ts';
import { daysAfter, type LifecyclePolicy } from '../../complaints/lifecycle-policy.ts';
import { recordAudit } from '../../db/audit-log.ts';
import type { Database } from '../../db/tables.ts';
import { merchantActor } from './merchant-card.ts';

// A merchant's complaints as its desk shows them: only its own (a complaint of another
// merchant is as absent as one that does not exist), the shopper's words and contact
// only when the shopper agreed and has not withdrawn the report, and never its receipt.

export const MAX_STAFF_NOTE_LENGTH = 2000;
/** The desk lists this many complaints at most, newest first. */
const LIST_LIMIT = 500;

export const merchantAnswerSchema = z.strictObject({
  kind: merchantAnswerKindSchema,
  text: multilineText(MAX_ANSWER_LENGTH).min(1),
  staffNote: multilineText(MAX_STAFF_NOTE_LENGTH).optional(),
});
export type MerchantAnswer = z.infer<typeof merchantAnswerSchema>;

export interface DeskComplaintLine {
  id: number;
  domain: string;
  category: string;
  openedAt: Date;
  stage: ComplaintStage;
  /** When an answer is due (the next reminder, or the close after the last); null once answered or closed. */
  answerBy: Date | null;
}

/** What a shopper agreed to show the merchant, from one report. */
export interface SharedWords {
  details: string | null;
  contact: string | null;
}

export interface DeskComplaint extends DeskComplaintLine {
  status: string;
  /** The page of the shop the report names (already stripped of query and fragment). */
  url: string | null;
  summary: string | null;
  answer: { kind: MerchantAnswerKind; text: string; at: Date } | null;
  shared: SharedWords[];
}

type ComplaintRow = {
  id: number;
  domain: string;
  category: string;
  opened_at: Date;
  stage: ComplaintStage;
  status: string;
  sent_at: Date | null;
  last_reminded_at: Date | null;
};

function answerBy(row: ComplaintRow, policy: LifecyclePolicy): Date | null {
  if (row.status !== 'open' || (row.stage !== 'sent' && row.stage !== 'read')) return null;
  const from = row.last_reminded_at ?? row.sent_at;
  return from ? daysAfter(from, policy.reminderAfterDays) : null;
}

const line = (row: ComplaintRow, policy: LifecyclePolicy): DeskComplaintLine => ({
  id: row.id,
  domain: row.domain,
  category: row.category,
  openedAt: new Date(row.opened_at),
  stage: row.stage,
  answerBy: answerBy(row, policy),
});

export type AnswerResult = { ok: true } | { ok: false; reason: 'not-found' | 'closed' };

export class MerchantComplaints {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    private readonly policy: LifecyclePolicy,
  ) {}

  private select(db: Kysely<Database>) {
    return db
      .selectFrom('complaints')
      .select(['id', 'domain', 'category', 'opened_at', 'stage', 'status', 'sent_at', 'last_reminded_at']);
  }

  /** The merchant's complaints (every domain it held when each opened), newest first. */
  async list(merchantId: string): Promise<DeskComplaintLine[]> {
    const rows = await this.select(this.db)
      .where('merchant_id', '=', merchantId)
      .orderBy('id', 'desc')
      .limit(LIST_LIMIT)
      .execute();
    return rows.map((row) => line(row, this.policy));
  }

  /**
   * One complaint of the merchant, or null (another merchant's is null too). The first
   * opening after it was sent marks it read, once.
   */
  async open(merchantId: string, complaintId: number): Promise<DeskComplaint | null> {
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      const read = await trx
        .updateTable('complaints')
        .set({ stage: 'read', read_at: now })
        .where('id', '=', complaintId)
        .where('merchant_id', '=', merchantId)
        .where('stage', '=', 'sent')
        .returning('id')
        .executeTakeFirst();
      if (read) {
        await recordAudit(
          trx,
          { actor: merchantActor(merchantId), action: 'complaint.read', subject: `complaint ${complaintId}` },
          now,
        );
      }
    });
    const row = await this.select(this.db)
      .select(['merchant_summary', 'answer_kind', 'answer_text', 'answered_at', 'report_receipt'])
      .where('id', '=', complaintId)
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    if (!row) return null;
    const reports = await this.db
      .selectFrom('reports')
      .select(['receipt', 'url', 'details', 'contact', 'share_with_merchant', 'status', 'withdrawn_at', 'erased_at'])
      .where('complaint_id', '=', complaintId)
      .orderBy('created_at')
      .execute();
    const first = reports.find((report) => report.receipt === row.report_receipt) ?? reports[0];
    const shared = reports
      .filter(
        (report) =>
          report.share_with_merchant &&
          report.status !== 'withdrawn' &&
          report.withdrawn_at === null &&
          report.erased_at === null &&
          (report.details !== null || report.contact !== null),
      )
      .map((report) => ({ details: report.details, contact: report.contact }));
    return {
      ...line(row, this.policy),
      status: row.status,
      url: first && first.erased_at === null ? first.url : null,
      summary: row.merchant_summary,
      answer:
        row.answer_kind === null || row.answered_at === null
          ? null
          : { kind: row.answer_kind, text: row.answer_text ?? '', at: new Date(row.answered_at) },
      shared,
    };
  }

  /** Records the merchant's answer; only while the complaint is open and not answered yet. */
  async answer(merchantId: string, complaintId: number, input: MerchantAnswer): Promise<AnswerResult> {
    const answer = merchantAnswerSchema.parse(input);
    const now = this.clock();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('complaints')
        .select(['id', 'stage', 'status', 'read_at'])
        .where('id', '=', complaintId)
        .where('merchant_id', '=', merchantId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return { ok: false, reason: 'not-found' } as const;
      if (row.status !== 'open' || (row.stage !== 'sent' && row.stage !== 'read')) {
        return { ok: false, reason: 'closed' } as const;
      }
      await trx
        .updateTable('complaints')
        .set({
          stage: 'answered',
          read_at: row.read_at ?? now,
          answered_at: now,
          answer_kind: answer.kind,
          answer_text: answer.text,
          answer_staff_note: answer.staffNote ? answer.staffNote : null,
        })
        .where('id', '=', complaintId)
        .execute();
      await recordAudit(
        trx,
        {
          actor: merchantActor(merchantId),
          action: 'complaint.answer',
          subject: `complaint ${complaintId}`,
          detail: { kind: answer.kind, staffNote: Boolean(answer.staffNote) },
        },
        now,
      );
      return { ok: true } as const;
    });
  }
}
