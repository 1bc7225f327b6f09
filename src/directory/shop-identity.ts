import punycode from 'punycode/punycode.es6.js';
import { getDomain } from 'tldts';
import { SOCIAL_DOMAINS, type SocialNetworkName, socialShopOf, socialShopOfKey } from './social-identity.ts';

/**
 * Multi-tenant shop platforms that the Public Suffix List does not list, where every
 * subdomain is a different merchant. The directory carries the live list; this is the
 * default used before any directory is loaded.
 */
export const DEFAULT_PLATFORM_SUFFIXES: readonly string[] = ['youcan.shop', 'youcan.store'];

/** Why an input has no shop identity; the UI and the CLI name the cause. */
export type NoIdentityCause =
  | 'empty'
  | 'too-long'
  | 'scheme'
  | 'credentials'
  | 'invalid-host'
  | 'ip-address'
  | 'single-label'
  | 'public-suffix'
  /** A social network's own page (feed, post, group, search, log-in), not a seller's profile. */
  | 'social-platform'
  /** A profile name or phone number the network would not allow. */
  | 'invalid-social-handle';

export interface ShopIdentity {
  /** A web shop known by its domain, or a seller known by a social profile or number. */
  readonly kind: 'domain' | 'social';
  /**
   * The shop key every map of the directory and of the settings uses. For a domain shop:
   * the registrable domain (or platform tenant), lowercase ASCII/punycode, no port, no
   * trailing dot. For a social seller: `<network host>/<handle>` such as
   * `instagram.com/atlas.electro` or `wa.me/212612345678` (see social-identity.ts); the `/`
   * keeps the two apart.
   */
  readonly domain: string;
  /** For display: the domain in Unicode, or e.g. `@atlas.electro · Instagram`. */
  readonly display: string;
  /** The full host name the input named, ASCII form. */
  readonly host: string;
  /** The network of a social seller. */
  readonly network?: SocialNetworkName;
}

export type IdentityResult =
  | { readonly ok: true; readonly identity: ShopIdentity }
  | { readonly ok: false; readonly cause: NoIdentityCause };

const MAX_INPUT_LENGTH = 4096;
const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
// Options of the one Public Suffix List question asked (built once: it runs per verdict).
const PSL = { allowPrivateDomains: true, extractHostname: false } as const;

/**
 * How many labels `host` has when each is a DNS label (plus `_`, which some hosting
 * platforms use; after WHATWG URL parsing a host is lowercase ASCII): 1 to 63 of
 * `[a-z0-9_-]`, neither starting nor ending with `-`; -1 otherwise. One pass over the host
 * instead of a split and a regular expression a label: it runs for every verdict.
 */
function dnsLabelCount(host: string): number {
  let labels = 0;
  let start = 0;
  for (let i = 0; i <= host.length; i++) {
    const unit = i === host.length ? 46 : host.charCodeAt(i);
    if (unit === 46 /* . */) {
      const length = i - start;
      if (length === 0 || length > MAX_LABEL_LENGTH) return -1;
      if (host.charCodeAt(start) === 45 || host.charCodeAt(i - 1) === 45 /* - */) return -1;
      labels++;
      start = i + 1;
    } else if (!((unit >= 97 && unit <= 122) || (unit >= 48 && unit <= 57) || unit === 95 || unit === 45)) {
      return -1;
    }
  }
  return labels;
}

/** The Public Suffix List library's idea of an IP address, for a host of DNS labels (digits and three dots). */
function isNumericQuad(host: string, labels: number): boolean {
  if (labels !== 4 || host.length < 7 || host.length > 15) return false;
  for (let i = 0; i < host.length; i++) {
    const unit = host.charCodeAt(i);
    if (unit !== 46 && (unit < 48 || unit > 57)) return false;
  }
  return true;
}

