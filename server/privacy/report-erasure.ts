import type { Updateable } from 'kysely';
import type { ReportsTable } from '../db/tables.ts';

// What erasing a report's personal text means, shared by the shopper's withdrawal and
// the retention purge: what the shopper typed goes, and so does the page's path (it may
// hold an order number or a name); the shop, the reason and the dates stay, so the report
// still counts.

/** The shop's origin and `/` only: `https://shop.ma/orders/1234` becomes `https://shop.ma/`. */
export function erasedReportUrl(url: string, domain: string): string {
  // A social seller's address is its profile (https://wa.me/<number>): the shop, not the shopper's.
  if (domain.includes('/')) return `https://${domain}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return `${parsed.origin}/`;
  } catch {
    // Stored URLs are absolute; a row written by hand may not be.
  }
  return `https://${domain}/`;
}

/** The columns that change when a report's personal text is erased at `now`. */
export function erasedReportFields(
  report: { url: string; domain: string },
  now: Date,
): Updateable<ReportsTable> & { erased_at: Date } {
  return { details: null, contact: null, url: erasedReportUrl(report.url, report.domain), erased_at: now };
}
