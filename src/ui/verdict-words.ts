import type { LegalMention, SealMark } from '../directory/page-evidence.ts';
import type { ComplaintCategory, FlagReason, Label, LabelKind, Merchant } from '../directory/schemas.ts';
import { type NoIdentityCause, shopIdentity } from '../directory/shop-identity.ts';
import type { VerdictReason } from '../directory/verdict.ts';
import type { MessageKey, Translator } from './locale-messages.ts';

// Codes from the directory core turned into message names, then into the shopper's
// words. Tables, so a new code fails type checking here instead of showing a blank.

const CAUSE: Record<NoIdentityCause | 'unknown', MessageKey> = {
  empty: 'cause_empty',
  'too-long': 'cause_tooLong',
  scheme: 'cause_scheme',
  credentials: 'cause_credentials',
  'invalid-host': 'cause_invalidHost',
  'ip-address': 'cause_ipAddress',
  'single-label': 'cause_singleLabel',
  'public-suffix': 'cause_publicSuffix',
  'social-platform': 'social_causePlatform',
  'invalid-social-handle': 'social_causeInvalidHandle',
  unknown: 'cause_unknown',
};

const FLAG_REASON: Record<FlagReason, MessageKey> = {
  fraud: 'flagReason_fraud',
  'non-delivery': 'flagReason_nonDelivery',
  counterfeit: 'flagReason_counterfeit',
  phishing: 'flagReason_phishing',
  impersonation: 'flagReason_impersonation',
};

export const LABEL_KIND: Record<LabelKind, MessageKey> = {
  'e-thiq': 'labelKind_eThiq',
  cndp: 'labelKind_cndp',
  'cmi-payment': 'labelKind_cmiPayment',
  'fnem-member': 'labelKind_fnemMember',
  other: 'labelKind_other',
};

/** Trust marks a page claims, named as the popup names the labels they pretend to be. */
export const SEAL_MARK: Record<SealMark, MessageKey> = {
  'e-thiq': 'labelKind_eThiq',
  cndp: 'labelKind_cndp',
  'cmi-payment': 'labelKind_cmiPayment',
  'fnem-member': 'labelKind_fnemMember',
  'verified-claim': 'seal_markVerified',
  'thiqa-badge': 'seal_markThiqa',
};

/** Law 31-08's mentions, as the popup's checklist names them. */
export const LEGAL_MENTION: Record<LegalMention, MessageKey> = {
  'seller-name': 'legal_mentionSellerName',
  address: 'legal_mentionAddress',
  phone: 'legal_mentionPhone',
  email: 'legal_mentionEmail',
  rc: 'legal_mentionRc',
  ice: 'legal_mentionIce',
  'prices-with-taxes': 'legal_mentionPricesWithTaxes',
  'withdrawal-right': 'legal_mentionWithdrawalRight',
};

export const REPORT_REASON: Record<ComplaintCategory | 'suspicious', MessageKey> = {
  fraud: 'reportReason_fraud',
  'non-delivery': 'reportReason_nonDelivery',
  counterfeit: 'reportReason_counterfeit',
  phishing: 'reportReason_phishing',
  impersonation: 'reportReason_impersonation',
  overcharge: 'reportReason_overcharge',
  'data-misuse': 'reportReason_dataMisuse',
  suspicious: 'reportReason_suspicious',
  other: 'reportReason_other',
};

const METHOD: Record<string, MessageKey> = {
  'commercial-register': 'method_commercialRegister',
  'phone-call': 'method_phoneCall',
  'site-visit': 'method_siteVisit',
  'document-check': 'method_documentCheck',
};

/**
 * The Moroccan variant of the shopper's language for dates and numbers: `ar-MA` names the
 * months as Moroccans do (شتنبر, not سبتمبر) and keeps Latin digits.
 */
export function moroccanLocale(lang: string): string {
  return `${lang}-MA`;
}

// Building an Intl formatter costs far more than using one (the portal formats a dozen
// dates a page): each is built once per language and form.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

