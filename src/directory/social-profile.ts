// The shape of a social network's profile address: which hosts are the networks', which
// paths are their own pages, which handles they allow. No dependency on purpose: the
// content script asks "is this a seller's profile?" with it, and a phone library or the
// Public Suffix List would weigh on every page a shopper opens (social-page.ts). The
// canonical key, with the number in E.164, is social-identity.ts's.

/** The networks whose profile addresses name a seller. */
export type SocialNetworkName = 'instagram' | 'facebook' | 'tiktok' | 'whatsapp';

export interface SocialShop {
  readonly network: SocialNetworkName;
  /** Canonical handle: lowercase name, Facebook's numeric id, or an E.164 number without `+`. */
  readonly handle: string;
  /** The shop key, e.g. `instagram.com/atlas.electro`, `wa.me/212612345678`. */
  readonly key: string;
  /** What a shopper reads, e.g. `@atlas.electro · Instagram`, `+212 6 12 34 56 78 · WhatsApp`. */
  readonly display: string;
}

/** Why a social network's address names no seller. */
export type SocialRefusal = 'social-platform' | 'invalid-social-handle';

const NETWORK_NAME: Record<SocialNetworkName, string> = {
  instagram: 'Instagram',
  facebook: 'Facebook',
  tiktok: 'TikTok',
  whatsapp: 'WhatsApp',
};
const KEY_HOST: Record<SocialNetworkName, string> = {
  instagram: 'instagram.com',
  facebook: 'facebook.com',
  tiktok: 'tiktok.com',
  whatsapp: 'wa.me',
};

/** Reads a WhatsApp number as written: its E.164 digits without `+` and how to show it, or null. */
export type PhoneNumberReader = (text: string) => { digits: string; shown: string } | null;

/** Registrable domains that belong to the networks: their pages are a seller's or nobody's. */
export const SOCIAL_DOMAINS: ReadonlySet<string> = new Set([
  'instagram.com',
  'facebook.com',
  'fb.com',
  'tiktok.com',
  'wa.me',
  'whatsapp.com',
]);

const hostsOf = (domain: string, prefixes: readonly string[]) => prefixes.map((prefix) => `${prefix}${domain}`);
const INSTAGRAM_HOSTS = new Set(hostsOf('instagram.com', ['', 'www.', 'm.']));
const FACEBOOK_HOSTS = new Set([
  ...hostsOf('facebook.com', ['', 'www.', 'm.', 'web.', 'mbasic.']),
  ...hostsOf('fb.com', ['', 'www.', 'm.']),
]);
const TIKTOK_HOSTS = new Set(hostsOf('tiktok.com', ['', 'www.', 'm.']));
const WA_ME_HOSTS = new Set(['wa.me', 'www.wa.me']);
const WHATSAPP_SEND_HOSTS = new Set(['api.whatsapp.com', 'web.whatsapp.com', 'whatsapp.com', 'www.whatsapp.com']);

// What each network lets a user name themselves (checked on the lowercased path segment,
// which `new URL()` has already percent-encoded: any non-ASCII or `%` fails these).
const INSTAGRAM_HANDLE = /^(?!.*\.\.)[a-z0-9_](?:[a-z0-9._]{0,28}[a-z0-9_])?$/;
const FACEBOOK_USERNAME = /^(?!.*\.\.)[a-z0-9][a-z0-9.]{3,48}[a-z0-9]$/;
const FACEBOOK_ID = /^\d{5,20}$/;
const TIKTOK_HANDLE = /^[a-z0-9_](?:[a-z0-9._]{0,22}[a-z0-9_])?$/;

// First path segments that are the network's own pages, not a profile.
const INSTAGRAM_RESERVED = new Set(
  'about accounts ar challenge create developer direct directory emails explore graphql legal lite locations nametag oauth p privacy reel reels session stories terms topics tv web your_activity'.split(
    ' ',
  ),
);
// Groups are left out on purpose: a group has many sellers, and its admin is not one of them.
const FACEBOOK_RESERVED = new Set(
  'ads bookmarks business checkpoint dialog events friends fundraisers gaming groups hashtag help home.php index.php l.php live login logout marketplace media memories messages notifications pages people permalink.php photo photo.php photos plugins policies policy.php privacy profile.php recover reel reels saved search settings share sharer sharer.php stories story.php watch'.split(
    ' ',
  ),
);

function shop(network: SocialNetworkName, handle: string, shown: string): SocialShop {
  return { network, handle, key: `${KEY_HOST[network]}/${handle}`, display: `${shown} · ${NETWORK_NAME[network]}` };
}

function facebookShop(url: URL, segments: string[]): SocialShop | SocialRefusal {
  const [first = '', second = '', third = ''] = segments;
  let id: string | null = null;
  if (first === 'profile.php') id = url.searchParams.get('id') ?? '';
  else if (first === 'pages' || first === 'people') id = third;
  else if (first === 'p') id = /-(\d+)$/.exec(second)?.[1] ?? '';
  if (id !== null) return FACEBOOK_ID.test(id) ? shop('facebook', id, id) : 'social-platform';
  if (first === '' || FACEBOOK_RESERVED.has(first)) return 'social-platform';
  if (FACEBOOK_ID.test(first)) return shop('facebook', first, first);
  return FACEBOOK_USERNAME.test(first) ? shop('facebook', first, first) : 'invalid-social-handle';
}

function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function whatsappShop(text: string | null, numberOf: PhoneNumberReader): SocialShop | SocialRefusal {
  if (text === null || text.trim() === '') return 'social-platform';
  const number = numberOf(text);
  return number ? shop('whatsapp', number.digits, number.shown) : 'invalid-social-handle';
}

/**
 * The seller a social network's address names; a refusal for the network's own pages
 * (feeds, posts, groups, search, log-in) and for handles the network would not allow;
 * null when the host is no social network's.
 */
export function socialProfileOf(
  url: URL,
  host: string,
  numberOf: PhoneNumberReader,
): SocialShop | SocialRefusal | null {
  // Profile paths are case-insensitive on every network; the canonical handle is lowercase.
  const segments = url.pathname.toLowerCase().split('/').slice(1);
  const first = segments[0] ?? '';
  if (INSTAGRAM_HOSTS.has(host)) {
    if (first === '' || INSTAGRAM_RESERVED.has(first)) return 'social-platform';
    return INSTAGRAM_HANDLE.test(first) ? shop('instagram', first, `@${first}`) : 'invalid-social-handle';
  }
  if (FACEBOOK_HOSTS.has(host)) return facebookShop(url, segments);
  if (TIKTOK_HOSTS.has(host)) {
    if (!first.startsWith('@')) return 'social-platform';
    const handle = first.slice(1);
    return TIKTOK_HANDLE.test(handle) ? shop('tiktok', `@${handle}`, `@${handle}`) : 'invalid-social-handle';
  }
  if (WA_ME_HOSTS.has(host)) {
    // `wa.me/c/<number>` is a business catalogue; `wa.me/message/<code>` hides its number.
    const number = first === 'c' ? (segments[1] ?? '') : first;
    if (number === 'message' || number === 'qr') return 'social-platform';
    const decoded = decodedSegment(number);
    return decoded === null ? 'invalid-social-handle' : whatsappShop(decoded, numberOf);
  }
  if (WHATSAPP_SEND_HOSTS.has(host)) {
    if (first !== 'send') return 'social-platform';
    return whatsappShop(url.searchParams.get('phone'), numberOf);
  }
  return null;
}
