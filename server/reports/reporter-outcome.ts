import type { ReporterOutcome, ReportStatusView } from '../../src/directory/report-contract.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { ServiceError } from '../http/service-error.ts';

// The shopper's word once the merchant answered — resolved (closes the complaint as
// resolved) and/or a rating of the answer — checked against the report's edit token.
// A rating may be given again to change it, also after the complaint closed (if it was
// answered); a resolution is confirmed once, while the complaint is answered and still open.

/** Who the audit log names for what the shopper does with their receipt and token. */
export const REPORTER_ACTOR = 'reporter';

/**
 * Throws ServiceError: not-found (no such receipt), forbidden (wrong token), conflict (not
 * a complaint, no answer yet, or already closed when confirming).
 */
export async function recordReporterOutcome(
  context: ServiceContext,
  receipt: string,
  editToken: string,
  outcome: ReporterOutcome,
): Promise<ReportStatusView> {
  await context.db.transaction().execute(async (trx) => {
    const report = await trx
      .selectFrom('reports')
      .select(['receipt', 'status', 'complaint_id'])
      .where('receipt', '=', receipt)
      .forUpdate()
      .executeTakeFirst();
    if (!report) throw new ServiceError('not-found', 'no report with this receipt');
    if (!context.reports.verifyEditToken(receipt, editToken)) {
      throw new ServiceError('forbidden', 'wrong edit token for this report');
    }
    if (report.status !== 'accepted' || report.complaint_id === null) {
      throw new ServiceError('conflict', `the report is ${report.status}, not a complaint a merchant answers`);
    }
    const complaint = await trx
      .selectFrom('complaints')
      .select(['id', 'domain', 'status', 'stage', 'answered_at'])
      .where('id', '=', report.complaint_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const closing = outcome.resolved === true;
    if (closing && complaint.stage === 'closed') {
      throw new ServiceError('conflict', `the complaint is already closed (${complaint.status})`);
    }
    // A complaint closed without an answer (unanswered, or closed by staff first) has
    // nothing to rate and nothing to confirm: the stage alone does not say it was answered.
    if (complaint.answered_at === null || (complaint.stage !== 'answered' && complaint.stage !== 'closed')) {
      throw new ServiceError('conflict', 'the merchant has not answered yet');
    }
    const now = context.clock();
    const subject = `complaint ${complaint.id}`;
    if (outcome.rating) {
      await trx
        .updateTable('reports')
        .set({ rating: outcome.rating, rated_at: now })
        .where('receipt', '=', receipt)
        .execute();
      await recordAudit(
        trx,
        { actor: REPORTER_ACTOR, action: 'complaint.rate', subject, detail: { rating: outcome.rating } },
        now,
      );
    }
    if (closing) {
      await trx
        .updateTable('complaints')
        .set({ status: 'resolved', stage: 'closed', resolved_at: now, resolved_by: REPORTER_ACTOR })
        .where('id', '=', complaint.id)
        .execute();
      await recordAudit(
        trx,
        { actor: REPORTER_ACTOR, action: 'complaint.confirm', subject, detail: { domain: complaint.domain } },
        now,
      );
    }
  });
  return context.reports.status(receipt);
}
