import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { type SocialRefusal, type SocialShop, socialProfileOf } from './social-profile.ts';

export { SOCIAL_DOMAINS, type SocialNetworkName, type SocialRefusal, type SocialShop } from './social-profile.ts';

// Sellers on social networks, known by their profile's address alone (nothing on the page
// is read). A social shop's key is `<network host>/<canonical handle>`: it always holds a
// `/`, so it can never be mistaken for a domain name, and it is itself the path of a working
// address (`https://<key>`), which is what a report keeps.

/**
 * A phone number as WhatsApp links write it, in E.164 without `+`, or null. Moroccan
 * numbers written nationally (`0612345678`) are taken as Moroccan; `00` is the
 * international prefix; bare digits are international, as `wa.me` links require.
 */
export function whatsappNumber(text: string): { digits: string; shown: string } | null {
  const compact = text.replace(/[\s\-().]/g, '');
  if (!/^\+?\d{6,20}$/.test(compact)) return null;
  const international = compact.startsWith('+')
    ? compact
    : compact.startsWith('00')
      ? `+${compact.slice(2)}`
      : compact.startsWith('0')
        ? compact
        : `+${compact}`;
  const parsed = parsePhoneNumberFromString(international, 'MA');
  if (!parsed?.isValid()) return null;
  return { digits: parsed.number.slice(1), shown: parsed.formatInternational() };
}

/**
 * The seller a social network's address names; a refusal for the network's own pages
 * (feeds, posts, groups, search, log-in) and for handles the network would not allow;
 * null when the host is no social network's. WhatsApp numbers are checked and written in
 * E.164 with libphonenumber-js.
 */
export function socialShopOf(url: URL, host: string): SocialShop | SocialRefusal | null {
  return socialProfileOf(url, host, whatsappNumber);
}

/** The shop a canonical key such as `instagram.com/atlas.electro` names, or null. */
export function socialShopOfKey(key: string): SocialShop | null {
  if (key.length > 100 || !/^[a-z.]+\/[a-z0-9._@]+$/.test(key)) return null;
  const found = socialShopOf(new URL(`https://${key}`), key.slice(0, key.indexOf('/')));
  return typeof found === 'object' && found?.key === key ? found : null;
}

/** The key of a merchant's `{network, handle}` entry, however the handle was written; null when it names no seller. */
export function socialKeyOf(network: string, handle: string): string | null {
  const written = handle.trim();
  if (written === '' || written.length > 200) return null;
  let address: string;
  if (/^https?:\/\//i.test(written)) address = written;
  else if (network === 'instagram') address = `https://instagram.com/${written.replace(/^@/, '')}`;
  else if (network === 'facebook') address = `https://facebook.com/${written.replace(/^@/, '')}`;
  else if (network === 'tiktok') address = `https://tiktok.com/@${written.replace(/^@/, '')}`;
  else if (network === 'whatsapp') address = `https://wa.me/${encodeURIComponent(written)}`;
  else return null;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  const host = url.hostname.replace(/\.$/, '');
  const found = socialShopOf(url, host);
  return typeof found === 'object' && found?.network === network ? found.key : null;
}

/** The address a report keeps of a social shop: its canonical profile, nothing the shopper carried. */
export const socialShopUrl = (key: string) => `https://${key}`;
