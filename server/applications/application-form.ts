import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isValidIce } from '../../src/directory/ice.ts';
import type { Merchant } from '../../src/directory/schemas.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { findRefusedCharacter, normalizeLineBreaks, type TextLayout } from '../../src/directory/text-policy.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { mailAddressSchema } from '../mail/mail-message.ts';
import { normalizePhone, parseSocial, shopDomains } from '../merchants/import-columns.ts';
import { type PortalKey, type PortalWords, portalWords } from '../portal/portal-words.ts';
import {
  APPLICATION_LIMITS,
  type ApplicationInput,
  applicationInputSchema,
  COMMERCIAL_COURTS,
  MAX_DOMAINS,
  MAX_SOCIAL_ACCOUNTS,
} from './application-book.ts';

// The /apply form's fields: what the applicant typed, read into an application the book
// takes, or a message at each field in the applicant's language. The book's schema has
// the last word; these messages say what is wrong in terms an applicant can act on.

export const APPLY_FIELDS = [
  'legalName',
  'tradeName',
  'ice',
  'rcNumber',
  'rcCourt',
  'rcCourtOther',
  'address',
  'city',
  'phone',
  'email',
  'domains',
  'social',
] as const;
export type ApplyField = (typeof APPLY_FIELDS)[number];

export type ApplyFormValues = Record<ApplyField, string> & { idempotencyKey: string };

export interface ApplyFieldError {
  field: ApplyField | 'form';
  message: string;
}

export const emptyApplyForm = (): ApplyFormValues => ({
  ...(Object.fromEntries(APPLY_FIELDS.map((field) => [field, ''])) as Record<ApplyField, string>),
  idempotencyKey: randomUUID(),
});

/** The id of each field's input, where the error summary's links lead. */
export const applyFieldId = (field: ApplyField | 'form') => (field === 'form' ? 'apply-submit' : `apply-${field}`);

/**
 * The court as stored and as the verifier reads it: a commercial court by its name on the
 * register's certificates (in French), another court by the name typed.
 */
export function courtName(choice: string, other: string): string {
  if (choice === 'other') return other;
  return portalWords('fr').p(`apply_court_${choice}` as PortalKey);
}

type SocialAccount = Merchant['social'][number];

/** The networks' own addresses, so that a pasted link names its network. */
const NETWORK_HOSTS: Record<string, SocialAccount['network']> = {
  'facebook.com': 'facebook',
  'fb.com': 'facebook',
  'instagram.com': 'instagram',
  'tiktok.com': 'tiktok',
  'wa.me': 'whatsapp',
  'whatsapp.com': 'whatsapp',
  'youtube.com': 'youtube',
  'youtu.be': 'youtube',
  'x.com': 'x',
  'twitter.com': 'x',
  'snapchat.com': 'snapchat',
};

