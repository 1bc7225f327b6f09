import { timed } from './content-timing.ts';
import type { PageFactsAnswer } from './messages.ts';
import type { ClaimFacts } from './page-claims.ts';
import { fetchLegalPage, readClaimFacts } from './page-reader.ts';

/**
 * Reads what a shop page shows (its text, image words and links), hands it to the
 * background, which reads the claims in it and answers with the badge judged with them;
 * then, off the main path, reads the one same-site legal page the background picked from the
 * page's links and hands that over too. Only for shops not in the directory (a merchant's
 * badge carries its certificate): their checklist is the point.
 */
export async function reportPageClaims(options: {
  doc: Document;
  location: Location;
  report: (facts: ClaimFacts, legalPagePath: string | null) => Promise<PageFactsAnswer | null>;
  onBadge: (badge: PageFactsAnswer['badge']) => void;
  stillCurrent: () => boolean;
  /** The page's text, when the shop-page test has already walked it. */
  bodyText?: () => string;
}): Promise<void> {
  const { doc, location, report, onBadge, stillCurrent, bodyText } = options;
  const facts = timed('read-page', () => readClaimFacts(doc, bodyText));
  const answer = await report(facts, null);
  if (!answer || !stillCurrent()) return;
  onBadge(answer.badge);
  if (!answer.legalPage || answer.badge.certificateUrl !== null) return;
  let legalPage: URL;
  try {
    legalPage = new URL(answer.legalPage);
  } catch {
    return;
  }
  // Same origin only, checked here again whatever the background said.
  const legalDoc = await fetchLegalPage(legalPage, location.origin);
  if (!legalDoc || !stillCurrent()) return;
  const legalFacts = timed('read-legal-page', () => readClaimFacts(legalDoc));
  const second = await report(legalFacts, legalPage.pathname);
  if (second && stillCurrent()) onBadge(second.badge);
}
