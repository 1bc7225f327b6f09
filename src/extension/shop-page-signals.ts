import { boundedText, sharedBodyText } from './page-reader.ts';

// Whether a page is a shop page, from what the page itself shows: nothing leaves the
// machine to decide it. Strong signals (structured product data) decide alone; weak ones
// (a price in dirhams, a buy button, a cart path) must come in twos, so a news article
// quoting a price in DH is not taken for a shop.
//
// This runs on every page the shopper opens, so it compiles no regular expression: the
// patterns it replaced (one alternation of Arabic and French words with /i, one price
// pattern) cost 2–4 ms of the page's main thread to compile and run, even on a tiny page.
// Plain substring searches and a hand-written price scan do the same work in a fraction.

/** What the content script reads from the page, as plain data (testable without a DOM). */
export interface PageFacts {
  /** Texts of `<script type="application/ld+json">` elements. */
  jsonLd: readonly string[];
  /** `itemtype` attributes (microdata). */
  itemTypes: readonly string[];
  ogType: string | null;
  /** Texts and labels of buttons, submit inputs and links. */
  controls: readonly string[];
  /** Visible text of the page, truncated. */
  text: string;
  path: string;
}

export type ShopSignal = 'structured-product' | 'og-product' | 'buy-control' | 'dirham-price' | 'cart-path';

const PRODUCT_TYPES = new Set(['product', 'offer', 'aggregateoffer', 'productgroup']);
/** Add-to-cart and checkout words in Arabic, French and English (lowercase; with common spellings). */
const BUY_WORDS = [
  'add to cart',
  'add to bag',
  'add to basket',
  'buy now',
  'checkout',
  'check out',
  'place order',
  'ajouter au panier',
  'acheter',
  'commander',
  'passer commande',
  'passer la commande',
  'valider la commande',
  'valider ma commande',
  'أضف إلى السلة',
  'اضف الى السلة',
  'أضف للسلة',
  'إضافة إلى السلة',
  'اشتر الآن',
  'اشتري الآن',
  'اطلب الآن',
  'إتمام الشراء',
  'إتمام الطلب',
  'الدفع',
];
/** Currency words after an amount, case as written (`DHs` is no price word, `Dhs` is). */
const DIRHAM_WORDS = ['MAD', 'DHS', 'DH', 'dhs', 'dh', 'Dhs', 'Dh', 'درهم', 'د.م'];
/** Currency words before an amount: `MAD 80`, `DH 99`. */
const DIRHAM_PREFIXES = ['MAD', 'DH'];
const CART_SEGMENTS = new Set(['cart', 'panier', 'checkout', 'commande', 'basket', 'السلة']);
/** Characters an amount is written with between its first digit and the currency: at most 16 of them. */
const AMOUNT_RUN = 16;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** JavaScript's `\s`. */
function isSpace(code: number): boolean {
  return (
    (code >= 9 && code <= 13) ||
    code === 32 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Letters of the scripts a shop page is written in: a currency word glued to one is part of a word (`DHL`). */
function isLetter(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 0xc0 && code <= 0x24f) ||
    (code >= 0x370 && code <= 0x4ff) ||
    (code >= 0x600 && code <= 0x6ff)
  );
}

function inAmount(code: number): boolean {
  return isDigit(code) || isSpace(code) || code === 46 || code === 44;
}

/** A price in Moroccan dirhams: `249 MAD`, `1 299,00 DH`, `99 Dhs`, `150 درهم`, `MAD 80`. */
export function hasDirhamPrice(text: string): boolean {
  for (const word of DIRHAM_WORDS) {
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      const after = at + word.length;
      // An amount before: a digit, then up to AMOUNT_RUN digits, spaces, dots and commas.
      if (after >= text.length || !isLetter(text.charCodeAt(after))) {
        for (let back = at - 1; back >= 0 && at - back <= AMOUNT_RUN + 1; back--) {
          const code = text.charCodeAt(back);
          if (isDigit(code)) return true;
          if (!inAmount(code)) break;
        }
      }
      // An amount after: `MAD 80`, one space at most.
      if (DIRHAM_PREFIXES.includes(word)) {
        const next = text.charCodeAt(after);
        if (isDigit(next) || (isSpace(next) && isDigit(text.charCodeAt(after + 1)))) return true;
      }
    }
  }
  return false;
}

function hasBuyWords(controls: readonly string[]): boolean {
  // One lowercase copy of all the labels, searched for each phrase.
  const labels = controls.join('\n').toLowerCase();
  return BUY_WORDS.some((words) => labels.includes(words));
}

function isProductType(type: string): boolean {
  let name = type.trim().toLowerCase();
  for (const prefix of ['http://schema.org/', 'https://schema.org/']) {
    if (name.startsWith(prefix)) name = name.slice(prefix.length);
  }
  return PRODUCT_TYPES.has(name);
}

function isProductOgType(ogType: string): boolean {
  const value = ogType.trim().toLowerCase();
  for (const word of ['product', 'og:product']) {
    if (!value.startsWith(word)) continue;
    const next = value.charCodeAt(word.length);
    // `\b`: the word ends there.
    if (Number.isNaN(next) || !(isDigit(next) || (next >= 97 && next <= 122) || next === 95)) return true;
  }
  return false;
}

