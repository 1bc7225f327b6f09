/** @jsxImportSource hono/jsx */
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { registerApplicationReview } from '../applications/application-review-pages.tsx';
import { registerComplaintPages } from '../complaints/complaint-pages.tsx';
import { registerContestPages } from '../contests/contest-console-pages.tsx';
import { registerPublishPages } from '../directory/publish-pages.tsx';
import { registerFlagPages } from '../flags/flag-pages.tsx';
import type { ClientRateLimiter } from '../http/client-rate-limit.ts';
import { type FormGuard, formGuard } from '../http/form-guard.ts';
import { pageHeaders } from '../http/page-headers.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { registerMerchantPages } from '../merchants/merchant-console-pages.tsx';
import { registerReverification } from '../merchants/reverification-pages.tsx';
import { requestLanguage } from '../portal/portal-language.ts';
import { portalHref } from '../portal/portal-layout.tsx';
import { registerReportQueuePages } from '../reports/report-queue-pages.tsx';
import { registerStaffConsole } from '../staff/staff-pages.tsx';
import { may, type Permission, type StaffMember } from '../staff/staff-roles.ts';
import { StaffSessions } from '../staff/staff-sessions.ts';
import { registerAuditPages } from './audit-pages.tsx';
import { registerConsoleHome } from './console-home.tsx';
import { type ConsoleFrame, sendConsolePage } from './console-layout.tsx';
import { type ConsoleWords, consoleWords } from './console-words.ts';

// The staff console at /admin: server-rendered pages in ar/fr/en for the people who
// moderate reports, verify merchants and publish the directory. Every page needs a
// signed-in staff member (server-side session, server/staff/staff-sessions.ts) but the
// sign-in and account set-up pages; every form is guarded against cross-site posting.

export type ConsoleEnv = {
  Variables: {
    words: ConsoleWords;
    /** The signed-in member; set on every page but sign-in and set-up. */
    staff: StaffMember;
    guard: FormGuard;
  };
};
export type ConsoleApp = Hono<ConsoleEnv>;
export type ConsoleContext = Context<ConsoleEnv>;

/** What the console's pages are built from. */
export interface ConsoleDeps {
  context: ServiceContext;
  sessions: StaffSessions;
  /** The key of the forms' cross-site tokens, kept across restarts. */
  formSecret: Buffer;
  /** `THIQA_PUBLIC_URL`'s origin, when a proxy in front makes it differ from the request's. */
  publicOrigin: string | undefined;
  /** Sign-in attempts per client address. */
  signInLimiter: ClientRateLimiter;
}

/** Pages anyone may open: signing in and setting up an account from its link. */
const OPEN_PATHS = [/^\/admin\/sign-in$/, /^\/admin\/setup\/[^/]+$/];

/** The largest form the console takes; a merchant edit is the biggest. */
export const MAX_CONSOLE_FORM_BYTES = 64 * 1024;

const SESSION_COOKIE = 'thiqa_staff';

/** The origin the console's browsers use: `THIQA_PUBLIC_URL`'s, else the request's. */
export const consoleOrigin = (c: Context, deps: Pick<ConsoleDeps, 'publicOrigin'>) =>
  deps.publicOrigin ?? new URL(c.req.url).origin;

/** Over HTTPS the session cookie is `__Host-` prefixed: Secure, this host only, path `/`. */
const sessionCookieName = (c: Context, deps: ConsoleDeps) =>
  consoleOrigin(c, deps).startsWith('https:') ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;

export function readSessionToken(c: Context, deps: ConsoleDeps): string | undefined {
  return getCookie(c, sessionCookieName(c, deps));
}

/** The session's cookie: HttpOnly, SameSite=Lax (a link from a mail opens the page signed in), Secure over HTTPS. */
export function setSessionCookie(c: Context, deps: ConsoleDeps, token: string): void {
  setCookie(c, sessionCookieName(c, deps), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: consoleOrigin(c, deps).startsWith('https:'),
  });
}

export function clearSessionCookie(c: Context, deps: ConsoleDeps): void {
  deleteCookie(c, sessionCookieName(c, deps), { path: '/', secure: consoleOrigin(c, deps).startsWith('https:') });
}