function toUrl(input: string): URL | NoIdentityCause {
  // A tab's address, the common case: nothing to guess about its scheme.
  if (input.startsWith('https://') || input.startsWith('http://')) return parseUrl(input);
  const scheme = SCHEME.exec(input);
  let candidate = input;
  if (scheme) {
    const rest = input.slice(scheme[0].length);
    // `shop.ma:8080/cart` is a host with a port, not a URL with scheme `shop.ma`.
    const isHostWithPort = /^\d+(?:[/?#]|$)/.test(rest);
    if (!isHostWithPort) {
      const name = scheme[1]?.toLowerCase();
      if (name !== 'http' && name !== 'https') return 'scheme';
    } else {
      candidate = `http://${input}`;
    }
  } else {
    candidate = `http://${input.replace(/^\/\//, '')}`;
  }
  return parseUrl(candidate);
}

function parseUrl(candidate: string): URL | NoIdentityCause {
  try {
    return new URL(candidate);
  } catch {
    return 'invalid-host';
  }
}

/** The tenant shop on a platform suffix, `''` for the platform itself, `null` off-platform. */
function platformTenant(host: string, platforms: readonly string[]): string | null {
  let best: string | null = null;
  let bestSuffixLength = 0;
  for (const suffix of platforms) {
    if (suffix.length <= bestSuffixLength || !host.endsWith(suffix)) continue;
    const before = host.length - suffix.length;
    if (before === 0 || (before === 4 && host.startsWith('www.'))) {
      // The platform's own site is a suffix, like `com`: no shop of its own.
      best = '';
    } else if (host.charCodeAt(before - 1) === 46 /* . */) {
      const labels = host.slice(0, -suffix.length - 1).split('.');
      best = `${labels[labels.length - 1]}.${suffix}`;
    } else {
      continue;
    }
    bestSuffixLength = suffix.length;
  }
  return best;
}

function displayForm(domain: string): string {
  // Nearly every domain is plain ASCII: no label of it can start with `xn--`.
  if (!domain.includes('xn--')) return domain;
  if (!domain.split('.').some((label) => label.startsWith('xn--'))) return domain;
  try {
    return punycode.toUnicode(domain);
  } catch {
    return domain;
  }
}

/**
 * The identity of the shop a URL or host name belongs to: its registrable domain under
 * the Public Suffix List (private section included), or its tenant name on a known shop
 * platform. Anything that is not a public web shop has none, with the cause.
 */
export function resolveShopIdentity(
  input: string,
  platforms: readonly string[] = DEFAULT_PLATFORM_SUFFIXES,
): IdentityResult {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, cause: 'empty' };
  if (trimmed.length > MAX_INPUT_LENGTH) return { ok: false, cause: 'too-long' };
  const url = toUrl(trimmed);
  if (typeof url === 'string') return { ok: false, cause: url };
  if (url.username !== '' || url.password !== '') return { ok: false, cause: 'credentials' };
  let host = url.hostname;
  if (host.startsWith('[') || IPV4.test(host)) return { ok: false, cause: 'ip-address' };
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '') return { ok: false, cause: 'invalid-host' };
  if (host.length > MAX_HOST_LENGTH) return { ok: false, cause: 'too-long' };
  const labels = dnsLabelCount(host);
  if (labels < 0) return { ok: false, cause: 'invalid-host' };
  if (labels < 2) return { ok: false, cause: 'single-label' };
  if (isNumericQuad(host, labels)) return { ok: false, cause: 'ip-address' };
  const registrable = getDomain(host, PSL);
  // Every host a social network's profiles live on is under one of its registrable domains:
  // other hosts skip reading the path as a profile.
  if (registrable && SOCIAL_DOMAINS.has(registrable)) {
    const social = socialShopOf(url, host);
    if (typeof social === 'string') return { ok: false, cause: social };
    if (social) {
      const identity = { kind: 'social', domain: social.key, display: social.display, host, network: social.network };
      return { ok: true, identity: identity as ShopIdentity };
    }
    // Any other host of a network (about.instagram.com, business.facebook.com) is the network's.
    return { ok: false, cause: 'social-platform' };
  }
  const domain = platformTenant(host, platforms) ?? registrable;
  if (!domain) return { ok: false, cause: 'public-suffix' };
  return { ok: true, identity: { kind: 'domain', domain, display: displayForm(domain), host } };
}

/** The shop identity of a URL or host, or `null` when it has none. */
export function shopIdentity(input: string, platforms?: readonly string[]): ShopIdentity | null {
  const result = resolveShopIdentity(input, platforms);
  return result.ok ? result.identity : null;
}

/** True when `name` is already a domain shop identity in its canonical ASCII form. */
export function isCanonicalShopDomain(name: string, platforms?: readonly string[]): boolean {
  const identity = shopIdentity(name, platforms);
  return identity?.kind === 'domain' && identity.domain === name;
}

/** True when `key` is a shop key in canonical form: a domain, or a social key such as `wa.me/212612345678`. */
export function isCanonicalShopKey(key: string, platforms?: readonly string[]): boolean {
  return key.includes('/') ? socialShopOfKey(key) !== null : isCanonicalShopDomain(key, platforms);
}

/** The identity a canonical shop key names (a domain or a social key), or null. */
export function identityOfKey(key: string, platforms?: readonly string[]): ShopIdentity | null {
  if (!key.includes('/')) return isCanonicalShopDomain(key, platforms) ? shopIdentity(key, platforms) : null;
  const social = socialShopOfKey(key);
  if (!social) return null;
  const host = key.slice(0, key.indexOf('/'));
  return { kind: 'social', domain: social.key, display: social.display, host, network: social.network };
}
