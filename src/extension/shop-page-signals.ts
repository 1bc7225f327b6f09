import { boundedText, sharedBodyText } from './page-reader.ts';

// Whether a page is a shop page, from what the page itself shows: nothing leaves the
// machine to decide it. Strong signals (structured product data) decide alone; weak ones
// (a price in dirhams, a buy button, a cart path) must come in twos, so a news article
// quoting a price in DH is not taken for a shop.

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

const STRONG: ReadonlySet<ShopSignal> = new Set(['structured-product', 'og-product']);

const PRODUCT_TYPES = /^(?:https?:\/\/schema\.org\/)?(?:Product|Offer|AggregateOffer|ProductGroup)$/i;
/** Add-to-cart and checkout words in Arabic, French and English (with common spellings). */
const BUY_CONTROL =
  /(add to (?:cart|bag|basket)|buy now|checkout|check out|place order|ajouter au panier|acheter|commander|passer (?:la )?commande|valider (?:la|ma) commande|أضف إلى السلة|اضف الى السلة|أضف للسلة|إضافة إلى السلة|اشتر(?:ي)? الآن|اطلب الآن|إتمام الشراء|إتمام الطلب|الدفع)/i;
/** A price in Moroccan dirhams: `249 MAD`, `1 299,00 DH`, `99 Dhs`, `150 درهم`, `MAD 80`. */
// Letters as a small class, not \p{L}: this runs on every page load, and a Unicode
// property class costs the content script milliseconds to compile.
const DIRHAM_PRICE =
  /(?:\d[\d\s.,\u00a0\u202f]{0,16}(?:MAD|DH|DHS|dh|dhs|Dh|Dhs|درهم|د\.م\.?)(?![A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u0600-\u06FF]))|(?:(?:MAD|DH)\s?\d)/;
const CART_PATH = /\/(?:cart|panier|checkout|commande|basket|السلة)(?:\/|$)/i;

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
  if (types.some((type) => PRODUCT_TYPES.test(type.trim()))) signals.add('structured-product');
  if (facts.ogType && /^(?:product|og:product)\b/i.test(facts.ogType.trim())) signals.add('og-product');
  // One run over all the labels: a pattern run 500 times costs more in set-up than in matching.
  if (BUY_CONTROL.test(facts.controls.join('\n'))) signals.add('buy-control');
  if (DIRHAM_PRICE.test(facts.text)) signals.add('dirham-price');
  let path = facts.path;
  try {
    path = decodeURIComponent(facts.path);
  } catch {
    // Keep the raw path.
  }
  if (CART_PATH.test(path)) signals.add('cart-path');
  return [...signals];
}

export function isShopPage(signals: readonly ShopSignal[]): boolean {
  return signals.some((signal) => STRONG.has(signal)) || signals.length >= 2;
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
  const withoutText = shopSignals(readPageFacts(doc, location, false));
  if (isShopPage(withoutText)) return true;
  if (withoutText.length === 0) return false;
  return DIRHAM_PRICE.test(bodyText());
}

/** Reads the facts from a live document (the content script's side). */
export function readPageFacts(doc: Document, location: Location, withText = true): PageFacts {
  const controls: string[] = [];
  for (const element of doc.querySelectorAll(
    'button, input[type="submit"], input[type="button"], a, [role="button"]',
  )) {
    if (controls.length >= 500) break;
    const label =
      element instanceof HTMLInputElement
        ? element.value
        : `${element.textContent ?? ''} ${element.getAttribute('aria-label') ?? ''}`;
    const trimmed = label.trim().slice(0, 200);
    if (trimmed) controls.push(trimmed);
  }
  return {
    jsonLd: [...doc.querySelectorAll('script[type="application/ld+json"]')].map((script) => script.textContent ?? ''),
    itemTypes: [...doc.querySelectorAll('[itemtype]')].flatMap((element) =>
      (element.getAttribute('itemtype') ?? '').split(/\s+/).filter(Boolean),
    ),
    ogType: doc.querySelector('meta[property="og:type"]')?.getAttribute('content') ?? null,
    controls,
    // Text outside scripts, styles and templates, walked with a cap: innerText would lay out
    // the whole page first, hundreds of milliseconds on a hostile 5 MB page.
    text: withText ? boundedText(doc.body, 50_000) : '',
    path: location.pathname,
  };
}