/** A calendar day (`2026-09-14`) or an instant, in the shopper's language. */
export function formatDate(value: string, lang: string, withTime = false): string {
  const isDay = value.length === 10;
  const date = new Date(isDay ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  const key = `${lang}|${withTime}|${isDay}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(moroccanLocale(lang), {
      dateStyle: 'long',
      ...(withTime ? { timeStyle: 'short' } : {}),
      timeZone: isDay ? 'UTC' : undefined,
    });
    dateFormats.set(key, format);
  }
  return format.format(date);
}

export function methodWords(methods: readonly string[], translator: Translator): string {
  return methods
    .map((method) => {
      const key = METHOD[method];
      return key ? translator.t(key) : method;
    })
    .join(translator.t('list_separator'));
}

/** One reason of a verdict as a sentence. */
export function reasonWords(reason: VerdictReason, translator: Translator): string {
  const { t, lang } = translator;
  switch (reason.code) {
    case 'no-shop-identity':
      return t('reason_noShopIdentity', [t(CAUSE[reason.cause])]);
    case 'not-in-directory':
      return t('reason_notInDirectory');
    case 'flagged':
      return t('reason_flagged', [t(FLAG_REASON[reason.reason]), formatDate(reason.since, lang)]);
    case 'lookalike':
      return t('reason_lookalike', [shopIdentity(reason.of)?.display ?? reason.of]);
    case 'merchant-revoked':
      return t('reason_merchantRevoked');
    case 'merchant-suspended':
      return t('reason_merchantSuspended');
    case 'complaints-open':
      return t('reason_complaintsOpen', [reason.open, reason.threshold]);
    case 'label-expired':
      return t('reason_labelExpired', [t(LABEL_KIND[reason.kind]), formatDate(reason.validUntil, lang)]);
    case 'verification-stale':
      return t('reason_verificationStale', [formatDate(reason.verifiedAt, lang), reason.maxAgeDays]);
    case 'merchant-verified':
      return t('reason_merchantVerified', [
        formatDate(reason.verifiedAt, lang),
        methodWords(reason.methods, translator),
      ]);
    case 'ice-invalid':
      return t('legal_reasonIceInvalid', [reason.ice]);
    case 'ice-impersonation':
      return t('legal_reasonIceImpersonation', [reason.merchant]);
    case 'forged-seal':
      return t('seal_reasonForged', [reason.marks.map((mark) => t(SEAL_MARK[mark])).join(t('list_separator'))]);
  }
}

const SYNC_ERROR: Record<string, MessageKey> = {
  network: 'syncError_network',
  timeout: 'syncError_timeout',
  interrupted: 'syncError_interrupted',
  'http-status': 'syncError_httpStatus',
  'envelope-invalid': 'syncError_envelopeInvalid',
  'signature-unknown-key': 'syncError_signatureUnknownKey',
  'signature-invalid': 'syncError_signatureInvalid',
  'manifest-invalid': 'syncError_manifestInvalid',
  rollback: 'syncError_rollback',
  'manifest-expired': 'syncError_manifestExpired',
  'size-mismatch': 'syncError_sizeMismatch',
  'hash-mismatch': 'syncError_hashMismatch',
  'too-large': 'syncError_tooLarge',
  'not-gzip': 'syncError_notGzip',
  'schema-invalid': 'syncError_schemaInvalid',
  'version-mismatch': 'syncError_versionMismatch',
  'digest-mismatch': 'syncError_digestMismatch',
  'no-keys': 'syncError_noKeys',
};

export function syncErrorWords(code: string, translator: Translator): string {
  return translator.t(SYNC_ERROR[code] ?? 'syncError_failed');
}

/** "3 hours ago" in the shopper's language, in the largest unit that fits. */
export function timeAgo(then: string, now: Date, lang: string): string {
  const seconds = Math.round((Date.parse(then) - now.getTime()) / 1000);
  let format = relativeFormats.get(lang);
  if (!format) {
    format = new Intl.RelativeTimeFormat(moroccanLocale(lang), { numeric: 'auto' });
    relativeFormats.set(lang, format);
  }
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/**
 * What the card says of one label. Only dates the directory holds are shown: a label
 * imported without an issue date has none, and none is made up for it.
 */
export function labelFacts(label: Label, today: string, translator: Translator) {
  const { t, lang } = translator;
  const lines = [t('popup_labelIssuer', [label.issuer])];
  if (label.reference) lines.push(t('popup_labelReference', [label.reference]));
  lines.push(
    label.validUntil ? t('popup_labelValidUntil', [formatDate(label.validUntil, lang)]) : t('popup_labelNoExpiry'),
  );
  return {
    name: t(LABEL_KIND[label.kind]),
    expired: label.validUntil !== null && label.validUntil < today,
    lines,
  };
}

/**
 * Who runs a shop, fact by fact (an id for tests, the term, the value): the popup's
 * merchant card and the portal's pages list the same facts in the same words.
 */
export function merchantFacts(merchant: Merchant, translator: Translator): Array<[string, string, string]> {
  const { t, lang } = translator;
  return [
    ['legal-name', t('popup_legalName'), merchant.legalName],
    ['ice', t('popup_ice'), merchant.ice],
    ['rc', t('popup_rc'), merchant.rc ?? t('popup_notGiven')],
    ['city', t('popup_city'), merchant.city],
    ['verified-by', t('popup_verifiedBy'), merchant.verification.by],
    ['verified-how', t('popup_verifiedHow'), methodWords(merchant.verification.methods, translator)],
    ['verified-when', t('popup_verifiedWhen'), formatDate(merchant.verification.at, lang)],
  ];
}
