import type { Kysely } from 'kysely';
import type { ReportStatusView } from '../../src/directory/report-contract.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { ServiceError } from '../http/service-error.ts';
import { erasedReportFields } from '../privacy/report-erasure.ts';
import { complaintProgress, publicStatus } from './report-desk.ts';

// The shopper withdraws a report with its receipt and edit token (law 09-08: the right to
// erasure). Its details, contact and URL path are erased at once and the report turns
// `withdrawn`, which takes it out of the moderators' queue if it was not decided yet. A
// complaint a moderator already opened from it stays and keeps counting: the count is
// the merchant's record. What the moderator wrote for the merchant (merchant_summary) may
// quote the shopper, so it goes too when no other report of the complaint remains.

/** The audit log's name for a shopper: nothing identifies them. */
export const SHOPPER_ACTOR = 'shopper';

export async function withdrawReport(
  context: ServiceContext,
  receipt: string,
  editToken: string,
): Promise<ReportStatusView> {
  const now = context.clock();
  const withdrawn = await context.db.transaction().execute(async (trx) => {
    const report = await trx
      .selectFrom('reports')
      .select(['receipt', 'status', 'url', 'domain', 'complaint_id'])
      .where('receipt', '=', receipt)
      .forUpdate()
      .executeTakeFirst();
    if (!report) throw new ServiceError('not-found', 'no report with this receipt');
    if (!context.reports.verifyEditToken(receipt, editToken)) {
      throw new ServiceError('forbidden', 'wrong edit token for this report');
    }
    if (report.status === 'withdrawn') throw new ServiceError('conflict', 'the report is already withdrawn');
    const row = await trx
      .updateTable('reports')
      .set({
        ...erasedReportFields(report, now),
        share_with_merchant: false,
        status: 'withdrawn',
        withdrawn_at: now,
        updated_at: now,
      })
      .where('receipt', '=', receipt)
      .returningAll()
      .executeTakeFirstOrThrow();
    const summaryErased = report.complaint_id !== null && (await eraseLoneSummary(trx, report.complaint_id, receipt));
    // Ids and states only: what the report said is gone, and must not live on here.
    await recordAudit(
      trx,
      {
        actor: SHOPPER_ACTOR,
        action: 'report.withdraw',
        subject: receipt,
        detail: {
          domain: report.domain,
          from: report.status,
          complaint: report.complaint_id,
          ...(summaryErased ? { summaryErased: true } : {}),
        },
      },
      now,
    );
    return row;
  });
  return publicStatus(withdrawn, await complaintProgress(context.db, withdrawn));
}

/**
 * Clears the complaint's summary for the merchant when the report withdrawn was the last one
 * standing behind it: the summary is the moderator's retelling of what the shoppers wrote.
 * True when a summary was cleared.
 */
async function eraseLoneSummary(trx: Kysely<Database>, complaintId: number, receipt: string): Promise<boolean> {
  const others = await trx
    .selectFrom('reports')
    .select('receipt')
    .where('complaint_id', '=', complaintId)
    .where('receipt', '!=', receipt)
    .where('status', '!=', 'withdrawn')
    .limit(1)
    .execute();
  if (others.length > 0) return false;
  const cleared = await trx
    .updateTable('complaints')
    .set({ merchant_summary: null })
    .where('id', '=', complaintId)
    .where('merchant_summary', 'is not', null)
    .executeTakeFirst();
  return cleared.numUpdatedRows > 0n;
}
