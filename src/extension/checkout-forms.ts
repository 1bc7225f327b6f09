// Whether a form on the page is where a shopper commits to pay: a card payment, a
// cash-on-delivery order form (the usual way to buy from a Moroccan shop) or a form on a
// checkout page. Decided from the form alone, on the shopper's machine, as plain data the
// unit tests build without a DOM; the live side reads each form within fixed bounds.

/** What a field says about itself: its type and every word naming it. */
export interface FieldFacts {
  /** `input` type (`text` for select), or `textarea`. */
  type: string;
  autocomplete: string;
  /** name, id, placeholder, aria-label and label text, lowercased. */
  words: string;
}

export interface FormFacts {
  fields: readonly FieldFacts[];
  /** Texts of the form's buttons and submit inputs. */
  controls: readonly string[];
  /** The form's own text (headings, notes), truncated. */
  text: string;
}

export type CheckoutKind = 'card-payment' | 'cash-on-delivery' | 'checkout-page';

type FieldRole =
  | 'card-number'
  | 'card-expiry'
  | 'card-code'
  | 'email'
  | 'password'
  | 'search'
  | 'phone'
  | 'address'
  | 'city'
  | 'name'
  | 'message'
  | 'other';

const CARD_NUMBER = /(card.?num|cc.?num|num[ée]ro (?:de (?:la )?)?carte|n[°o]\.? ?(?:de )?carte|رقم البطاقة)/;
const CARD_EXPIRY = /(expir|mm ?\/ ?(?:aa|yy)|تاريخ (?:ال)?انتهاء)/;
const CARD_CODE = /(cvv|cvc|cvn|cryptogramme|security code|code de s[ée]curit[ée]|رمز (?:ال)?(?:أمان|امان|التحقق))/;
const EMAIL = /(e-?mail|courriel|البريد)/;
const SEARCH = /(^|[\s_-])(q|s|search|query|recherche|rechercher|بحث|ابحث)($|[\s_-])/;
const PHONE =
  /(t[ée]l[ée]phone|phone|mobile|portable|gsm|whats ?app|(^|[\s_-])tel($|[\s_-])|هاتف|الجوال|جوال|واتساب|رقم ال)/;
const ADDRESS = /(adresse|address|addr|quartier|العنوان|عنوان|الحي)/;
const CITY = /(ville|city|المدينة|مدينة)/;
const NAME = /(nom|name|pr[ée]nom|الاسم|اسم)/;
const CARD_AUTOCOMPLETE = /^cc-(?:number|exp|exp-month|exp-year|csc)$/;

/** Buttons that commit to an order or a payment, in Arabic, French and English. */
const ORDER_CONTROL =
  /(commander|passer (?:la |ma )?commande|confirmer (?:la |ma )?commande|valider (?:la |ma )?commande|valider (?:le |mon )?panier|acheter|payer|paiement|order|buy|checkout|check out|pay\b|اطلب|أطلب|اطلبي|تأكيد الطلب|أكد الطلب|اكد الطلب|إتمام الطلب|اتمام الطلب|إتمام الشراء|اشتر|ادفع|الدفع)/i;
/** Cash on delivery named in the form's own words. */
const CASH_ON_DELIVERY =
  /(paiement (?:[àa] la )?livraison|payer? [àa] la livraison|paiement cash|cash on delivery|pay on delivery|الدفع عند (?:الاستلام|الإستلام|التسليم|التوصيل)|الدفع نقدا)/i;
/** Checkout paths: /checkout, /commande, /panier/valider, /cart, /order, /الطلب. */
const CHECKOUT_PATH =
  /\/(?:checkout|commande|commander|panier|cart|basket|order|paiement|payment|الطلب|السلة)(?:\/|$)/i;

function roleOf(field: FieldFacts): FieldRole {
  const { type, autocomplete, words } = field;
  const auto =
    autocomplete === ''
      ? ''
      : autocomplete.toLowerCase().replace(/^(?:section-\S+\s+)?(?:shipping\s+|billing\s+)?/, '');
  if (CARD_AUTOCOMPLETE.test(auto)) {
    return auto === 'cc-number' ? 'card-number' : auto === 'cc-csc' ? 'card-code' : 'card-expiry';
  }
  if (type === 'password') return 'password';
  if (type === 'search') return 'search';
  if (type === 'textarea') return ADDRESS.test(words) ? 'address' : 'message';
  if (CARD_NUMBER.test(words)) return 'card-number';
  if (CARD_CODE.test(words)) return 'card-code';
  if (CARD_EXPIRY.test(words)) return 'card-expiry';
  if (type === 'email' || auto === 'email' || EMAIL.test(words)) return 'email';
  if (type === 'tel' || auto.startsWith('tel') || PHONE.test(words)) return 'phone';
  if (/^(?:street-address|address-line\d|address-level[34])$/.test(auto) || ADDRESS.test(words)) return 'address';
  if (auto === 'address-level2' || CITY.test(words)) return 'city';
  if (SEARCH.test(words)) return 'search';
  if (/^(?:name|given-name|family-name|cc-name)$/.test(auto) || (NAME.test(words) && !/user/.test(words))) {
    return 'name';
  }
  return 'other';
}

/**
 * What kind of checkout a form is, or null when it is none: a newsletter, a search, a
 * sign-in or a contact form is not a checkout, whatever page it sits on.
 */