/** Sends a console page in the request's words, with its member and sign-out form. */
export function sendConsole(
  c: ConsoleContext,
  frame: Omit<ConsoleFrame, 'url' | 'words' | 'staff' | 'formField'>,
  body: Parameters<typeof sendConsolePage>[2],
  status?: Parameters<typeof sendConsolePage>[3],
) {
  const staff = c.get('staff') as StaffMember | undefined;
  return sendConsolePage(
    c,
    { ...frame, words: c.get('words'), staff, formField: staff ? c.get('guard').hiddenField(c) : undefined },
    body,
    status,
  );
}

/** A page that says one thing and where to go next. */
export function sendConsoleMessage(
  c: ConsoleContext,
  message: { title: string; body: string; link?: { href: string; text: string } },
  status: 400 | 403 | 404 | 409 | 413 | 429 | 500 = 403,
) {
  const words = c.get('words');
  const link = message.link ?? { href: portalHref(words.lang, '/admin'), text: words.c('console_backHome') };
  return sendConsole(
    c,
    { title: message.title },
    <>
      <h1>{message.title}</h1>
      <p>{message.body}</p>
      <p>
        <a href={link.href}>{link.text}</a>
      </p>
    </>,
    status,
  );
}

/** Lets a request through only when the signed-in member's role grants `permission`; else a 403 page. */
export function requirePermission(permission: Permission): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (!may(c.get('staff').role, permission)) {
      const words = c.get('words');
      return sendConsoleMessage(c, {
        title: words.c('console_forbiddenTitle'),
        body: words.c('console_forbiddenBody'),
      });
    }
    await next();
  };
}

/** After a successful post: back to a page (post/redirect/get), which may say what was done. */
export function redirectAfterPost(c: ConsoleContext, path: string, params: Record<string, string | undefined> = {}) {
  return c.redirect(portalHref(c.get('words').lang, path, params), 303);
}

export function consoleApp(deps: ConsoleDeps): ConsoleApp {
  const app = new Hono<ConsoleEnv>();
  const guard = formGuard({
    secret: deps.formSecret,
    ...(deps.publicOrigin ? { ownOrigin: () => deps.publicOrigin as string } : {}),
    refuse: (c) => {
      const words = (c as ConsoleContext).get('words');
      return sendConsoleMessage(c as ConsoleContext, {
        title: words.p('form_refusedTitle'),
        body: words.p('form_refusedBody'),
        link: { href: portalHref(words.lang, c.req.path), text: words.p('form_startAgain') },
      });
    },
  });

  app.use('*', pageHeaders, async (c, next) => {
    c.set('words', consoleWords(requestLanguage(c)));
    c.set('guard', guard);
    await next();
    // Every console page holds personal or unpublished data: no cache keeps it.
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex, nofollow');
    c.header('Vary', 'Accept-Language, Cookie');
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_CONSOLE_FORM_BYTES,
      onError: (c) => {
        const words = (c as ConsoleContext).get('words');
        return sendConsoleMessage(
          c as ConsoleContext,
          {
            title: words.p('form_tooLargeTitle'),
            body: words.p('form_tooLargeBody', [Math.floor(MAX_CONSOLE_FORM_BYTES / 1024)]),
          },
          413,
        );
      },
    }),
    guard.protect,
  );
  app.use('*', async (c, next) => {
    if (OPEN_PATHS.some((pattern) => pattern.test(c.req.path))) return next();
    const member = await deps.sessions.member(readSessionToken(c, deps));
    if (!member) {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
        // A form posted after the session ended: sign in again, then start over.
        return c.redirect(portalHref(c.get('words').lang, '/admin/sign-in', { expired: '1' }), 303);
      }
      const url = new URL(c.req.url);
      const next = `${url.pathname}${url.search}`;
      return c.redirect(portalHref(c.get('words').lang, '/admin/sign-in', next.length <= 1000 ? { next } : {}), 303);
    }
    c.set('staff', member);
    await next();
  });

  registerConsoleHome(app, deps);
  registerContestPages(app, deps);
  registerApplicationReview(app, deps);
  registerReverification(app, deps);
  registerMerchantPages(app, deps);
  registerPublishPages(app, deps);
  registerAuditPages(app, deps);
  registerStaffConsole(app, deps);
  registerReportQueuePages(app, deps);
  registerComplaintPages(app, deps);
  registerFlagPages(app, deps);
  return app;
}

export { StaffSessions };
