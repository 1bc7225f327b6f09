import punycode from 'punycode/punycode.es6.js';
import { CONFUSABLE_PROTOTYPES } from './confusables-table.ts';

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
const MIN_SKELETON_LENGTH = 4;
/** One edit, an added word or a subdomain only count for names this long (6 letters). */
const MIN_LOOSE_LENGTH = 6;
/** A brand this long (8 letters) is rare enough to look for one edit away beside a hyphen and a word. */
const MIN_DISTINCT_LENGTH = 8;
/** Words fraudsters glue to a brand without a hyphen (`promoatlaselectro`). */
const ADDED_WORDS = `promo promos promotion offre offres deal deals solde soldes sale sales shop shops store
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

function unicodeLabel(label: string): string {
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

/** At most one insertion, deletion, substitution or swap of neighbours between `a` and `b`. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  if (a.length === b.length) {
    if (a.slice(start + 1) === b.slice(start + 1)) return true; // substitution
    return a[start] === b[start + 1] && a[start + 1] === b[start] && a.slice(start + 2) === b.slice(start + 2);
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(start + 1) === shorter.slice(start);
}

/** `text` without its letter at `at`. */
function without(text: string, at: number): string {
  return text.slice(0, at) + text.slice(at + 1);
}

export interface ImitationTarget {
  readonly domain: string;
  readonly merchantId: string;
}

export type ImitationKind = 'same-name' | 'one-edit' | 'added-word' | 'subdomain';

export interface Imitation extends ImitationTarget {
  readonly kind: ImitationKind;
  readonly mixedScript: boolean;
}

interface Target extends ImitationTarget {
  readonly skeleton: string;
}

/** Finds, for a shop identity, the verified merchant domain it imitates, if any. */
export class LookalikeIndex {
  /** Targets by skeleton; two merchants may share one (the first is named to shoppers). */
  readonly #bySkeleton = new Map<string, Target[]>();
  /**
   * Every one-letter deletion of each skeleton of 4+ letters, keyed with the position
   * (`3:atlelectro`): a substitution then finds only true substitutions, and many shops
   * sharing a stem (`souk1`, `souk2`…) do not make every lookup walk a long list.
   */
  readonly #byDeletion = new Map<string, Target[]>();
  readonly #owned = new Set<string>();
  /** The merchant whose own domains are being checked, whose targets are skipped. */
  #except: string | undefined;
  readonly #addedWords = [...new Set(ADDED_WORDS.map(textSkeleton))];

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

  /** The verified domain `identity` looks like, and how; null for a merchant's own domain. */
  imitatedBy(identity: { readonly domain: string; readonly host?: string }): Imitation | null {
    if (this.#owned.has(identity.domain)) return null;
    return this.#imitation(identity, undefined);
  }

  /** For a merchant's own domain (an import): the domain of another merchant it looks like. */
  imitatedByMerchantDomain(domain: string, merchantId: string): Imitation | null {
    return this.#imitation({ domain }, merchantId);
  }

  #imitation(
    identity: { readonly domain: string; readonly host?: string },
    except: string | undefined,
  ): Imitation | null {
    this.#except = except;
    const { domain } = identity;
    const nameLabel = domain.split('.', 1)[0] ?? '';
    const name = this.#matchLabel(nameLabel, MIN_SKELETON_LENGTH);
    if (name) return name;
    const host = identity.host ?? domain;
    if (!host.endsWith(`.${domain}`)) return null;
    const left = host
      .slice(0, -domain.length - 1)
      .split('.')
      .filter((label) => label !== 'www');
    // The brand's whole domain in front of another (`atlas-electro.test.pay.com`) counts at
    // any length; a lone label must be a name of 6+ letters (`shop.`, `mail.` are common).
    for (const [index, label] of left.entries()) {
      const wholeDomain = this.#ownsPrefix(left, index);
      const match = this.#matchLabel(label, wholeDomain ? MIN_SKELETON_LENGTH : MIN_LOOSE_LENGTH);
      if (match) return { ...match, kind: 'subdomain' };
    }
    const joined = this.#matchLabel(left.join(''), MIN_LOOSE_LENGTH);
    return joined ? { ...joined, kind: 'subdomain' } : null;
  }

  #ownsPrefix(labels: string[], index: number): boolean {
    for (let end = index + 2; end <= labels.length; end++) {
      if (this.#owned.has(labels.slice(index, end).join('.'))) return true;
    }
    return false;
  }

  #matchLabel(label: string, minSameName: number): Imitation | null {
    const text = unicodeLabel(label);
    const mixedScript = isMixedScript(text);
    const skeleton = textSkeleton(text);
    const result = (target: Target | undefined, kind: ImitationKind): Imitation | null =>
      target ? { domain: target.domain, merchantId: target.merchantId, kind, mixedScript } : null;

    const same = this.#first(this.#bySkeleton.get(skeleton));
    if (same && skeleton.length >= minSameName) return result(same, 'same-name');
    // A label that mixes scripts already says "imitation": shorter names count then.
    const minLoose = mixedScript ? MIN_SKELETON_LENGTH : MIN_LOOSE_LENGTH;
    const edited = this.#oneEdit(skeleton, minLoose);
    if (edited) return result(edited, 'one-edit');
    return result(this.#withAddedWord(text, skeleton, minLoose), 'added-word');
  }

  #oneEdit(skeleton: string, minLength: number): Target | undefined {
    if (skeleton.length < minLength - 1) return undefined;
    const fits = (target: Target) =>
      target.merchantId !== this.#except &&
      target.skeleton.length >= minLength &&
      withinOneEdit(target.skeleton, skeleton);
    const first = (targets: Target[] | undefined) => targets?.find(fits);
    // One letter missing from a brand (anywhere).
    for (let at = 0; at <= skeleton.length; at++) {
      const found = first(this.#byDeletion.get(`${at}:${skeleton}`));
      if (found) return found;
    }
    for (let at = 0; at < skeleton.length; at++) {
      const deleted = without(skeleton, at);
      // One letter more, one changed at the same place, or two neighbours swapped.
      const found =
        first(this.#bySkeleton.get(deleted)) ??
        first(this.#byDeletion.get(`${at}:${deleted}`)) ??
        first(this.#byDeletion.get(`${at + 1}:${deleted}`));
      if (found) return found;
    }
    return undefined;
  }

  #first(targets: Target[] | undefined): Target | undefined {
    return targets?.find((target) => target.merchantId !== this.#except);
  }

  #brand(skeleton: string, minLength: number): Target | undefined {
    if (skeleton.length < minLength) return undefined;
    return this.#first(this.#bySkeleton.get(skeleton));
  }

  #withAddedWord(text: string, skeleton: string, minLength: number): Target | undefined {
    // Hyphen-separated: the brand's parts in a row, any word before or after.
    const parts = text.split(/[-_]/).map(textSkeleton);
    for (let start = 0; start < parts.length; start++) {
      let joined = '';
      for (let end = start; end < parts.length; end++) {
        joined += parts[end];
        if (start === 0 && end === parts.length - 1) break;
        const brand = this.#brand(joined, minLength) ?? this.#oneEdit(joined, MIN_DISTINCT_LENGTH);
        if (brand) return brand;
      }
    }
    // Glued: only known words, so `atlaselectronics` is no `atlaselectro` plus "nics" (the
    // price: `atlaselectroplus` passes; the measurement prints how many such).
    const prefixes = ['', ...this.#addedWords.filter((word) => skeleton.startsWith(word))];
    const suffixes = ['', ...this.#addedWords.filter((word) => skeleton.endsWith(word))];
    for (const prefix of prefixes) {
      for (const suffix of suffixes) {
        if (prefix === '' && suffix === '') continue;
        if (prefix.length + suffix.length >= skeleton.length) continue;
        const brand = this.#brand(skeleton.slice(prefix.length, skeleton.length - suffix.length), minLength);
        if (brand) return brand;
      }
    }
    return undefined;
  }
}
