import type { LegalMention, PageEvidence, SealMark } from '../directory/page-evidence.ts';

// What a shop page says about itself (law 31-08's mentions, its ICE, the trust marks it
// shows), read from plain data so it is testable without a DOM. The content script bundles
// this module: types only from the core (no zod, no PSL). Page text is evidence and
// nothing else: it decides nothing here, the background's verdict does.

/** What the content script hands over from a page (or the one legal page it read). */
export interface ClaimFacts {
  /** Text of the page, bounded (see page-reader.ts). */
  text: string;
  /** Words a page puts on images and links: alt, title, aria-label, image file names. */
  hints: readonly string[];
  /** Links as absolute URLs with their text, bounded. */
  links: ReadonlyArray<{ href: string; text: string }>;
}

/** Latin digits for the Arabic-Indic (٠١٢) and extended (۰۱۲) ones a page may write. */
export function latinDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (digit) => {
    const code = digit.charCodeAt(0);
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}

/**
 * Text as a shopper reads it: compatibility forms folded (full-width ＣＭＩ, Arabic
 * presentation forms, decomposed accents, ligatures), invisible format characters
 * (zero-width spaces, soft hyphens, direction marks) dropped, every dash a hyphen. A page
 * must not slip a seal or an ICE past the reader with a character nobody sees.
 */
export function readableText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '')
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-');
}

// Letters as a small class, not \p{L}: a content script compiles its patterns on every
// page load, and Unicode property classes make that compilation cost milliseconds.
// Every pattern is bounded (no unbounded run before a required word): page text is
// hostile, and a quadratic regex on 60,000 characters would freeze the page.
// An ICE is read only where the page labels it as one: a bare 15-digit number may be an
// order number or an IBAN fragment.
const ICE_LABELLED =
  /(?:\bI\.?C\.?E\b|identifiant commun de l['’]entreprise|المعرف الموحد للمقاولة|التعريف الموحد للمقاولة|رقم التعريف الموحد)(?:n°|no\.?|num[ée]ro|[:：\s.)-]){0,12}((?:\d[\s.\u00a0\u202f-]{0,3}){14}\d)(?!\d)/gi;
const RC = /(?:\bR\.?\s?C\.?(?=[\s:n°])|registre (?:du|de) commerce|السجل التجاري)[^\d\n]{0,40}\d{2,8}(?!\d)/i;
const PHONE = /(?:(?:\+|00)\s?212[\s.-]?(?:\(0\))?[\s.-]?[5-8]|(?<!\d)0[5-8])(?:[\s.-]?\d){8}(?!\d)/;
// Anchored at the "@" (one character of local part looked at behind it): a pattern that
// starts with the local part tries up to 64 characters at every position of the text, and a
// page of long words with an "@" in it costs ~100 ms per 100 KB on the main thread.
const EMAIL =
  /(?<=[A-Za-z\u00C0-\u024F\u0600-\u06FF0-9._%+-])@[A-Za-z\u00C0-\u024F\u0600-\u06FF0-9-]{1,63}(?:\.[A-Za-z\u00C0-\u024F\u0600-\u06FF0-9-]{1,63}){0,4}\.[A-Za-z\u00C0-\u024F\u0600-\u06FF]{2,24}(?![A-Za-z\u00C0-\u024F\u0600-\u06FF])/;
const ADDRESS =
  /(?:\b(?:adresse|si[èe]ge social|address)\s*[:：])|(?:\b(?:rue|avenue|av\.|bd|boulevard|lotissement|r[ée]sidence|immeuble|quartier|zone industrielle)\s+[A-Za-z\u00C0-\u024F\u0600-\u06FF0-9'’ -]{2})|(?:(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])(?:العنوان|المقر الاجتماعي)\s*[:：])|(?:(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])(?:شارع|زنقة|حي|إقامة|عمارة|تجزئة|الحي الصناعي)\s+[A-Za-z\u00C0-\u024F\u0600-\u06FF])/i;
const SELLER_NAME_WORDS =
  /(?:\b(?:raison sociale|d[ée]nomination(?: sociale)?|[ée]dit[ée] par|exploit[ée] par|company name)\s*[:：]?\s*[A-Za-z\u00C0-\u024F\u0600-\u06FF])|(?:(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])(?:الاسم التجاري|الإسم التجاري|اسم الشركة|شركة ذات المسؤولية المحدودة|ش\.م\.م)(?![A-Za-z\u00C0-\u024F\u0600-\u06FF]))/i;
// Legal forms are capitals: "sa" and "sas" are French words too.
const LEGAL_FORM = /\b(?:SARL(?:\s?AU)?|S\.A\.R\.L\.?|SAS|SNC|S\.A\.)(?![A-Za-z\u00C0-\u024F\u0600-\u06FF])/;
const DIRHAM_PRICE =
  /\d[\d\s.,\u00a0\u202f]{0,16}(?:MAD|DHS?|درهم|د\.م)(?![A-Za-z\u00C0-\u024F\u0600-\u06FF])|\b(?:MAD|DH)\s?\d/i;
const TAXES_INCLUDED =
  /\bTTC\b|toutes taxes comprises|\bTVA (?:incluse|comprise)|y compris (?:la )?TVA|tax(?:es)? included|incl(?:uding|\.)? VAT|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])(?:شامل|شاملة)\s+(?:لل|ال)?(?:ضريبة|رسوم|ضرائب)|مع احتساب (?:الضريبة|الرسوم)|بما في ذلك الضريبة/i;
const WITHDRAWAL =
  /r[ée]tractation|right of withdrawal|withdrawal period|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])حق\s+(?:ال)?(?:تراجع|رجوع|عدول)|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])التراجع عن\s+(?:ال)?(?:شراء|طلب|عقد)/i;
