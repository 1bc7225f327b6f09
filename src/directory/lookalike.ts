import punycode from 'punycode/punycode.es6.js';
import { CONFUSABLE_PROTOTYPES } from './confusables-table.ts';
import {
  findImitation,
  type Imitation,
  type ImitationTarget,
  imitationOf,
  type LookalikeTargets,
  type Target,
} from './lookalike-match.ts';

export type { Imitation, ImitationKind, ImitationTarget } from './lookalike-match.ts';

// Fraudsters register names that read like a verified merchant's: a zero for an o, a
// Cyrillic а for a Latin a, a doubled letter, the brand plus "promo", the brand in front
// of another domain (`atlas-electro.test.secure-pay.com`). We reduce a name to a skeleton
// where confusable characters are one (Unicode's UTS #39 table, generated, plus our rules
// below) and compare skeletons in an index built once, so a lookup costs microseconds.

/** Our rules on top of UTS #39, which maps Arabic-Indic zero to "." and lacks 3, 4, 5, 8. */
const EXTRA_PROTOTYPES: ReadonlyArray<readonly [string, string]> = [
  ...[...'٠١٢٣٤٥٦٧٨٩'].map((digit, value) => [digit, String(value)] as const),
  ...[...'۰۱۲۳۴۵۶۷۸۹'].map((digit, value) => [digit, String(value)] as const),
];
/** Digits read as letters, and i as l (UTS #39 keeps them apart; many fonts do not). */
const LETTER_FOR: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '8': 'b',
  i: 'l',
};

const PROTOTYPE = new Map<string, string>();
for (const [prototype, sources] of CONFUSABLE_PROTOTYPES) {
  for (const source of sources) PROTOTYPE.set(source, prototype);
}
for (const [source, prototype] of EXTRA_PROTOTYPES) PROTOTYPE.set(source, prototype);

/** Names this short are too common to call one an imitation of another. */
export const MIN_SKELETON_LENGTH = 4;
/** One edit, an added word or a subdomain only count for names this long (6 letters). */
export const MIN_LOOSE_LENGTH = 6;
/** A brand this long (8 letters) is rare enough to look for one edit away beside a hyphen and a word. */
export const MIN_DISTINCT_LENGTH = 8;
/** Words fraudsters glue to a brand without a hyphen (`promoatlaselectro`). */
export const ADDED_WORDS = `promo promos promotion offre offres deal deals solde soldes sale sales shop shops store
  boutique market maroc morocco marocain ma officiel officielle official online enligne en ligne vente achat
  livraison express cash pay paiement payment secure securite login compte account client service support
  verify verification update best top vip club new nouveau my the le la les web site app outlet discount
  black friday gratuit free gift cadeau win winner mall center centre store24 24 7 2025 2026 2027`
  .split(/\s+/)
  .filter((word) => word !== '');

/** Skeletons of characters met outside ASCII, computed once each. */
const letterCache = new Map<string, string>();

function letterSkeleton(char: string): string {
  const known = LETTER_FOR[char] ?? letterCache.get(char);
  if (known !== undefined) return known;
  let mapped = PROTOTYPE.get(char);
  if (mapped === undefined) {
    // Accents and other marks read as the bare letter at a glance.
    const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
    mapped = PROTOTYPE.get(bare) ?? bare;
  }
  let text = '';
  for (const part of mapped) text += LETTER_FOR[part] ?? part;
  if (letterCache.size < 10_000) letterCache.set(char, text);
  return text;
}

const PLAIN_ASCII = /^[a-z0-9._-]*$/;

