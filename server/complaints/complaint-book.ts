import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { complaintOutcomeSchema, complaintStageSchema } from '../../src/directory/report-contract.ts';
import { multilineText } from '../../src/directory/text-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { shopDomainArgument } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';

// Complaints: opened when a moderator accepts a report (server/reports/report-queue.ts),
// counted per domain in every publication, closed by staff here (the service closes the
// unanswered ones, server/complaints/complaint-lifecycle.ts; the shopper confirms a
// resolution, server/reports/reporter-outcome.ts).

/** How staff close a complaint: resolved, or unfounded after review. Unanswered is the service's. */
export const staffOutcomeSchema = complaintOutcomeSchema.extract(['resolved', 'unfounded']);
export type StaffOutcome = z.infer<typeof staffOutcomeSchema>;

export const closeComplaintSchema = z.strictObject({
  /** `resolved` when absent, as before outcomes existed. */
  outcome: staffOutcomeSchema.optional(),
  /** The staff's note: read by moderators, never published nor shown to the merchant. */
  note: multilineText(2000).min(1).optional(),
});
export type CloseDecision = z.infer<typeof closeComplaintSchema>;

/** PostgreSQL's `integer`: a larger id names no complaint, and SQL would fail on it. */
export const MAX_COMPLAINT_ID = 2_147_483_647;
const COMPLAINT_ID_MESSAGE = `must be a complaint id, a whole number from 1 to ${MAX_COMPLAINT_ID}`;
/** A complaint id as a path or a command line carries it: digits only, no sign, no exponent. */
export const complaintIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, { message: COMPLAINT_ID_MESSAGE })
  .transform(Number)
  .refine((id) => id <= MAX_COMPLAINT_ID, { message: COMPLAINT_ID_MESSAGE });

/** Open, or how it closed. Published counts know open and resolved only. */
export const complaintStatusSchema = z.enum(['open', ...complaintOutcomeSchema.options]);

export const complaintSchema = z
  .object({
    id: z.int(),
    domain: z.string(),
    category: z.string(),
    status: complaintStatusSchema,
    stage: complaintStageSchema,
    /** The listed merchant the complaint was sent to; null for an unlisted shop. */
    merchantId: z.string().nullable(),
    reportReceipt: z.string().nullable(),
    openedAt: z.string(),
    openedBy: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
  })
  .openapi('Complaint');
export type Complaint = z.infer<typeof complaintSchema>;

export class ComplaintBook {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
  ) {}

  async list(filter: { status?: Complaint['status']; domain?: string; limit?: number }): Promise<Complaint[]> {
    let query = this.db.selectFrom('complaints').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.domain) query = query.where('domain', '=', shopDomainArgument(filter.domain));
    const rows = await query
      .orderBy('id')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(
      (row): Complaint => ({
        id: row.id,
        domain: row.domain,
        category: row.category,
        status: row.status as Complaint['status'],
        stage: row.stage,
        merchantId: row.merchant_id,
        reportReceipt: row.report_receipt,
        openedAt: new Date(row.opened_at).toISOString(),
        openedBy: row.opened_by,
        resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at).toISOString(),
        resolvedBy: row.resolved_by,
      }),
    );
  }

  /** Closes an open complaint, whatever its stage with the merchant. */
  async close(id: number, decision: CloseDecision, actor: string) {
    const outcome = decision.outcome ?? 'resolved';
    return this.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const row = await trx
        .updateTable('complaints')
        .set({ status: outcome, stage: 'closed', resolved_at: now, resolved_by: actor, note: decision.note ?? null })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .returning(['id', 'domain'])
        .executeTakeFirst();
      if (!row) {
        const exists = await trx.selectFrom('complaints').select('id').where('id', '=', id).executeTakeFirst();
        throw exists
          ? new ServiceError('conflict', `complaint ${id} is already closed`)
          : new ServiceError('not-found', `no complaint ${id}`);
      }
      await recordAudit(
        trx,
        { actor, action: 'complaint.close', subject: `complaint ${id}`, detail: { domain: row.domain, outcome } },
        now,
      );
      return { id, domain: row.domain, status: outcome };
    });
  }
}
