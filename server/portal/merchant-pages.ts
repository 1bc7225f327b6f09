import { registerCertificatePage } from './certificate-page.tsx';
import { registerMerchantBadge } from './merchant-badge.ts';
import { registerMerchantSearch } from './merchants-page.tsx';
import type { PortalApp, PortalDeps } from './portal-app.tsx';
import { PublishedStatusDates } from './status-dates.ts';

// The merchant pages: search (`/merchants?q=`), certificates (`/merchants/<id>`) and the
// badge merchants embed (`/badge/<id>.svg`). They share the dates of status changes, read
// once per publication.

export function registerMerchantPages(app: PortalApp, deps: PortalDeps): void {
  const statusDates = new PublishedStatusDates(deps.context.db, (error) =>
    console.error(`portal: cannot read the merchants' status dates: ${(error as Error).message}`),
  );
  registerMerchantSearch(app, deps, statusDates);
  registerCertificatePage(app, deps, statusDates);
  registerMerchantBadge(app, deps);
}