const SEVEN_DAY_RETURN =
  /(?:retour|rembours|renvo|return|refund|إرجاع|ارجاع|استرجاع|استبدال)[^.\n]{0,80}(?:7|sept|seven|سبعة|سبع)\s*(?:jours|days|أيام|ايام)/i;

// Cheap gates before the patterns: most pages hold none of these words, and a plain
// substring search costs little next to a Unicode pattern run over the whole text.
const GATE = {
  sellerName: [
    'raison',
    'dénomination',
    'denomination',
    'édit',
    'edit',
    'exploit',
    'company',
    'الاسم',
    'الإسم',
    'اسم الشركة',
    'شركة ذات',
    'ش.م.م',
  ],
  legalForm: ['SARL', 'S.A', 'SAS', 'SNC'],
  address: [
    'adresse',
    'siège',
    'siege',
    'address',
    'rue',
    'av',
    'bd',
    'boulevard',
    'lotissement',
    'sidence',
    'immeuble',
    'quartier',
    'zone industrielle',
    'العنوان',
    'المقر',
    'شارع',
    'زنقة',
    'حي',
    'إقامة',
    'عمارة',
    'تجزئة',
  ],
  rc: ['rc', 'r.c', 'registre', 'السجل'],
  ice: ['ice', 'i.c.e', 'identifiant', 'الموحد'],
  taxes: ['ttc', 'tax', 'tva', 'vat', 'ضريب', 'رسوم', 'ضرائب'],
  withdrawal: ['tractation', 'withdrawal', 'تراجع', 'رجوع', 'عدول'],
  sevenDays: ['7', 'sept', 'seven', 'سبع'],
} as const;

function has(text: string, words: readonly string[]): boolean {
  return words.some((word) => text.includes(word));
}

/** Which of law 31-08's mentions a text carries (`text` with Latin digits). */
export function findMentions(text: string): Set<LegalMention> {
  const lower = text.toLowerCase();
  const found = new Set<LegalMention>();
  if (
    (has(lower, GATE.sellerName) && SELLER_NAME_WORDS.test(text)) ||
    (has(text, GATE.legalForm) && LEGAL_FORM.test(text))
  )
    found.add('seller-name');
  if (has(lower, GATE.address) && ADDRESS.test(text)) found.add('address');
  if (PHONE.test(text)) found.add('phone');
  if (text.includes('@') && EMAIL.test(text)) found.add('email');
  if (has(lower, GATE.rc) && RC.test(text)) found.add('rc');
  if (findIces(text).length > 0) found.add('ice');
  if (has(lower, GATE.taxes) && TAXES_INCLUDED.test(text) && DIRHAM_PRICE.test(text)) found.add('prices-with-taxes');
  if (
    (has(lower, GATE.withdrawal) && WITHDRAWAL.test(text)) ||
    (has(lower, GATE.sevenDays) && SEVEN_DAY_RETURN.test(text))
  )
    found.add('withdrawal-right');
  return found;
}

/** ICEs the text labels as such, digits only (valid or not: the verdict checks them). */
export function findIces(text: string): string[] {
  const found: string[] = [];
  if (!has(text.toLowerCase(), GATE.ice)) return found;
  for (const match of text.matchAll(ICE_LABELLED)) {
    const digits = (match[1] ?? '').replace(/\D/g, '');
    if (digits.length === 15 && !found.includes(digits)) found.push(digits);
    if (found.length === 5) break;
  }
  return found;
}