/** The skeleton of one piece of a name (Unicode): `atlas-electr0` → `atlaselectro`. */
export function textSkeleton(text: string): string {
  let skeleton = '';
  if (PLAIN_ASCII.test(text)) {
    // Most names: no normalisation needed, and only digits and i change.
    for (const char of text) {
      if (char !== '-' && char !== '_' && char !== '.') skeleton += LETTER_FOR[char] ?? char;
    }
  } else {
    for (const char of text.normalize('NFKC').toLowerCase()) {
      if (char === '-' || char === '_' || char === '.') continue;
      skeleton += char < '\u0080' ? (LETTER_FOR[char] ?? char) : letterSkeleton(char);
    }
  }
  if (!/rn|vv|cl/.test(skeleton)) return skeleton;
  return skeleton.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/cl/g, 'd');
}

export function unicodeLabel(label: string): string {
  if (!label.startsWith('xn--')) return label;
  try {
    return punycode.toUnicode(label);
  } catch {
    return label;
  }
}

/** The look-alike skeleton of a shop identity's name (its first label). */
export function nameSkeleton(domain: string): string {
  return textSkeleton(unicodeLabel(domain.split('.', 1)[0] ?? ''));
}

const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Arabic', 'Hebrew', 'Cherokee', 'Georgian'].map(
  (script) => new RegExp(`\\p{Script=${script}}`, 'u'),
);

/** Letters of two scripts in one label (Latin with a Cyrillic о): a sign of imitation in itself. */
export function isMixedScript(label: string): boolean {
  const text = unicodeLabel(label);
  if (PLAIN_ASCII.test(text)) return false;
  return SCRIPTS.filter((script) => script.test(text)).length > 1;
}

/** `text` without its letter (UTF-16 unit) at `at`. */
export function without(text: string, at: number): string {
  return text.slice(0, at) + text.slice(at + 1);
}

/** Finds, for a shop identity, the verified merchant domain it imitates, if any (maps built in memory). */
export class LookalikeIndex implements LookalikeTargets {
  /** Targets by skeleton; two merchants may share one (the first is named to shoppers). */
  readonly #bySkeleton = new Map<string, Target[]>();
  /**
   * Every one-letter deletion of each skeleton of 4+ letters, keyed with the position
   * (`3:atlelectro`): a substitution then finds only true substitutions, and many shops
   * sharing a stem (`souk1`, `souk2`…) do not make every lookup walk a long list.
   */
  readonly #byDeletion = new Map<string, Target[]>();
  readonly #owned = new Set<string>();

  /** `owned`: domains of merchants that are not targets (a listed merchant never imitates). */
  constructor(targets: Iterable<ImitationTarget>, owned: Iterable<string> = []) {
    for (const domain of owned) this.#owned.add(domain);
    for (const { domain, merchantId } of targets) {
      this.#owned.add(domain);
      const skeleton = nameSkeleton(domain);
      if (skeleton.length < MIN_SKELETON_LENGTH) continue;
      const target = { domain, merchantId, skeleton };
      const same = this.#bySkeleton.get(skeleton);
      if (same) {
        same.push(target);
        continue;
      }
      this.#bySkeleton.set(skeleton, [target]);
      for (let at = 0; at < skeleton.length; at++) {
        const key = `${at}:${without(skeleton, at)}`;
        const list = this.#byDeletion.get(key);
        if (list) list.push(target);
        else this.#byDeletion.set(key, [target]);
      }
    }
  }

  owns(domain: string): boolean {
    return this.#owned.has(domain);
  }

  withSkeleton(skeleton: string, fits: (target: Target) => boolean): Target | undefined {
    return this.#bySkeleton.get(skeleton)?.find(fits);
  }

  withDeletion(at: number, deleted: string, fits: (target: Target) => boolean): Target | undefined {
    return this.#byDeletion.get(`${at}:${deleted}`)?.find(fits);
  }

  /** The verified domain `identity` looks like, and how; null for a merchant's own domain. */
  imitatedBy(identity: { readonly domain: string; readonly host?: string }): Imitation | null {
    return imitationOf(this, identity);
  }

  /** For a merchant's own domain (an import): the domain of another merchant it looks like. */
  imitatedByMerchantDomain(domain: string, merchantId: string): Imitation | null {
    return findImitation(this, { domain }, merchantId);
  }
}
