import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import {
  MAX_PUBLIC_REASON_LENGTH,
  type ReportStatus,
  reportStatusSchema,
} from '../../src/directory/report-contract.ts';
import { complaintCategorySchema } from '../../src/directory/schemas.ts';
import { multilineText, personText } from '../../src/directory/text-policy.ts';
import { MAX_COMPLAINT_ID } from '../complaints/complaint-book.ts';
import { type Forwarding, type ForwardResult, merchantHolding } from '../complaints/complaint-lifecycle.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database, ReportRow } from '../db/tables.ts';
import { shopDomainArgument } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';

// The moderators' queue of shoppers' reports, from the CLI or the admin API alike: review,
// accept into a complaint, or reject with a reason the shopper reads. Every decision
// writes its audit line in the same transaction as the change itself.

/** `new` is what a moderator calls a report nobody has looked at yet. */
export const reportFilterSchema = z.enum(['new', ...reportStatusSchema.options]);
export type ReportFilter = z.infer<typeof reportFilterSchema>;

export const MAX_MERCHANT_SUMMARY_LENGTH = 2000;

// Every text a moderator types is held to the text policy (src/directory/text-policy.ts):
// `why` is shown to the shopper, notes are read by other moderators, and the CLI parses
// its options with these same schemas.
export const acceptReportSchema = z.strictObject({
  category: complaintCategorySchema,
  note: multilineText(2000).min(1).optional(),
  /**
   * What the merchant reads: the complaint without the shopper's personal data. Only for a
   * listed merchant's shop; the shopper's own words reach the merchant only if they agreed.
   */
  merchantSummary: multilineText(MAX_MERCHANT_SUMMARY_LENGTH).min(1).optional(),
});
export const rejectReportSchema = z.strictObject({
  /** Shown to the shopper as the public reason: one line. */
  why: personText(MAX_PUBLIC_REASON_LENGTH).min(3),
});
export const duplicateReportSchema = z.strictObject({
  /** An open complaint on the report's domain. */
  complaintId: z.int().min(1).max(MAX_COMPLAINT_ID),
});
export type AcceptDecision = z.infer<typeof acceptReportSchema>;
export type RejectDecision = z.infer<typeof rejectReportSchema>;

/** A report as moderators see it (contact details included, when the shopper consented). */
export const moderatorReportSchema = z
  .object({
    receipt: z.string(),
    status: reportStatusSchema,
    domain: z.string(),
    url: z.string(),
    reason: z.string(),
    details: z.string().nullable(),
    contact: z.string().nullable(),
    lang: z.string().nullable(),
    publicReason: z.string().nullable(),
    complaintId: z.int().nullable(),
    receivedAt: z.string(),
  })
  .openapi('ModeratorReport');
export type ModeratorReport = z.infer<typeof moderatorReportSchema>;

function moderatorView(row: ReportRow): ModeratorReport {
  return {
    receipt: row.receipt,
    status: row.status as ReportStatus,
    domain: row.domain,
    url: row.url,
    reason: row.reason,
    details: row.details,
    contact: row.contact,
    lang: row.lang,
    publicReason: row.public_reason,
    complaintId: row.complaint_id,
    receivedAt: new Date(row.created_at).toISOString(),
  };
}

/** Sends a complaint just opened to its merchant (server/complaints/complaint-lifecycle.ts). */
export type ForwardComplaint = (complaintId: number) => Promise<ForwardResult>;

