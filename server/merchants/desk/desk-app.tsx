/** @jsxImportSource hono/jsx */
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Child } from 'hono/jsx';
import type { ClientRateLimiter } from '../../http/client-rate-limit.ts';
import type { FormGuard } from '../../http/form-guard.ts';
import { pageHeaders } from '../../http/page-headers.ts';
import type { ServiceContext } from '../../http/service-context.ts';
import { portalBodyLimit, portalFormGuard } from '../../portal/portal-forms.tsx';
import { requestLanguage } from '../../portal/portal-language.ts';
import { portalHref, sendPage } from '../../portal/portal-layout.tsx';
import { type PortalWords, portalWords } from '../../portal/portal-words.ts';
import { registerAccountPages } from './account-pages.tsx';
import { registerComplaintPages } from './complaint-pages.tsx';
import { registerLinkPages } from './link-pages.tsx';
import { MerchantAccounts } from './merchant-accounts.ts';
import { merchantCard } from './merchant-card.ts';
import { MerchantComplaints } from './merchant-complaints.ts';
import type { MerchantDesk } from './merchant-desk.ts';
import { MerchantSessions } from './merchant-sessions.ts';

// The merchant's desk at /merchant: server-rendered pages in the portal's frame where a
// merchant reads the complaints against its shops and answers them. A mailed one-time
// link or an account opens a session (server-side, as the console's); every page holds
// what shoppers wrote, so none is cached or indexed, and every form is guarded.

export type DeskEnv = {
  Variables: {
    words: PortalWords;
    guard: FormGuard;
    /** The signed-in merchant, or null. */
    merchantId: string | null;
    /** The forms' hidden token of this answer, made once (each making sets a new cookie). */
    formField: { name: string; value: string } | undefined;
  };
};
export type DeskApp = Hono<DeskEnv>;
export type DeskContext = Context<DeskEnv>;

export interface DeskDeps {
  context: ServiceContext;
  desk: MerchantDesk;
  formSecret: Buffer;
  /** `THIQA_PUBLIC_URL`'s origin, when a proxy in front makes it differ from the request's. */
  publicOrigin: string | undefined;
  /** Sign-in attempts per client address. */
  signInLimiter: ClientRateLimiter;
}

export interface DeskServices extends DeskDeps {
  sessions: MerchantSessions;
  accounts: MerchantAccounts;
  complaints: MerchantComplaints;
}

/** The desk's largest form: an answer (2,000 characters) and a note (2,000), in any script. */
export const MAX_DESK_FORM_BYTES = 32 * 1024;

const SESSION_COOKIE = 'thiqa_merchant';
const https = (c: Context, deps: DeskDeps) => (deps.publicOrigin ?? new URL(c.req.url).origin).startsWith('https:');
/** Over HTTPS the cookie is `__Host-` prefixed: Secure, this host only, path `/`. */
const cookieName = (c: Context, deps: DeskDeps) => (https(c, deps) ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

export const readDeskSession = (c: Context, deps: DeskDeps) => getCookie(c, cookieName(c, deps));

/** The hidden field of every form on this page: the same one for all, so that it matches the one cookie set. */
export function formField(c: DeskContext): { name: string; value: string } {
  const made = c.get('formField') ?? c.get('guard').hiddenField(c);
  c.set('formField', made);
  return made;
}

/** A new session's cookie (HttpOnly, SameSite=Lax, Secure over HTTPS); the browser's previous session ends. */
export async function openDeskSession(c: DeskContext, deps: DeskServices, token: string): Promise<void> {
  const previous = readDeskSession(c, deps);
  if (previous) await deps.sessions.revoke(previous);
  setCookie(c, cookieName(c, deps), token, { path: '/', httpOnly: true, sameSite: 'Lax', secure: https(c, deps) });
}

export function closeDeskSession(c: DeskContext, deps: DeskDeps): void {
  deleteCookie(c, cookieName(c, deps), { path: '/', secure: https(c, deps) });
}

/** A page of the desk; signed in, it starts with the merchant's bar (its name, its links, sign-out). */
export async function sendDesk(
  c: DeskContext,
  deps: DeskServices,
  title: string,
  body: Child,
  status: Parameters<typeof sendPage>[3] = 200,
) {
  const words = c.get('words');
  const merchantId = c.get('merchantId');
  const card = merchantId ? await merchantCard(deps.context.db, merchantId) : null;
  const token = formField(c);
  const bar = card ? (
    <nav class="desk-bar" aria-label={words.p('desk_barLabel')}>
      <p>
        {words.p('desk_signedInAs')} <bdi>{card.legalName}</bdi>
      </p>
      <ul>
        <li>
          <a href={portalHref(words.lang, '/merchant')}>{words.p('desk_listLink')}</a>
        </li>
        <li>
          <a href={portalHref(words.lang, '/merchant/password')}>{words.p('desk_passwordLink')}</a>
        </li>
        <li>
          <form method="post" action={portalHref(words.lang, '/merchant/sign-out')}>
            <input type="hidden" name={token.name} value={token.value} />
            <button type="submit" class="button button--secondary">
              {words.p('desk_signOut')}
            </button>
          </form>
        </li>
      </ul>
    </nav>
  ) : null;
  return sendPage(
    c,
    { words, title },
    <>
      {bar}
      {body}
    </>,
    status,
  );
}

/** A page that says one thing and where to go next. */
export function sendDeskMessage(
  c: DeskContext,
  deps: DeskServices,
  message: { title: string; body: Child; link?: { href: string; text: string } },
  status: Parameters<typeof sendPage>[3],
) {
  return sendDesk(
    c,
    deps,
    message.title,
    <>
      <h1>{message.title}</h1>
      {message.body}
      {message.link ? (
        <p>
          <a href={message.link.href}>{message.link.text}</a>
        </p>
      ) : null}
    </>,
    status,
  );
}

/** Pages that need no session: links, signing in. */
const OPEN_PATHS = [/^\/merchant\/link\/[^/]+$/, /^\/merchant\/sign-in$/];

export function merchantDeskApp(deps: DeskDeps): DeskApp {
  const { db, clock, policy } = deps.context;
  const services: DeskServices = {
    ...deps,
    sessions: new MerchantSessions(db, clock),
    accounts: new MerchantAccounts(db, clock),
    complaints: new MerchantComplaints(db, clock, policy),
  };
  const guard = portalFormGuard(deps.formSecret, deps.publicOrigin);
  const app = new Hono<DeskEnv>();
  app.use('*', pageHeaders, async (c, next) => {
    c.set('words', portalWords(requestLanguage(c)));
    c.set('guard', guard);
    c.set('merchantId', null);
    await next();
    // Complaints, and sometimes a shopper's words: no cache keeps them, no search engine lists them.
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex, nofollow');
    c.header('Vary', 'Accept-Language, Cookie');
  });
  app.use('*', portalBodyLimit(MAX_DESK_FORM_BYTES), guard.protect, async (c, next) => {
    c.set('merchantId', await services.sessions.merchantId(readDeskSession(c, deps)));
    if (c.get('merchantId') === null && !OPEN_PATHS.some((pattern) => pattern.test(c.req.path))) {
      const lang = c.get('words').lang;
      return c.redirect(portalHref(lang, '/merchant/sign-in', c.req.method === 'GET' ? {} : { expired: '1' }), 303);
    }
    await next();
  });
  registerLinkPages(app, services);
  registerComplaintPages(app, services);
  registerAccountPages(app, services);
  return app;
}
