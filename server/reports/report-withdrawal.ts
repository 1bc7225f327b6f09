import type { ReportStatusView } from '../../src/directory/report-contract.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { ServiceError } from '../http/service-error.ts';
import { erasedReportFields } from '../privacy/report-erasure.ts';
import { complaintProgress, publicStatus } from './report-desk.ts';

// The shopper withdraws a report with its receipt and edit token (law 09-08: the right to
// erasure). Its details, contact and URL path are erased at once and the report turns
// `withdrawn`, which takes it out of the moderators' queue if it was not decided yet. A
// complaint a moderator already opened from it stays and keeps counting: the count is
// the merchant's record, and it holds nothing the shopper typed.

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
    // Ids and states only: what the report said is gone, and must not live on here.
    await recordAudit(
      trx,
      {
        actor: SHOPPER_ACTOR,
        action: 'report.withdraw',
        subject: receipt,
        detail: { domain: report.domain, from: report.status, complaint: report.complaint_id },
      },
      now,
    );
    return row;
  });
  return publicStatus(withdrawn, await complaintProgress(context.db, withdrawn));
}
