import type { ReporterOutcome, ReportStatusView } from '../../src/directory/report-contract.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { ServiceError } from '../http/service-error.ts';

// SKELETON (helper "lifecycle" fills it in): the shopper's word once the merchant
// answered — resolved (closes the complaint as resolved) and/or a rating — checked
// against the report's edit token. Throws ServiceError: not-found (no such receipt),
// forbidden (wrong token), conflict (no answer yet, or already closed).

export async function recordReporterOutcome(
  _context: ServiceContext,
  _receipt: string,
  _editToken: string,
  _outcome: ReporterOutcome,
): Promise<ReportStatusView> {
  throw new ServiceError('unavailable', 'not built yet');
}