function isCartPath(path: string): boolean {
  const segments = path.toLowerCase().split('/');
  for (let i = 1; i < segments.length; i++) if (CART_SEGMENTS.has(segments[i] ?? '')) return true;
  return false;
}

function jsonLdTypes(value: unknown, found: string[], depth = 0): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 200)) jsonLdTypes(item, found, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  const type = record['@type'];
  if (typeof type === 'string') found.push(type);
  if (Array.isArray(type)) for (const item of type) if (typeof item === 'string') found.push(item);
  for (const key of ['@graph', 'offers', 'mainEntity', 'itemListElement', 'item']) {
    if (key in record) jsonLdTypes(record[key], found, depth + 1);
  }
}

export function shopSignals(facts: PageFacts): ShopSignal[] {
  const signals = new Set<ShopSignal>();
  const types: string[] = [...facts.itemTypes];
  for (const text of facts.jsonLd.slice(0, 20)) {
    try {
      jsonLdTypes(JSON.parse(text), types);
    } catch {
      // A page's broken JSON-LD is the page's problem, not a signal.
    }
  }
  if (types.some(isProductType)) signals.add('structured-product');
  if (facts.ogType && isProductOgType(facts.ogType)) signals.add('og-product');
  if (hasBuyWords(facts.controls)) signals.add('buy-control');
  if (hasDirhamPrice(facts.text)) signals.add('dirham-price');
  let path = facts.path;
  try {
    path = decodeURIComponent(facts.path);
  } catch {
    // Keep the raw path.
  }
  if (isCartPath(path)) signals.add('cart-path');
  return [...signals];
}

export function isShopPage(signals: readonly ShopSignal[]): boolean {
  return signals.includes('structured-product') || signals.includes('og-product') || signals.length >= 2;
}

/**
 * Whether a live document is a shop page. The page's text (the costly part) is read only
 * when the rest leaves exactly one weak signal to confirm, and then only for a dirham
 * price: text adds no other signal. `bodyText` lets the caller share one walk of the text
 * with the page reader.
 */
export function isLiveShopPage(
  doc: Document,
  location: Location,
  bodyText: () => string = sharedBodyText(doc),
): boolean {
  // Cheapest first: structured data and the path; the labels of up to 500 controls only
  // when those did not decide (reading them is about 1 ms of a fresh isolated world's time).
  const signals = shopSignals({ ...readStructuredFacts(doc), controls: [], text: '', path: location.pathname });
  if (isShopPage(signals)) return true;
  if (hasBuyWords(readControls(doc))) signals.push('buy-control');
  if (isShopPage(signals)) return true;
  if (signals.length === 0) return false;
  return hasDirhamPrice(bodyText());
}

/** Structured product data: JSON-LD, microdata types and `og:type`. */
function readStructuredFacts(doc: Document): Pick<PageFacts, 'jsonLd' | 'itemTypes' | 'ogType'> {
  const jsonLd: string[] = [];
  const itemTypes: string[] = [];
  let ogType: string | null | undefined;
  // One walk of the document for the three (each query walks it whole), in document order.
  for (const element of doc.querySelectorAll(
    'script[type="application/ld+json"], [itemtype], meta[property="og:type"]',
  )) {
    const name = element.localName;
    // The selector matches `type` without regard to ASCII case, as HTML says it does.
    if (name === 'script' && element.getAttribute('type')?.toLowerCase() === 'application/ld+json') {
      jsonLd.push(element.textContent ?? '');
    }
    const itemType = element.getAttribute('itemtype');
    if (itemType !== null) itemTypes.push(...itemType.split(' ').filter(Boolean));
    if (ogType === undefined && name === 'meta' && element.getAttribute('property') === 'og:type') {
      ogType = element.getAttribute('content');
    }
  }
  return { jsonLd, itemTypes, ogType: ogType ?? null };
}

/** Texts and labels of buttons, submit inputs and links, up to 500. */
function readControls(doc: Document): string[] {
  const controls: string[] = [];
  for (const element of doc.querySelectorAll(
    'button, input[type="submit"], input[type="button"], a, [role="button"]',
  )) {
    if (controls.length >= 500) break;
    // An input's label is its value attribute (what the shopper reads on a submit button).
    const label =
      element.localName === 'input'
        ? (element.getAttribute('value') ?? '')
        : `${element.textContent ?? ''} ${element.getAttribute('aria-label') ?? ''}`;
    const trimmed = label.trim().slice(0, 200);
    if (trimmed) controls.push(trimmed);
  }
  return controls;
}

/** Reads the facts from a live document (the content script's side). */
export function readPageFacts(doc: Document, location: Location, withText = true): PageFacts {
  return {
    ...readStructuredFacts(doc),
    controls: readControls(doc),
    // Text outside scripts, styles and templates, walked with a cap: innerText would lay out
    // the whole page first, hundreds of milliseconds on a hostile 5 MB page.
    text: withText ? boundedText(doc.body, 50_000) : '',
    path: location.pathname,
  };
}
