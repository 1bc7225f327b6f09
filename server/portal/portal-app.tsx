/** @jsxImportSource hono/jsx */
import { Hono, type MiddlewareHandler } from 'hono';
import { registerApplyPages } from '../applications/apply-pages.tsx';
import { registerContestPortalPages } from '../contests/contest-pages.tsx';
import type { ClientRateLimiter } from '../http/client-rate-limit.ts';
import { pageHeaders } from '../http/page-headers.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { registerOpenDataPage } from '../opendata/open-data-page.tsx';
import { registerCheckPages } from './check-page.tsx';
import { registerInfoPages } from './info-pages.tsx';
import { isBadgePath } from './merchant-badge.ts';
import { registerMerchantPages } from './merchant-pages.ts';
import { serveAsset } from './portal-assets.ts';
import { requestLanguage } from './portal-language.ts';
import { portalHref, sendMessagePage } from './portal-layout.tsx';
import type { PortalSettings } from './portal-settings.ts';
import type { PortalWords } from './portal-words.ts';
import { portalWords } from './portal-words.ts';
import { registerReportPages } from './report-pages.tsx';

// The public portal: server-rendered pages in ar/fr/en for shoppers on any device, read
// from the latest published directory. Every page works without JavaScript.

export type PortalEnv = { Variables: { words: PortalWords } };
export type PortalApp = Hono<PortalEnv>;

/** What the portal's pages are built from. */
export interface PortalDeps {
  context: ServiceContext;
  limiter: ClientRateLimiter;
  /** The key of the forms' cross-site tokens (server/http/form-guard.ts), kept across restarts. */
  formSecret: Buffer;
  /** What the publisher says of itself and of the extension's store pages (all optional). */
  settings: PortalSettings;
}

/** Paths that belong to the API, which keeps its own headers and JSON errors. */
export function isApiPath(path: string): boolean {
  return path === '/healthz' || path.startsWith('/v1/');
}

/** The merchant badge, an image for other sites: it sets its own headers, and no cookie. */
const isBadgeRequest = (c: Parameters<MiddlewareHandler>[0]) =>
  (c.req.method === 'GET' || c.req.method === 'HEAD') && isBadgePath(c.req.path);

const onlyPages =
  (middleware: MiddlewareHandler): MiddlewareHandler =>
  (c, next) =>
    isApiPath(c.req.path) || isBadgeRequest(c) ? next() : middleware(c, next);

/** Pages, not the stylesheet or script: those are the same for everyone and cached for a year. */
const onlyDocuments =
  (middleware: MiddlewareHandler): MiddlewareHandler =>
  (c, next) =>
    c.req.path.startsWith('/assets/') ? next() : middleware(c, next);

/** The request's words: those the pages' middleware chose, else chosen now (a 404 outside it). */
export function wordsFor(c: Parameters<MiddlewareHandler>[0]): PortalWords {
  return (c.get('words') as PortalWords | undefined) ?? portalWords(requestLanguage(c));
}

export function portalApp(deps: PortalDeps): PortalApp {
  const app = new Hono<PortalEnv>();
  app.use(
    '*',
    onlyPages(pageHeaders),
    onlyPages(
      onlyDocuments(async (c, next) => {
        c.set('words', wordsFor(c));
        await next();
        c.header('Vary', 'Accept-Language, Cookie');
        if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-cache');
      }),
    ),
  );
  app.get('/assets/*', (c) => serveAsset(c) ?? c.notFound());
  registerCheckPages(app, deps);
  registerReportPages(app, deps);
  registerApplyPages(app, deps);
  registerContestPortalPages(app, deps);
  registerInfoPages(app, deps);
  registerMerchantPages(app, deps);
  registerOpenDataPage(app, deps);
  return app;
}

/** The portal's 404 page, in the shopper's language. */
export function notFoundPage(c: Parameters<MiddlewareHandler>[0]) {
  const words = wordsFor(c);
  const link = { href: portalHref(words.lang, '/'), text: words.p('page_homeLink') };
  return sendMessagePage(
    c,
    words,
    { title: words.p('page_notFoundTitle'), body: words.p('page_notFoundBody'), link },
    404,
  );
}

/** The portal's error page: says nothing of the cause, which goes to the log. */
export function errorPage(c: Parameters<MiddlewareHandler>[0]) {
  const words = wordsFor(c);
  const link = { href: portalHref(words.lang, '/'), text: words.p('page_homeLink') };
  return sendMessagePage(c, words, { title: words.p('page_errorTitle'), body: words.p('page_errorBody'), link }, 500);
}
