import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

// Cross-site posting protection for server-rendered forms (the portal's, later the staff
// console's). A POST goes through only when
//   1. the browser does not say it comes from another site: `Sec-Fetch-Site` is not
//      `cross-site` or `same-site`, and an `Origin`, when sent, is this service's own
//      (`null` included: it is what a sandboxed frame or a cross-origin page sends);
//   2. it carries a token only a page of ours could have given it: a random value in an
//      HttpOnly SameSite=Strict cookie, and in a hidden field that value's HMAC under a
//      service secret. Another site can make the browser send the cookie (not with
//      Strict, but older browsers) yet can read neither it nor the page, so it cannot
//      write the field; and without the secret a planted cookie has no matching field.
// Nothing in the cookie names a person: it is a random value, kept for the browser
// session only, and nothing is stored on our side.
//
// A page holding a guarded form must not be sent with `Referrer-Policy: no-referrer`:
// under it browsers send `Origin: null` even for a post to the page's own origin
// (Fetch, "append a request Origin header"), and the origin check refuses it.

export type FormRefusal = 'cross-site' | 'foreign-origin' | 'no-token' | 'wrong-token';

export interface FormGuardOptions {
  /** The key of the hidden field's HMAC; kept across restarts so open forms stay valid. */
  secret: Buffer;
  /** Says no in the words of the interface that uses the guard (a page, not JSON). */
  refuse: (c: Context, why: FormRefusal) => Response | Promise<Response>;
  /** The hidden field's name; `form_token` unless the form needs another. */
  fieldName?: string;
  /**
   * The origin the service's pages are served from: the request URL's unless given. Behind
   * a proxy that ends TLS the service sees `http://`, its pages' `Origin` says `https://`:
   * such a deployment gives its public origin here.
   */
  ownOrigin?: (c: Context) => string;
  /**
   * Lets in `Origin: null` when `Sec-Fetch-Site` says `same-origin`: what a browser sends
   * for a post from one of our own pages served under `Referrer-Policy: no-referrer` (a page
   * whose address holds a secret). A sandboxed frame or another site's page says
   * `cross-site` there, and the token check still applies. Off unless a form needs it.
   */
  acceptNoReferrerPages?: boolean;
}

export interface FormGuard {
  /** The hidden field a form rendered for this request must carry; sets the cookie when needed. */
  hiddenField(c: Context): { name: string; value: string };
  /** Refuses a POST (or any method but GET, HEAD and OPTIONS) that fails either check. */
  protect: MiddlewareHandler;
}

const COOKIE = 'thiqa_form';
/**
 * Over HTTPS the cookie takes the `__Host-` prefix: the browser then accepts it only from
 * this very host, Secure, for the whole site, so a sibling subdomain cannot plant one.
 */
const HOST_COOKIE = `__Host-${COOKIE}`;
const RANDOM_VALUE = /^[A-Za-z0-9_-]{43}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request URL's origin: the service's own, when nothing stands between it and the browser. */
export const requestOrigin = (c: Context) => new URL(c.req.url).origin;

/** The form fields of a POST, every value of a repeated field kept; an unreadable body has none. */
export async function postedFields(c: Context): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    return {};
  }
}

/** Why a POST may not come in, or null when nothing says it comes from another origin than `own`. */
export function crossSiteRefusal(
  c: Context,
  own = requestOrigin(c),
  acceptNoReferrerPages = false,
): FormRefusal | null {
  const site = c.req.header('Sec-Fetch-Site');
  if (site === 'cross-site' || site === 'same-site') return 'cross-site';
  const origin = c.req.header('Origin');
  if (acceptNoReferrerPages && origin === 'null' && site === 'same-origin') return null;
  if (origin !== undefined && origin !== own) return 'foreign-origin';
  return null;
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function formGuard(options: FormGuardOptions): FormGuard {
  const fieldName = options.fieldName ?? 'form_token';
  const ownOrigin = options.ownOrigin ?? requestOrigin;
  const cookieName = (c: Context) => (ownOrigin(c).startsWith('https:') ? HOST_COOKIE : COOKIE);
  const tokenFor = (value: string) => createHmac('sha256', options.secret).update(`form:${value}`).digest('base64url');

  // The value a response set when the browser had none: every form of one page must carry
  // a token for the same value, the one in the cookie the browser keeps.
  const issued = new WeakMap<Context, string>();

  function hiddenField(c: Context) {
    let value = issued.get(c) ?? getCookie(c, cookieName(c));
    if (value === undefined || !RANDOM_VALUE.test(value)) {
      value = randomBytes(32).toString('base64url');
      issued.set(c, value);
      setCookie(c, cookieName(c), value, {
        path: '/',
        httpOnly: true,
        sameSite: 'Strict',
        secure: ownOrigin(c).startsWith('https:'),
      });
    }
    // The page now holds a token for this browser alone: no shared cache may keep it.
    c.header('Cache-Control', 'no-store');
    return { name: fieldName, value: tokenFor(value) };
  }

  const protect: MiddlewareHandler = async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const crossSite = crossSiteRefusal(c, ownOrigin(c), options.acceptNoReferrerPages === true);
    if (crossSite) return options.refuse(c, crossSite);
    const value = getCookie(c, cookieName(c));
    const field = (await postedFields(c))[fieldName];
    if (value === undefined || !RANDOM_VALUE.test(value) || typeof field !== 'string') {
      return options.refuse(c, 'no-token');
    }
    if (!sameText(field, tokenFor(value))) return options.refuse(c, 'wrong-token');
    await next();
  };

  return { hiddenField, protect };
}
