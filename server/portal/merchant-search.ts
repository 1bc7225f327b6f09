import type { LabelKind, Merchant } from '../../src/directory/schemas.ts';
import { shopIdentity } from '../../src/directory/shop-identity.ts';
import { LABEL_KIND, moroccanLocale } from '../../src/ui/verdict-words.ts';
import { PORTAL_LANGUAGES, type PortalLanguage, portalWords } from './portal-words.ts';
import type { PortalDirectory } from './published-directory.ts';

// `/merchants?q=`: find a merchant of the latest publication by name (Arabic or Latin,
// whatever accents, harakat or letter variants the shopper types or leaves out), domain
// (Unicode or punycode, or a whole link), city, ICE or label. Each publication is folded
// and indexed once, on its first search; a search then compares folded text only.

/** Letters written several ways that a shopper may type either way. */
const LETTER_FOLDS: Record<string, string> = {
  ٱ: 'ا', // alef wasla (أ إ آ lose their hamza and madda as combining marks)
  ى: 'ي', // alef maqsura
  ی: 'ي', // Persian yeh, from Persian keyboards
  ک: 'ك', // keheh
  ة: 'ه', // teh marbuta, often typed as heh
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
};
const FOLDED_LETTERS = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

function latinDigit(digit: string): string {
  const code = digit.codePointAt(0) ?? 0;
  return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
}

/**
 * Text as search compares it: compatibility-decomposed (NFKD), without combining marks
 * (accents, harakat, hamza above or below), format characters or tatweel, with Arabic
 * letter variants and Arabic-Indic digits folded, lowercase, words separated by one space.
 */
export function foldForSearch(text: string): string {
  // Most of what is indexed (domains, ICE, many names) is ASCII: the same result, faster.
  if (/^[\x00-\x7f]*$/.test(text)) {
    return text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  }
  return text
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}\u0640]/gu, '')
    .toLowerCase()
    .replace(FOLDED_LETTERS, (letter) => LETTER_FOLDS[letter] ?? letter)
    .replace(/[\u0660-\u0669\u06f0-\u06f9]/g, latinDigit)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The name a merchant is listed under: its first trade name, else its legal name. */
export function listedName(merchant: Merchant): string {
  return merchant.tradeNames[0] ?? merchant.legalName;
}

/** Folds the same few texts (cities, label issuers) once per index rather than once per merchant. */
function memoFold(): (text: string) => string {
  const folded = new Map<string, string>();
  return (text) => {
    let result = folded.get(text);
    if (result === undefined) {
      result = foldForSearch(text);
      folded.set(text, result);
    }
    return result;
  };
}

/** What a label kind is called in every portal language, and its code, folded. */
function labelWords(kind: LabelKind): string {
  return [kind, ...PORTAL_LANGUAGES.map((lang) => portalWords(lang).t(LABEL_KIND[kind]))].map(foldForSearch).join(' ');
}

/**
 * The words a merchant is found by. Arabic writes the article and some particles onto the
 * word (الأطلس, وأركان): each word is also indexed without them, so أطلس finds الأطلس.
 */
function wordsOf(texts: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const text of texts) {
    for (const word of text.split(' ')) {
      if (word === '') continue;
      words.add(word);
      const bare = word.replace(/^(?:وال|بال|فال|كال|لل|ال)/, '');
      if (bare.length >= 2 && bare !== word) words.add(bare);
    }
  }
  return words;
}

interface AlphabeticalOrder {
  sorted: Merchant[];
  /** The position (in the publication) of the merchant at each place. */
  positions: number[];
  /** The place of the merchant at each position. */
  place: Int32Array;
}

export class MerchantSearchIndex {
  readonly #directory: PortalDirectory;
  readonly #merchants: readonly Merchant[];
  /** Every merchant's names, folded, to rank names that start with the query first. */
  readonly #names: string[][];
  /** Every indexed word, sorted, and the merchants (by position) each belongs to. */
  readonly #words: string[];
  readonly #postings = new Map<string, number[]>();
  /** Every merchant's indexed words, to narrow a first match by the query's other words. */
  readonly #wordsAt: string[][] = [];
  readonly #byIce = new Map<string, Merchant>();
  /** Per language (each collates differently): merchants in alphabetical order, and each one's place in it. */
  readonly #orders = new Map<PortalLanguage, AlphabeticalOrder>();

