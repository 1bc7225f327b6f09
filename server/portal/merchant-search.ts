import type { Merchant } from '../../src/directory/schemas.ts';
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

interface IndexedMerchant {
  merchant: Merchant;
  /** Every searchable field, folded, one per line: a query word never spans two fields. */
  text: string;
  names: string[];
}

/** What a label kind is called in every portal language, folded, with its code. */
function labelWords(kind: Merchant['labels'][number]['kind']): string[] {
  return [kind, ...PORTAL_LANGUAGES.map((lang) => portalWords(lang).t(LABEL_KIND[kind]))];
}

function indexMerchant(merchant: Merchant): IndexedMerchant {
  const names = [merchant.legalName, ...merchant.tradeNames].map(foldForSearch);
  const fields = [
    ...names,
    merchant.city,
    ...merchant.domains,
    ...merchant.domains.map((domain) => shopIdentity(domain)?.display ?? domain),
    merchant.ice,
    ...merchant.labels.flatMap((label) => [...labelWords(label.kind), label.issuer]),
  ];
  return { merchant, names, text: fields.map(foldForSearch).join('\n') };
}

export class MerchantSearchIndex {
  readonly #entries: IndexedMerchant[];
  readonly #directory: PortalDirectory;
  readonly #order = new Map<PortalLanguage, Map<string, number>>();

  constructor(directory: PortalDirectory) {
    this.#directory = directory;
    this.#entries = directory.merchants.map(indexMerchant);
  }

  /** Each merchant's place in alphabetical order, in one language's collation. */
  #alphabetical(lang: PortalLanguage): Map<string, number> {
    let order = this.#order.get(lang);
    if (!order) {
      const collator = new Intl.Collator(moroccanLocale(lang), { sensitivity: 'base', numeric: true });
      const sorted = this.#directory.merchants
        .map((merchant) => ({ id: merchant.id, name: listedName(merchant) }))
        .sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1));
      order = new Map(sorted.map((entry, place) => [entry.id, place]));
      this.#order.set(lang, order);
    }
    return order;
  }

  /** The merchant whose shop a typed domain or link names, if any. */
  #merchantAt(query: string): Merchant | null {
    const typed = query.trim();
    if (/\s/.test(typed) || !typed.includes('.')) return null;
    const identity = shopIdentity(typed, this.#directory.index.platforms);
    return identity ? this.#directory.index.entryFor(identity.domain).merchant : null;
  }

  /**
   * The merchants matching a query, best first: the shop a domain or an ICE names, then
   * names that start with the query, then the rest, each group in alphabetical order.
   * An empty query lists every merchant alphabetically.
   */
  search(query: string, lang: PortalLanguage): Merchant[] {
    const order = this.#alphabetical(lang);
    const place = (merchant: Merchant) => order.get(merchant.id) ?? 0;
    const folded = foldForSearch(query);
    if (folded === '') return [...this.#directory.merchants].sort((a, b) => place(a) - place(b));

    const words = folded.split(' ');
    const digits = folded.replaceAll(' ', '');
    const isIce = /^\d{3,15}$/.test(digits);
    const named = this.#merchantAt(query);
    const ranked: Array<{ merchant: Merchant; rank: number }> = [];
    for (const { merchant, text, names } of this.#entries) {
      const exact = merchant === named || (isIce && merchant.ice === digits);
      const matches = exact || words.every((word) => text.includes(word)) || (isIce && merchant.ice.includes(digits));
      if (!matches) continue;
      const rank = exact ? 0 : names.some((name) => name.startsWith(folded)) ? 1 : 2;
      ranked.push({ merchant, rank });
    }
    return ranked.sort((a, b) => a.rank - b.rank || place(a.merchant) - place(b.merchant)).map((hit) => hit.merchant);
  }
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