// Trust marks, in text (a claim written out) and in hints (a logo's alt or file name).
// Thiqa's own name in Arabic, ثقة, is the everyday word "trust": in text it counts only
// as a seal ("موثق من طرف ثقة", "شارة ثقة"); on an image's alt or title it is a seal.
const SEAL_TEXT: ReadonlyArray<[SealMark, readonly string[], RegExp]> = [
  [
    'e-thiq',
    ['thiq', 'ثيق'],
    /(?<![A-Za-z\u00C0-\u024F])e[-\s]?thiq(?![A-Za-z\u00C0-\u024F])|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])إي[-\s]?ثيق/i,
  ],
  [
    'cndp',
    ['cndp', 'اللجنة الوطنية', '09-08', '09.08'],
    /\bCNDP\b|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])اللجنة الوطنية لمراقبة حماية المعطيات|(?:d[ée]clar|r[ée]c[ée]piss[ée]|autoris)[^.\n]{0,80}loi (?:n°\s?)?09[-.]08|loi (?:n°\s?)?09[-.]08[^.\n]{0,80}(?:d[ée]clar|r[ée]c[ée]piss[ée]|autoris)|(?:تصريح|ترخيص|وصل)[^.\n]{0,60}09[-.]08/i,
  ],
  [
    'cmi-payment',
    ['cmi', 'monétique', 'monetique', 'النقدي'],
    /\bCMI\b|centre mon[ée]tique interbancaire|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])المركز النقدي بين البنكي/,
  ],
  [
    'fnem-member',
    ['fnem', 'fédération', 'federation', 'الفيدرالية'],
    /\bFNEM\b|f[ée]d[ée]ration nationale (?:du |de l['’])\s?e-?commerce|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])الفيدرالية الوطنية للتجارة الإلكترونية/i,
  ],
  [
    'verified-claim',
    ['vérifi', 'verifi', 'certifi', 'verified', 'certified', 'موثق', 'موثّق', 'موثوق', 'معتمد', '✓'],
    /\b(?:boutique|site|vendeur|marchand|commer[çc]ant|magasin|store|seller|shop|merchant)s?\s+(?:100\s?%\s+)?(?:v[ée]rifi[ée]e?s?|certifi[ée]e?s?|verified|certified)\b|\b(?:v[ée]rifi[ée]e?|certifi[ée]e?|verified|certified)\s+(?:par|by)\s+(?:thiqa|ثقة|la f[ée]d[ée]ration|l['’][ée]tat)|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])(?:متجر|بائع|موقع|تاجر|حساب|محل)\s+(?:موثق|موثّق|موثوق|معتمد)|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])(?:موثق|موثّق|موثقة)\s+(?:من|مِن)\s+(?:طرف|قبل)|✓\s*(?:v[ée]rifi|verified|موثق)/i,
  ],
  [
    'thiqa-badge',
    ['thiqa', 'ثقة'],
    /\bthiqa\b|(?:طرف|قبل|شارة|ختم|علامة|شهادة)\s+ثقة(?![A-Za-z\u00C0-\u024F\u0600-\u06FF])/i,
  ],
];
const SEAL_HINT: ReadonlyArray<[SealMark, RegExp | null]> = [
  ['e-thiq', /(?<![A-Za-z\u00C0-\u024F])e[-\s_]?thiq(?![A-Za-z\u00C0-\u024F])|إي[-\s]?ثيق/i],
  ['cndp', /\bcndp\b/i],
  ['cmi-payment', /\bcmi\b/i],
  ['fnem-member', /\bfnem\b/i],
  // Read hint by hint (verifiedHint below): a claim word must stand among badge words.
  ['verified-claim', null],
  ['thiqa-badge', /thiqa|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])ثقة(?![A-Za-z\u00C0-\u024F\u0600-\u06FF])/i],
];

// On an image or a link title a claim word counts alone only among badge words ("badge
// vérifié", "verified.png"), not about a product or an order ("huile certifiée bio",
// "Vérifier ma commande", "verified-purchase.png"); a written-out claim counts as in text.
const HINT_CLAIM_WORD = /^(?:v[ée]rifi[ée]e?s?|verified|certifi[ée]e?s?|certified|موثق|موثّق|موثقة|معتمد|معتمدة)$/i;
const HINT_BADGE_WORD =
  /^(?:badge|seal|sceau|logo|label|icon|ic[oô]ne|img|image|png|svg|jpe?g|gif|webp|trust|confiance|100|%|boutique|site|vendeur|marchand|commer[çc]ant|store|shop|seller|merchant|thiqa|ثقة|متجر|بائع|تاجر|✓|✔)$/i;
const VERIFIED_TEXT = SEAL_TEXT.find(([mark]) => mark === 'verified-claim')?.[2];

function verifiedHint(hint: string): boolean {
  if (VERIFIED_TEXT?.test(hint)) return true;
  const words = hint.split(/[\s—–:|,;!?()"'«»]+/).filter(Boolean);
  return (
    words.some((word) => HINT_CLAIM_WORD.test(word)) &&
    words.every((word) => HINT_CLAIM_WORD.test(word) || HINT_BADGE_WORD.test(word))
  );
}

/** Trust marks the page shows or claims, in SEAL_MARKS order. */
export function findSeals(facts: ClaimFacts, portalOrigin: string | null): Set<SealMark> {
  const found = new Set<SealMark>();
  const lower = facts.text.toLowerCase();
  for (const [mark, gate, pattern] of SEAL_TEXT) if (has(lower, gate) && pattern.test(facts.text)) found.add(mark);
  // File names count by their words: `/img/logo_cmi-secure.png` shows "cmi".
  const hintList = facts.hints.map((hint) => hint.replace(/[-_./]+/g, ' '));
  const hints = hintList.join('\n');
  for (const [mark, pattern] of SEAL_HINT) {
    if (pattern ? pattern.test(hints) : hintList.some(verifiedHint)) found.add(mark);
  }
  for (const link of facts.links) if (isCertificateLink(link, portalOrigin)) found.add('thiqa-badge');
  return found;
}

/** A link to a Thiqa certificate page (the portal's, or a page pretending to be one). */
function isCertificateLink(link: { href: string; text: string }, portalOrigin: string | null): boolean {
  let url: URL;
  try {
    url = new URL(link.href);
  } catch {
    return false;
  }
  if (portalOrigin && url.origin === portalOrigin && /^\/(?:merchants|badge)\//.test(url.pathname)) return true;
  if (/thiqa/i.test(url.hostname)) return true;
  return /certifica|شهادة/iu.test(link.text) && /thiqa|ثقة/iu.test(`${link.text} ${url.pathname}`);
}

// The one legal page worth reading, best first: the mentions law 31-08 asks for are
// usually on "mentions légales", then in the terms of sale, then on "about" or "contact".
const LEGAL_PAGE_KINDS: readonly RegExp[] = [
  /mentions?[-\s_]*l[ée]gales?|legal[-\s_]*notice|imprint|impressum|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])(?:الإشعار|البيانات|المعلومات) القانونية/i,
  /conditions[-\s_]*g[ée]n[ée]rales|\bcgv\b|\bcgu\b|terms|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])الشروط/i,
  /qui[-\s_]*sommes[-\s_]*nous|[àa][-\s_]*propos|about|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])من نحن/i,
  /contact|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])اتصل بنا|(?<![A-Za-z\u00C0-\u024F\u0600-\u06FF])تواصل معنا/i,
];

