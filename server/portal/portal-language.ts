import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { isPortalLanguage, PORTAL_LANGUAGES, type PortalLanguage } from './portal-words.ts';

// Which language a page speaks: the one the shopper picked (`?lang=`, remembered in a
// cookie), else the first of their browser's languages we have, else Arabic.

export const DEFAULT_LANGUAGE: PortalLanguage = 'ar';
export const LANGUAGE_COOKIE = 'thiqa_lang';
const MAX_HEADER = 1_000;

/** The best of our languages for an `Accept-Language` header (RFC 9110 q-values). */
export function negotiateLanguage(header: string | undefined): PortalLanguage {
  if (!header) return DEFAULT_LANGUAGE;
  let best: { lang: PortalLanguage; q: number; order: number } | null = null;
  header
    .slice(0, MAX_HEADER)
    .split(',')
    .slice(0, 50)
    .forEach((part, order) => {
      const [range = '', ...params] = part.trim().split(';');
      const primary = range.trim().toLowerCase().split('-')[0];
      if (!isPortalLanguage(primary)) return;
      let q = 1;
      for (const param of params) {
        const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
        if (match) q = Number(match[1]);
      }
      if (q <= 0 || q > 1) return;
      if (!best || q > best.q) best = { lang: primary, q, order };
    });
  return (best as { lang: PortalLanguage } | null)?.lang ?? DEFAULT_LANGUAGE;
}

/**
 * The language of this request. A `lang` parameter wins and is remembered; a cookie
 * comes next; then the browser's preference.
 */
export function requestLanguage(c: Context): PortalLanguage {
  const asked = c.req.query('lang');
  if (isPortalLanguage(asked)) {
    if (getCookie(c, LANGUAGE_COOKIE) !== asked) {
      setCookie(c, LANGUAGE_COOKIE, asked, {
        path: '/',
        maxAge: 365 * 86_400,
        sameSite: 'Lax',
        httpOnly: true,
        secure: new URL(c.req.url).protocol === 'https:',
      });
    }
    return asked;
  }
  const remembered = getCookie(c, LANGUAGE_COOKIE);
  if (isPortalLanguage(remembered)) return remembered;
  return negotiateLanguage(c.req.header('Accept-Language'));
}

export { PORTAL_LANGUAGES };
