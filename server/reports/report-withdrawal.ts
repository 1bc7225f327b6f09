import type { ReportStatusView } from '../../src/directory/report-contract.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { ServiceError } from '../http/service-error.ts';

// SKELETON (helper "privacy" fills it in): the shopper withdraws a report with its receipt
// and edit token. Its details, contact and URL path are erased at once; the report turns
// `withdrawn`; a complaint a moderator already opened from it keeps its count. Throws
// ServiceError: not-found, forbidden (wrong token), conflict (already withdrawn).

export async function withdrawReport(
  _context: ServiceContext,
  _receipt: string,
  _editToken: string,
): Promise<ReportStatusView> {
  throw new ServiceError('unavailable', 'not built yet');
}