export class ReportQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    /** Called once the acceptance is committed; none in tools that only enter data. */
    private readonly forward?: ForwardComplaint,
  ) {}

  /** A failure to forward never fails the acceptance, which is committed already. */
  private async forwardOpened(complaintId: number): Promise<Forwarding> {
    if (!this.forward) return 'not-due';
    try {
      return await this.forward(complaintId);
    } catch (error) {
      console.error(`complaint ${complaintId}: forwarding to the merchant failed: ${(error as Error).message}`);
      return 'failed';
    }
  }

  async listReports(filter: { status?: ReportFilter; domain?: string; limit?: number }): Promise<ModeratorReport[]> {
    let query = this.db.selectFrom('reports').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status === 'new' ? 'received' : filter.status);
    if (filter.domain) query = query.where('domain', '=', shopDomainArgument(filter.domain));
    const rows = await query
      .orderBy('created_at', 'asc')
      .orderBy('receipt')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(moderatorView);
  }

  /** Locks a report that a moderator may still decide (received or under review, never withdrawn). */
  private async openReport(db: Kysely<Database>, receipt: string): Promise<ReportRow> {
    const row = await db
      .selectFrom('reports')
      .selectAll()
      .where('receipt', '=', receipt)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new ServiceError('not-found', `no report ${receipt}`);
    // A withdrawn report is the shopper's to take back, not a moderator's to decide: deciding
    // it would open (and forward) a complaint they withdrew, and make it amendable again.
    if (row.status === 'accepted' || row.status === 'rejected' || row.status === 'withdrawn' || row.withdrawn_at) {
      throw new ServiceError('conflict', `report ${receipt} is already ${row.status}`);
    }
    return row;
  }

  async review(receipt: string, actor: string): Promise<ModeratorReport> {
    return this.db.transaction().execute(async (trx) => {
      await this.openReport(trx, receipt);
      const now = this.clock();
      const row = await trx
        .updateTable('reports')
        .set({ status: 'under-review', updated_at: now })
        .where('receipt', '=', receipt)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { actor, action: 'report.review', subject: receipt }, now);
      return moderatorView(row);
    });
  }

  /** Accepting a report opens a complaint on its domain, counted in the next publish. */
  async accept(receipt: string, decision: AcceptDecision, actor: string) {
    const accepted = await this.db.transaction().execute((trx) => this.acceptIn(trx, receipt, decision, actor));
    return { ...accepted, forwarding: await this.forwardOpened(accepted.complaintId) };
  }

  async reject(receipt: string, decision: RejectDecision, actor: string) {
    return this.db.transaction().execute((trx) => this.rejectIn(trx, receipt, decision, actor));
  }

  /**
   * Links a report to a complaint already open on its domain: the report is accepted, and
   * no complaint is added, so a shop's count says how many things went wrong, not how many
   * shoppers said so.
   */
  async markDuplicate(receipt: string, complaintId: number, actor: string): Promise<ModeratorReport> {
    return this.db.transaction().execute((trx) => this.duplicateIn(trx, receipt, complaintId, actor));
  }

  /**
   * Several reports of one shop about one thing: the first opens a complaint, the others
   * are its duplicates. All or nothing: one report that cannot be decided changes none.
   */
  async acceptAsOne(domain: string, receipts: readonly string[], decision: AcceptDecision, actor: string) {
    const [first, ...others] = distinctReceipts(receipts);
    const accepted = await this.db.transaction().execute(async (trx) => {
      await this.lockAllOf(trx, domain, [first, ...others]);
      const opened = await this.acceptIn(trx, first, decision, actor);
      for (const receipt of others) await this.duplicateIn(trx, receipt, opened.complaintId, actor);
      return { complaintId: opened.complaintId, reports: 1 + others.length };
    });
    return { ...accepted, forwarding: await this.forwardOpened(accepted.complaintId) };
  }

  /** Rejects several reports of one shop with one public reason, all or none. */
  async rejectAll(domain: string, receipts: readonly string[], decision: RejectDecision, actor: string) {
    const all = distinctReceipts(receipts);
    return this.db.transaction().execute(async (trx) => {
      await this.lockAllOf(trx, domain, all);
      for (const receipt of all) await this.rejectIn(trx, receipt, decision, actor);
      return { reports: all.length };
    });
  }

  /** Every report of a bulk action must be open and of the shop the action is for. */
  private async lockAllOf(trx: Kysely<Database>, domain: string, receipts: readonly string[]) {
    for (const receipt of receipts) {
      const report = await this.openReport(trx, receipt);
      if (report.domain !== domain) throw new ServiceError('not-found', `no report ${receipt} on ${domain}`);
    }
  }

  private async acceptIn(trx: Kysely<Database>, receipt: string, decision: AcceptDecision, actor: string) {
    const report = await this.openReport(trx, receipt);
    const now = this.clock();
    const complaint = await trx
      .insertInto('complaints')
      .values({
        domain: report.domain,
        category: decision.category,
        status: 'open',
        report_receipt: receipt,
        opened_at: now,
        opened_by: actor,
        note: decision.note ?? null,
        merchant_id: await merchantHolding(trx, report.domain),
        merchant_summary: decision.merchantSummary ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await trx
      .updateTable('reports')
      .set({ status: 'accepted', complaint_id: complaint.id, updated_at: now, decided_at: now })
      .where('receipt', '=', receipt)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      {
        actor,
        action: 'report.accept',
        subject: receipt,
        detail: { domain: report.domain, category: decision.category, complaint: complaint.id },
      },
      now,
    );
    return { report: moderatorView(row), complaintId: complaint.id };
  }

  private async rejectIn(trx: Kysely<Database>, receipt: string, decision: RejectDecision, actor: string) {
    const report = await this.openReport(trx, receipt);
    const now = this.clock();
    const row = await trx
      .updateTable('reports')
      .set({ status: 'rejected', public_reason: decision.why, updated_at: now, decided_at: now })
      .where('receipt', '=', receipt)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      { actor, action: 'report.reject', subject: receipt, detail: { domain: report.domain, why: decision.why } },
      now,
    );
    return moderatorView(row);
  }

  private async duplicateIn(trx: Kysely<Database>, receipt: string, complaintId: number, actor: string) {
    const report = await this.openReport(trx, receipt);
    // Locked, so that the complaint cannot be resolved while a report is being linked to it.
    const complaint = await trx
      .selectFrom('complaints')
      .select(['id', 'domain', 'status'])
      .where('id', '=', complaintId)
      .forUpdate()
      .executeTakeFirst();
    if (!complaint) throw new ServiceError('invalid', `no complaint ${complaintId}`, 'complaintId');
    if (complaint.domain !== report.domain) {
      throw new ServiceError(
        'invalid',
        `complaint ${complaintId} is on ${complaint.domain}, not on ${report.domain}`,
        'complaintId',
      );
    }
    if (complaint.status !== 'open') {
      throw new ServiceError('conflict', `complaint ${complaintId} is already ${complaint.status}`, 'complaintId');
    }
    const now = this.clock();
    const row = await trx
      .updateTable('reports')
      .set({ status: 'accepted', complaint_id: complaintId, updated_at: now, decided_at: now })
      .where('receipt', '=', receipt)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      {
        actor,
        action: 'report.duplicate',
        subject: receipt,
        detail: { domain: report.domain, complaint: complaintId },
      },
      now,
    );
    return moderatorView(row);
  }
}

/** The receipts of a bulk action, each once, in the order given; at least one. */
function distinctReceipts(receipts: readonly string[]): [string, ...string[]] {
  const [first, ...others] = [...new Set(receipts)];
  if (first === undefined) throw new ServiceError('invalid', 'no report chosen', 'receipts');
  return [first, ...others];
}