/** A line of the social accounts: a link to a known network, `network:handle`, or kept as it is (`other`). */
export function socialAccount(line: string): SocialAccount {
  const link = /^(?:https?:\/\/)?(?:www\.|m\.)?([a-z0-9.-]+\.[a-z]{2,})\/+([^?#]+?)\/*(?:[?#].*)?$/i.exec(line);
  const network = link ? NETWORK_HOSTS[(link[1] as string).toLowerCase()] : undefined;
  if (link && network) return { network, handle: link[2] as string };
  let refused = false;
  const named = parseSocial([line], () => {
    refused = true;
  });
  const first = named[0];
  return !refused && first && first.handle !== '' ? first : { network: 'other', handle: line };
}

type Posted = string | File | (string | File)[] | undefined;

const MULTILINE_FIELDS: ReadonlySet<ApplyField> = new Set(['domains', 'social']);
/** Past these lengths a field is refused before anything else is read of it. */
const MAX_FIELD_LENGTH: Record<ApplyField, number> = {
  legalName: APPLICATION_LIMITS.legalName,
  tradeName: APPLICATION_LIMITS.tradeName,
  ice: 40,
  rcNumber: 30,
  rcCourt: 40,
  rcCourtOther: APPLICATION_LIMITS.rcCourtOther,
  address: APPLICATION_LIMITS.address,
  city: APPLICATION_LIMITS.city,
  phone: 40,
  email: 254,
  domains: (MAX_DOMAINS + 5) * 260,
  social: (MAX_SOCIAL_ACCOUNTS + 5) * (APPLICATION_LIMITS.social + 1),
};

const MISSING: Partial<Record<ApplyField, PortalKey>> = {
  legalName: 'apply_legalNameMissing',
  tradeName: 'apply_tradeNameMissing',
  ice: 'apply_iceMissing',
  rcNumber: 'apply_rcNumberMissing',
  rcCourt: 'apply_rcCourtMissing',
  address: 'apply_addressMissing',
  city: 'apply_cityMissing',
  phone: 'apply_phoneMissing',
  email: 'apply_emailMissing',
  domains: 'apply_domainsMissing',
};

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** Why `line` is not a shop domain the applicant can prove, in their words; null when it is one. */
function domainProblem(line: string, words: PortalWords): string | null {
  let refused = false;
  shopDomains([line], () => {
    refused = true;
  });
  if (!refused) return null;
  // shopDomains decided; its identity says why, in the applicant's language.
  const identity = resolveShopIdentity(line, SERVICE_PLATFORMS);
  // A social profile is no domain to prove: it goes in the social accounts field.
  if (identity.ok && identity.identity.kind === 'social') return words.p('apply_domainInvalid', [line]);
  if (identity.ok) return words.p('apply_domainSubdomain', [line, identity.identity.domain]);
  if (identity.cause === 'public-suffix') return words.p('apply_domainPlatform', [line]);
  return words.p('apply_domainInvalid', [line]);
}

export interface ReadApplyForm {
  values: ApplyFormValues;
  errors: ApplyFieldError[];
  input: ApplicationInput | null;
}

export function readApplyForm(posted: Record<string, Posted>, words: PortalWords): ReadApplyForm {
  const { p } = words;
  const messages: Partial<Record<ApplyField, string>> = {};
  const values = emptyApplyForm();
  for (const field of APPLY_FIELDS) {
    const value = posted[field];
    const layout: TextLayout = MULTILINE_FIELDS.has(field) ? 'multiline' : 'line';
    if (value !== undefined && typeof value !== 'string') {
      messages[field] = p('apply_fieldRepeated');
      continue;
    }
    const text = layout === 'multiline' ? normalizeLineBreaks(value ?? '').trim() : (value ?? '').trim();
    values[field] = text;
    if (text.length > MAX_FIELD_LENGTH[field]) messages[field] = p('apply_textTooLong', [MAX_FIELD_LENGTH[field]]);
    else {
      const refused = findRefusedCharacter(text, layout);
      if (refused) messages[field] = p('apply_textHidden', [refused.position]);
      else if (text === '' && MISSING[field]) messages[field] = p(MISSING[field]);
    }
  }
  const key = posted.idempotencyKey;
  const keyIsValid = typeof key === 'string' && z.uuid().safeParse(key).success;
  if (keyIsValid) values.idempotencyKey = key;

  const ice = values.ice.replace(/[\s.-]/g, '');
  if (!messages.ice && !/^\d{15}$/.test(ice)) messages.ice = p('apply_iceFormat');
  else if (!messages.ice && !isValidIce(ice)) messages.ice = p('apply_iceCheckDigits');

  const rcNumber = values.rcNumber.replace(/\s/g, '');
  if (!messages.rcNumber && !/^\d{1,10}$/.test(rcNumber)) messages.rcNumber = p('apply_rcNumberFormat');

  if (!messages.rcCourt && values.rcCourt === 'other') {
    if (!messages.rcCourtOther && values.rcCourtOther.length < 2) {
      messages.rcCourtOther = p('apply_rcCourtOtherMissing');
    }
  } else if (!messages.rcCourt && !(COMMERCIAL_COURTS as readonly string[]).includes(values.rcCourt)) {
    messages.rcCourt = p('apply_rcCourtMissing');
  }

  const phone = normalizePhone(values.phone);
  if (!messages.phone && !/^\+212[5-8]\d{8}$/.test(phone)) messages.phone = p('apply_phoneInvalid');

  if (!messages.email && !mailAddressSchema.safeParse(values.email).success) messages.email = p('apply_emailInvalid');

  const domainLines = lines(values.domains);
  let domains: string[] = [];
  if (!messages.domains) {
    const problems = domainLines.map((line) => domainProblem(line, words)).filter((problem) => problem !== null);
    domains = shopDomains(domainLines, () => {});
    if (problems.length > 0) messages.domains = problems.join(' ');
    else if (domains.length > MAX_DOMAINS) messages.domains = p('apply_domainsTooMany', [MAX_DOMAINS]);
  }
  const social = lines(values.social);
  if (!messages.social && social.length > MAX_SOCIAL_ACCOUNTS) {
    messages.social = p('apply_socialTooMany', [MAX_SOCIAL_ACCOUNTS]);
  } else if (!messages.social && social.some((line) => line.length > APPLICATION_LIMITS.social)) {
    messages.social = p('apply_textTooLong', [APPLICATION_LIMITS.social]);
  }

  const errors: ApplyFieldError[] = APPLY_FIELDS.flatMap((field) => {
    const message = messages[field];
    return message ? [{ field, message }] : [];
  });
  if (!keyIsValid) errors.push({ field: 'form', message: p('apply_formExpired') });
  if (errors.length > 0) return { values, errors, input: null };
  const parsed = applicationInputSchema.safeParse({
    legalName: values.legalName,
    tradeName: values.tradeName,
    ice,
    rcNumber,
    rcCourt: courtName(values.rcCourt, values.rcCourtOther),
    address: values.address,
    city: values.city,
    phone,
    email: values.email,
    domains,
    social: social.map(socialAccount),
    lang: words.lang,
    idempotencyKey: values.idempotencyKey,
  });
  // The book's schema has the last word: what it refuses is said at its field.
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? '');
    const at = (APPLY_FIELDS as readonly string[]).includes(field) ? (field as ApplyField) : 'form';
    return { values, errors: [{ field: at, message: p('apply_fieldInvalid') }], input: null };
  }
  return { values, errors: [], input: parsed.data };
}
