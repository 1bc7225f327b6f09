import { SOCIAL_DOMAINS, socialProfileOf } from '../directory/social-profile.ts';

/** Every host socialProfileOf knows ends in one of these (social-profile.ts). */
const NETWORK_DOMAINS = [...SOCIAL_DOMAINS];
const NEEDS_PARSER = /[%\t\n\r]|[^\x00-\x7f]/;

/** Digits that could be a WhatsApp number; the background checks the number itself. */
function plausibleNumber(text: string): { digits: string; shown: string } | null {
  const compact = text.replace(/[\s\-().+]/g, '');
  return /^\d{6,20}$/.test(compact) ? { digits: compact, shown: compact } : null;
}

/**
 * Whether the page is a social seller's profile (an Instagram, Facebook or TikTok profile,
 * a WhatsApp chat link), told from its address alone. A network's pages never pass the
 * page-signal test (no cart, no dirham prices in the markup the test reads), and reading
 * their text would tell us nothing a profile's address does not. This runs on every page,
 * so it needs neither the Public Suffix List nor a phone library: the background, which
 * judges the address again, has both.
 */
export function isSocialSellerPage(location: Pick<Location, 'href'>): boolean {
  // Nearly every page is on no network: a substring test spares it the URL parser and the
  // profile rules. An address the parser would rewrite into a network's host (percent-escapes,
  // non-ASCII letters IDNA maps to ASCII, tabs and newlines it drops) is left to the parser.
  const href = location.href.toLowerCase();
  if (!NEEDS_PARSER.test(href) && !NETWORK_DOMAINS.some((domain) => href.includes(domain))) return false;
  let url: URL;
  try {
    url = new URL(location.href);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const found = socialProfileOf(url, url.hostname.replace(/\.$/, ''), plausibleNumber);
  return typeof found === 'object' && found !== null;
}