  constructor(directory: PortalDirectory) {
    this.#directory = directory;
    this.#merchants = directory.merchants;
    const fold = memoFold();
    const kinds = new Map<LabelKind, string>();
    this.#names = this.#merchants.map((merchant) => [merchant.legalName, ...merchant.tradeNames].map(foldForSearch));
    this.#merchants.forEach((merchant, position) => {
      this.#byIce.set(merchant.ice, merchant);
      const texts = [
        ...(this.#names[position] ?? []),
        fold(merchant.city),
        ...merchant.domains.map(foldForSearch),
        // The Unicode form of an IDN, as a shopper would type it.
        ...merchant.domains
          .filter((domain) => domain.includes('xn--'))
          .map((domain) => foldForSearch(shopIdentity(domain)?.display ?? domain)),
        merchant.ice,
        ...merchant.labels.map((label) => fold(label.issuer)),
      ];
      for (const label of merchant.labels) {
        if (!kinds.has(label.kind)) kinds.set(label.kind, labelWords(label.kind));
        texts.push(kinds.get(label.kind) ?? '');
      }
      const own = [...wordsOf(texts)];
      this.#wordsAt[position] = own;
      for (const word of own) {
        const posting = this.#postings.get(word);
        if (posting) posting.push(position);
        else this.#postings.set(word, [position]);
      }
    });
    this.#words = [...this.#postings.keys()].sort();
  }

  #alphabetical(lang: PortalLanguage): AlphabeticalOrder {
    let order = this.#orders.get(lang);
    if (!order) {
      const collator = new Intl.Collator(moroccanLocale(lang), { sensitivity: 'base', numeric: true });
      const merchants = this.#merchants;
      const nameAt = (position: number) => listedName(merchants[position] as Merchant);
      const positions = merchants.map((_, position) => position);
      positions.sort((a, b) => collator.compare(nameAt(a), nameAt(b)) || a - b);
      const place = new Int32Array(merchants.length);
      positions.forEach((position, rank) => {
        place[position] = rank;
      });
      order = { sorted: positions.map((position) => merchants[position] as Merchant), positions, place };
      this.#orders.set(lang, order);
    }
    return order;
  }

  /** The merchants with a word that starts with `prefix`. */
  #withWordStarting(prefix: string): Set<number> {
    const found = new Set<number>();
    // The first word not before the prefix, by binary search; the words starting with it follow.
    const words = this.#words;
    let low = 0;
    let high = words.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((words[middle] as string) < prefix) low = middle + 1;
      else high = middle;
    }
    const postings = this.#postings;
    for (let i = low; i < words.length && (words[i] as string).startsWith(prefix); i++) {
      for (const position of postings.get(words[i] as string) ?? []) found.add(position);
    }
    return found;
  }

  /** The merchant whose shop a typed domain or link names, if any. */
  #merchantAt(query: string): Merchant | null {
    const typed = query.trim();
    if (/\s/.test(typed) || !typed.includes('.')) return null;
    const identity = shopIdentity(typed, this.#directory.index.platforms);
    return identity ? this.#directory.index.entryFor(identity.domain).merchant : null;
  }

  /**
   * The merchants matching a query (every word of it starts a word of theirs), best first:
   * the shop a domain or a whole ICE names, then names that start with the query, then the
   * rest, each group in alphabetical order. An empty query lists every merchant.
   */
  search(query: string, lang: PortalLanguage): readonly Merchant[] {
    const { sorted, positions, place } = this.#alphabetical(lang);
    const folded = foldForSearch(query);
    if (folded === '') return sorted;

    const digits = folded.replaceAll(' ', '');
    // An ICE typed in groups (002 610 004...) is one number.
    const words = queryWords(/^\d{3,15}$/.test(digits) ? [digits] : folded.split(' '));
    // The longest word (the rarest, most likely) finds the candidates through the index;
    // each other word keeps those with a word of their own that starts with it.
    const [first = '', ...rest] = words;
    let matched = [...this.#withWordStarting(first)];
    const wordsAt = this.#wordsAt;
    for (const word of rest) {
      if (matched.length === 0) break;
      matched = matched.filter((position) => wordsAt[position]?.some((own) => own.startsWith(word)));
    }
    const named = this.#merchantAt(query) ?? this.#byIce.get(digits) ?? null;
    const merchants = this.#merchants;
    const names = this.#names;
    const prefixed: Merchant[] = [];
    const others: Merchant[] = [];
    // Places in alphabetical order, sorted as numbers (natively): the matches in order.
    const places = new Int32Array(matched.length);
    let count = 0;
    for (const position of matched) places[count++] = place[position] ?? 0;
    places.sort();
    for (const rank of places) {
      const position = positions[rank] ?? 0;
      const merchant = merchants[position] as Merchant;
      if (merchant === named) continue;
      if (names[position]?.some((name) => name.startsWith(folded))) prefixed.push(merchant);
      else others.push(merchant);
    }
    const exact = named ? [named] : [];
    return [...exact, ...prefixed, ...others];
  }
}

/** Past this many words a query is cut to its longest: each word costs a pass over the candidates. */
export const MAX_QUERY_WORDS = 8;

/**
 * The words worth searching for, longest first: each once, none that merely starts
 * another (what `ma` finds, `maroc` finds too), at most MAX_QUERY_WORDS. A query of the same
 * short word a hundred times costs what one word costs.
 */
export function queryWords(words: readonly string[]): string[] {
  const unique = [...new Set(words.filter((word) => word !== ''))].sort(
    (a, b) => b.length - a.length || (a < b ? -1 : 1),
  );
  const kept: string[] = [];
  for (const word of unique) {
    if (!kept.some((longer) => longer.startsWith(word))) kept.push(word);
  }
  return kept.slice(0, MAX_QUERY_WORDS);
}

const indexes = new WeakMap<PortalDirectory, MerchantSearchIndex>();

/** The search index of one publication, built on its first search. */
export function searchIndexOf(directory: PortalDirectory): MerchantSearchIndex {
  let index = indexes.get(directory);
  if (!index) {
    index = new MerchantSearchIndex(directory);
    indexes.set(directory, index);
  }
  return index;
}