export function checkoutKind(form: FormFacts, path: string): CheckoutKind | null {
  const roles = new Set(form.fields.map(roleOf));
  // Card fields decide alone: a card number, or an expiry date with its security code.
  if (roles.has('card-number') || (roles.has('card-code') && roles.has('card-expiry'))) return 'card-payment';
  // Signing in or creating an account.
  if (roles.has('password')) return null;
  const personal = ['name', 'phone', 'address', 'city', 'email'].filter((role) => roles.has(role as FieldRole));
  // A newsletter (one e-mail) or a search box.
  if (personal.length === 0 && (roles.has('search') || roles.has('email'))) return null;
  if (form.fields.length === 0) return null;
  // The order and cash-on-delivery patterns are the costly ones (a comment form on every
  // article page would compile them): each is run only where its answer can change the kind.
  const orders = () => form.controls.some((control) => ORDER_CONTROL.test(control));
  const namesCashOnDelivery = () =>
    CASH_ON_DELIVERY.test(form.text) || form.controls.some((c) => CASH_ON_DELIVERY.test(c));
  // Where to bring the parcel and whom to call: an order, once it says it is one.
  const delivery = roles.has('phone') && (roles.has('address') || roles.has('city'));
  if (delivery && (orders() || namesCashOnDelivery())) return 'cash-on-delivery';
  // Below, only a checkout page's delivery form, or its cart without a message box, is one.
  if (!delivery && personal.length < 2 && roles.has('message')) return null;
  let decodedPath = path;
  try {
    decodedPath = decodeURIComponent(path);
  } catch {
    // Keep the raw path.
  }
  if (!CHECKOUT_PATH.test(decodedPath)) return null;
  // On a checkout page: a delivery form, or a cart (quantities) with its order button.
  if (delivery || personal.length >= 2) return 'checkout-page';
  if (!roles.has('message') && orders()) return 'checkout-page';
  return null;
}

// The live side. Every read is bounded: a hostile page may hold a million fields.

const MAX_FIELDS = 60;
const MAX_CONTROLS = 20;
const MAX_FORM_TEXT = 2_000;
const MAX_WORDS = 300;
const MAX_FORMS = 30;
const SKIPPED_TYPES = new Set(['hidden', 'submit', 'button', 'image', 'reset', 'checkbox', 'radio', 'file', 'range']);

/** Up to `max` characters of an element's text, read node by node (never the whole subtree at once). */
function boundedText(root: Element, max: number): string {
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  let text = '';
  for (let node = walker.nextNode(); node && text.length < max; node = walker.nextNode()) {
    const parent = node.parentElement?.localName;
    if (parent === 'script' || parent === 'style' || parent === 'template') continue;
    text += ` ${node.nodeValue ?? ''}`;
  }
  return text.replace(/\s+/g, ' ').slice(0, max);
}

function labelText(field: Element): string {
  const doc = field.ownerDocument;
  const id = field.getAttribute('id');
  const parts: string[] = [];
  const wrapping = field.closest('label');
  if (wrapping) parts.push(boundedText(wrapping, 100));
  if (id) {
    const escaped = id.replace(/["\\]/g, '\\$&');
    const label = doc.querySelector(`label[for="${escaped}"]`);
    if (label) parts.push(boundedText(label, 100));
  }
  return parts.join(' ');
}

/** Reads one form (or a form-like region) as plain facts. */
export function readFormFacts(form: Element): FormFacts {
  const fields: FieldFacts[] = [];
  for (const element of form.querySelectorAll('input, select, textarea')) {
    if (fields.length >= MAX_FIELDS) break;
    const tag = element.localName;
    const type =
      tag === 'input' ? (element.getAttribute('type') ?? 'text').toLowerCase() : tag === 'select' ? 'text' : 'textarea';
    if (SKIPPED_TYPES.has(type)) continue;
    const words = ['name', 'id', 'placeholder', 'aria-label', 'title']
      .map((attribute) => element.getAttribute(attribute) ?? '')
      .concat(labelText(element))
      .join(' ')
      .toLowerCase()
      .slice(0, MAX_WORDS);
    fields.push({ type, autocomplete: element.getAttribute('autocomplete') ?? '', words });
  }
  // The buttons and the form's text are read when checkoutKind first asks for them: most
  // forms (a comment box, a search) are decided by their fields alone.
  let controls: string[] | undefined;
  let text: string | undefined;
  return {
    fields,
    get controls() {
      controls ??= readFormControls(form);
      return controls;
    },
    get text() {
      text ??= boundedText(form, MAX_FORM_TEXT);
      return text;
    },
  };
}

function readFormControls(form: Element): string[] {
  const controls: string[] = [];
  for (const control of form.querySelectorAll('button, input[type="submit"], input[type="button"], [role="button"]')) {
    if (controls.length >= MAX_CONTROLS) break;
    const label =
      control.localName === 'input'
        ? (control.getAttribute('value') ?? '')
        : `${boundedText(control, 200)} ${control.getAttribute('aria-label') ?? ''}`;
    if (label.trim()) controls.push(label.trim().slice(0, 200));
  }
  return controls;
}

export interface FoundCheckout {
  form: Element;
  kind: CheckoutKind;
}

/** The first checkout form among these forms (at most MAX_FORMS are read). */
export function firstCheckoutForm(forms: Iterable<Element>, path: string): FoundCheckout | null {
  let read = 0;
  for (const form of forms) {
    if (read++ >= MAX_FORMS) break;
    if (!form.isConnected) continue;
    const kind = checkoutKind(readFormFacts(form), path);
    if (kind) return { form, kind };
  }
  return null;
}
