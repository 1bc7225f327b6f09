import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { multilineText } from '../../src/directory/text-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { shopDomainArgument } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';

// Complaints: opened when a moderator accepts a report (server/reports/report-queue.ts),
// counted per domain in every publication, resolved here.

export const resolveComplaintSchema = z.strictObject({
  note: multilineText(2000).min(1).optional(),
});

/** PostgreSQL's `integer`: a larger id names no complaint, and SQL would fail on it. */
export const MAX_COMPLAINT_ID = 2_147_483_647;
const COMPLAINT_ID_MESSAGE = `must be a complaint id, a whole number from 1 to ${MAX_COMPLAINT_ID}`;
/** A complaint id as a path or a command line carries it: digits only, no sign, no exponent. */
export const complaintIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, { message: COMPLAINT_ID_MESSAGE })
  .transform(Number)
  .refine((id) => id <= MAX_COMPLAINT_ID, { message: COMPLAINT_ID_MESSAGE });

export const complaintStatusSchema = z.enum(['open', 'resolved']);

export const complaintSchema = z
  .object({
    id: z.int(),
    domain: z.string(),
    category: z.string(),
    status: complaintStatusSchema,
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
        reportReceipt: row.report_receipt,
        openedAt: new Date(row.opened_at).toISOString(),
        openedBy: row.opened_by,
        resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at).toISOString(),
        resolvedBy: row.resolved_by,
      }),
    );
  }

  async resolve(id: number, decision: z.infer<typeof resolveComplaintSchema>, actor: string) {
    return this.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const row = await trx
        .updateTable('complaints')
        .set({ status: 'resolved', resolved_at: now, resolved_by: actor, note: decision.note ?? null })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .returning(['id', 'domain'])
        .executeTakeFirst();
      if (!row) {
        const exists = await trx.selectFrom('complaints').select('id').where('id', '=', id).executeTakeFirst();
        throw exists
          ? new ServiceError('conflict', `complaint ${id} is already resolved`)
          : new ServiceError('not-found', `no complaint ${id}`);
      }
      await recordAudit(
        trx,
        { actor, action: 'complaint.resolve', subject: `complaint ${id}`, detail: { domain: row.domain } },
        now,
      );
      return { id, domain: row.domain, status: 'resolved' as const };
    });
  }
}
