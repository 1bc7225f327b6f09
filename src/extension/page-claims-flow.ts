import type { PageEvidence } from '../directory/page-evidence.ts';
import { timed } from './content-timing.ts';
import type { PageBadge } from './messages.ts';
import { fetchLegalPage, readPageEvidence, withLegalPage } from './page-reader.ts';

/**
 * Reads what a shop page says about itself, reports it and hands back the badge the
 * background answers; then, off the main path, reads the one same-site legal page the
 * shop links to and reports again if it adds anything. Only for shops not in the
 * directory (a merchant's badge carries its certificate): their checklist is the point.
 */
export async function reportPageClaims(options: {
  doc: Document;
  location: Location;
  portalOrigin: string | null;
  report: (evidence: PageEvidence) => Promise<PageBadge | null>;
  onBadge: (badge: PageBadge) => void;
  stillCurrent: () => boolean;
  /** The page's text, when the shop-page test has already walked it. */
  bodyText?: () => string;
}): Promise<void> {
  const { doc, location, portalOrigin, report, onBadge, stillCurrent, bodyText } = options;
  const { evidence, legalPage } = timed('read-page', () =>
    readPageEvidence(doc, location.href, portalOrigin, bodyText),
  );
  const badge = await report(evidence);
  if (!badge || !stillCurrent()) return;
  onBadge(badge);
  if (!legalPage || badge.certificateUrl !== null) return;
  const legalDoc = await fetchLegalPage(legalPage, location.origin);
  if (!legalDoc || !stillCurrent()) return;
  const merged = timed('read-legal-page', () => withLegalPage(evidence, legalDoc, legalPage, portalOrigin));
  const second = await report(merged);
  if (second && stillCurrent()) onBadge(second);
}