/**
 * The same-origin legal page to read, if the page links to one: never another site, never
 * the page itself, http(s) only.
 */
export function legalPageLink(links: ClaimFacts['links'], pageUrl: string): URL | null {
  let page: URL;
  try {
    page = new URL(pageUrl);
  } catch {
    return null;
  }
  let best: { url: URL; rank: number } | null = null;
  for (const link of links) {
    let url: URL;
    try {
      url = new URL(link.href, page);
    } catch {
      continue;
    }
    if (url.origin !== page.origin || !/^https?:$/.test(url.protocol) || url.pathname === page.pathname) continue;
    let path = url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // Keep the raw path.
    }
    const words = `${link.text} ${path}`;
    const rank = LEGAL_PAGE_KINDS.findIndex((kind) => kind.test(words));
    if (rank >= 0 && (!best || rank < best.rank)) best = { url, rank };
    if (best?.rank === 0) break;
  }
  if (!best) return null;
  best.url.hash = '';
  return best.url;
}

/** The evidence of one text and its hints. */
export function readClaims(facts: ClaimFacts, portalOrigin: string | null): Omit<PageEvidence, 'legalPagePath'> {
  const text = latinDigits(readableText(facts.text));
  const seals = findSeals({ ...facts, text, hints: facts.hints.map(readableText) }, portalOrigin);
  return { ices: findIces(text), mentions: [...findMentions(text)], seals: [...seals] };
}

/** The page's evidence with the legal page's added: union of what each says. */
export function mergeEvidence(page: PageEvidence, legal: Omit<PageEvidence, 'legalPagePath'>, path: string) {
  const union = <T>(a: readonly T[], b: readonly T[]) => [...new Set([...a, ...b])];
  return {
    ices: union(page.ices, legal.ices).slice(0, 5),
    mentions: union(page.mentions, legal.mentions),
    legalPagePath: path.slice(0, 512),
    seals: union(page.seals, legal.seals),
  } satisfies PageEvidence;
}
