/** @jsxImportSource hono/jsx */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type FormGuard, formGuard } from '../http/form-guard.ts';
import { portalHref, sendMessagePage } from './portal-layout.tsx';
import type { PortalKey, PortalWords } from './portal-words.ts';

// What every portal form shares: the cross-site guard (server/http/form-guard.ts) and the
// body limit, each saying no with a page in the shopper's language that leads back to a
// fresh form (the GET of the address the form was posted to).

function refusalPage(c: Context, title: PortalKey, body: string, status: 403 | 413) {
  const words = c.get('words') as PortalWords;
  const link = { href: portalHref(words.lang, c.req.path), text: words.p('form_startAgain'), button: true };
  return sendMessagePage(c, words, { title: words.p(title), body, link }, status);
}

/** The guard of the portal's forms; a refused post gets a 403 page, not JSON. */
export function portalFormGuard(
  secret: Buffer,
  publicOrigin: string | undefined,
  options: { acceptNoReferrerPages?: boolean } = {},
): FormGuard {
  return formGuard({
    secret,
    ...options,
    ...(publicOrigin ? { ownOrigin: () => publicOrigin } : {}),
    refuse: (c) => refusalPage(c, 'form_refusedTitle', (c.get('words') as PortalWords).p('form_refusedBody'), 403),
  });
}

/** Reads no more than `maxBytes` of a posted form; past it, a 413 page. */
export function portalBodyLimit(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      const kilobytes = Math.floor(maxBytes / 1024);
      return refusalPage(
        c,
        'form_tooLargeTitle',
        (c.get('words') as PortalWords).p('form_tooLargeBody', [kilobytes]),
        413,
      );
    },
  });
}
