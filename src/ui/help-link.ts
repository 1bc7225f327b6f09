import { PORTAL_PATHS, portalAddress } from '../directory/portal-address.ts';

// Where the popup's "Help and your rights" link leads. Online: the portal's rights page,
// which the publisher keeps up to date, in the shopper's language. Offline: the copy of
// the same page bundled with the extension (entrypoints/help/). The choice rests on the
// browser's own `navigator.onLine` and sends nothing: probing the portal first would be
// a request of its own, and a shopper offline needs the answer now. (A portal that is
// down while the browser says it is online shows the browser's error page.)

/** The bundled copy, an extension page. */
export const BUNDLED_HELP_PATH = '/help.html';

export function helpAddress(online: boolean, portalUrl: string, lang: string): string {
  return online ? portalAddress(portalUrl, PORTAL_PATHS.rights, lang) : BUNDLED_HELP_PATH;
}
