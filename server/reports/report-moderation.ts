import type { Kysely } from 'kysely';
import { z } from 'zod';
import { complaintCategorySchema, flaggedDomainSchema, flagReasonSchema } from '../../src/directory/schemas.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { multilineText, personText } from '../../src/directory/text-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database, ReportRow } from '../db/tables.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';
import { type ReportStatus, reportStatusSchema } from './report-desk.ts';

// What moderators do, from the CLI or the admin API alike. Every action writes its
// audit line in the same transaction as the change itself.

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
  why: personText(500).min(3),
});
export const resolveComplaintSchema = z.strictObject({
  note: multilineText(2000).min(1).optional(),
});
export const flagDomainSchema = z.strictObject({
  reason: flagReasonSchema,
  // The directory's own rule: a summary the snapshot schema refuses would make every
  // publish fail until the flag is changed.
  summary: flaggedDomainSchema.shape.summary.min(3),
  /** When the shop was found out, if before today (e.g. flags carried over from another list). */
  since: z.iso.date().optional(),
});

/** PostgreSQL's `integer`: a larger id names no complaint, and SQL would fail on it. */
const MAX_COMPLAINT_ID = 2_147_483_647;
const COMPLAINT_ID_MESSAGE = `must be a complaint id, a whole number from 1 to ${MAX_COMPLAINT_ID}`;
/** A complaint id as a path or a command line carries it: digits only, no sign, no exponent. */
export const complaintIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, { message: COMPLAINT_ID_MESSAGE })
  .transform(Number)
  .refine((id) => id <= MAX_COMPLAINT_ID, { message: COMPLAINT_ID_MESSAGE });

export interface ModeratorReport {
  receipt: string;
  status: ReportStatus;
  domain: string;
  url: string;
  reason: string;
  details: string | null;
  contact: string | null;
  lang: string | null;
  publicReason: string | null;
  complaintId: number | null;
  receivedAt: string;
}

export interface Complaint {
  id: number;
  domain: string;
  category: string;
  status: 'open' | 'resolved';
  reportReceipt: string | null;
  openedAt: string;
  openedBy: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

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

/** The canonical shop domain a moderator means, or a usage error naming the cause. */
export function shopDomainArgument(input: string): string {
  const identity = resolveShopIdentity(input, SERVICE_PLATFORMS);
  if (!identity.ok) throw new ServiceError('invalid', `${input} is not a shop domain (${identity.cause})`, 'domain');
  return identity.identity.domain;
}

export class Moderation {
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

  async listComplaints(filter: { status?: 'open' | 'resolved'; domain?: string; limit?: number }) {
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

  async resolveComplaint(id: number, decision: z.infer<typeof resolveComplaintSchema>, actor: string) {
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

  async listFlags() {
    const rows = await this.db.selectFrom('flagged_domains').selectAll().orderBy('domain').execute();
    return rows.map((row) => ({
      domain: row.domain,
      reason: row.reason,
      since: row.since,
      summary: row.summary,
      flaggedBy: row.flagged_by,
    }));
  }

  async flag(input: string, flag: z.infer<typeof flagDomainSchema>, actor: string) {
    const domain = shopDomainArgument(input);
    return this.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const today = now.toISOString().slice(0, 10);
      if (flag.since !== undefined && flag.since > today) {
        throw new ServiceError('invalid', `${flag.since} is in the future`, 'since');
      }
      const existing = await trx
        .selectFrom('flagged_domains')
        .selectAll()
        .where('domain', '=', domain)
        .executeTakeFirst();
      const since = flag.since ?? existing?.since ?? today;
      const result = { domain, reason: flag.reason, since, summary: flag.summary };
      if (
        existing &&
        existing.reason === flag.reason &&
        existing.summary === flag.summary &&
        existing.since === since
      ) {
        return { ...result, changed: false };
      }
      await trx
        .insertInto('flagged_domains')
        .values({ ...result, flagged_by: actor, flagged_at: now })
        .onConflict((conflict) =>
          conflict
            .column('domain')
            .doUpdateSet({ reason: flag.reason, summary: flag.summary, since, flagged_by: actor, flagged_at: now }),
        )
        .execute();
      await recordAudit(trx, { actor, action: 'domain.flag', subject: domain, detail: { ...flag, since } }, now);
      return { ...result, changed: true };
    });
  }

  async unflag(input: string, actor: string) {
    const domain = shopDomainArgument(input);
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('flagged_domains')
        .where('domain', '=', domain)
        .returning(['reason'])
        .executeTakeFirst();
      if (!removed) throw new ServiceError('not-found', `${domain} is not flagged`);
      await recordAudit(
        trx,
        { actor, action: 'domain.unflag', subject: domain, detail: { reason: removed.reason } },
        this.clock(),
      );
      return { domain, flagged: false as const };
    });
  }
}
