import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import {
  MAX_PUBLIC_REASON_LENGTH,
  type ReportStatus,
  reportStatusSchema,
} from '../../src/directory/report-contract.ts';
import { complaintCategorySchema } from '../../src/directory/schemas.ts';
import { multilineText, personText } from '../../src/directory/text-policy.ts';
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

// Every text a moderator types is held to the text policy (src/directory/text-policy.ts):
// `why` is shown to the shopper, notes are read by other moderators, and the CLI parses
// its options with these same schemas.
export const acceptReportSchema = z.strictObject({
  category: complaintCategorySchema,
  note: multilineText(2000).min(1).optional(),
});
export const rejectReportSchema = z.strictObject({
  /** Shown to the shopper as the public reason: one line. */
  why: personText(MAX_PUBLIC_REASON_LENGTH).min(3),
});

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

export class ReportQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
  ) {}

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

  /** Moves a report to the states a moderator may still decide from. */
  private async openReport(db: Kysely<Database>, receipt: string): Promise<ReportRow> {
    const row = await db
      .selectFrom('reports')
      .selectAll()
      .where('receipt', '=', receipt)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new ServiceError('not-found', `no report ${receipt}`);
    if (row.status === 'accepted' || row.status === 'rejected') {
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
  async accept(receipt: string, decision: z.infer<typeof acceptReportSchema>, actor: string) {
    return this.db.transaction().execute(async (trx) => {
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
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const row = await trx
        .updateTable('reports')
        .set({ status: 'accepted', complaint_id: complaint.id, updated_at: now })
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
    });
  }

  async reject(receipt: string, decision: z.infer<typeof rejectReportSchema>, actor: string) {
    return this.db.transaction().execute(async (trx) => {
      const report = await this.openReport(trx, receipt);
      const now = this.clock();
      const row = await trx
        .updateTable('reports')
        .set({ status: 'rejected', public_reason: decision.why, updated_at: now })
        .where('receipt', '=', receipt)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(
        trx,
        { actor, action: 'report.reject', subject: receipt, detail: { domain: report.domain, why: decision.why } },
        now,
      );
      return moderatorView(row);
    });
  }
}
