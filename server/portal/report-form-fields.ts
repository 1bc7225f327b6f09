import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  MAX_CONTACT_LENGTH,
  MAX_DETAILS_LENGTH,
  MAX_REPORT_URL_LENGTH,
  type ReportRequest,
  reportedShop,
  reportRequestSchema,
} from '../../src/directory/report-contract.ts';
import { reportReasonSchema } from '../../src/directory/schemas.ts';
import { findRefusedCharacter, normalizeLineBreaks, type TextLayout } from '../../src/directory/text-policy.ts';
import { reasonWords } from '../../src/ui/verdict-words.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import type { PortalWords } from './portal-words.ts';

// The report form's fields: what the shopper typed, read from the posted fields into the
// report contract's request (src/directory/report-contract.ts), or a message for each
// field the contract refuses. The contract's schema decides what is valid; the words say
// what is wrong in terms a shopper can act on.

/** The questions of the form, in the order they are asked (and their errors listed). */
export type ReportField = 'url' | 'reason' | 'details' | 'contact' | 'consent' | 'shareWithMerchant';
/** An error about the form as a whole (its hidden fields), shown by the send button. */
export type FormProblem = 'form';

export interface ReportFormValues {
  url: string;
  reason: string;
  details: string;
  contact: string;
  consent: boolean;
  /** The merchant may read the details and the contact; off unless the shopper ticks it. */
  shareWithMerchant: boolean;
  /** One per rendered form: a second send of the same form finds the first report. */
  idempotencyKey: string;
}

export interface FieldError {
  field: ReportField | FormProblem;
  message: string;
}

export const emptyReportForm = (url = ''): ReportFormValues => ({
  url,
  reason: '',
  details: '',
  contact: '',
  consent: false,
  shareWithMerchant: false,
  idempotencyKey: randomUUID(),
});

/** Where each error's link in the summary leads: the field, or its first choice. */
export const FIELD_IDS: Record<ReportField | FormProblem, string> = {
  url: 'report-url',
  reason: `report-reason-${reportReasonSchema.options[0]}`,
  details: 'report-details',
  contact: 'report-contact',
  consent: 'report-consent',
  shareWithMerchant: 'report-share',
  form: 'report-submit',
};

type Posted = string | File | (string | File)[] | undefined;

/** A field's text; `repeated` when it came more than once or as a file, which no form of ours sends. */
function readField(value: Posted): { text: string; repeated: boolean } {
  if (value === undefined) return { text: '', repeated: false };
  if (typeof value === 'string') return { text: value, repeated: false };
  if (Array.isArray(value)) return { text: value.find((item) => typeof item === 'string') ?? '', repeated: true };
  return { text: '', repeated: true };
}

/** Position of the first character the text policy refuses, counted as the contract counts. */
function hiddenCharacterAt(text: string, layout: TextLayout): number | null {
  return findRefusedCharacter(text, layout)?.position ?? null;
}

export interface ReadReportForm {
  values: ReportFormValues;
  errors: FieldError[];
  /** The contract's request, when the form is valid. */
  request: ReportRequest | null;
}

/** Reads the posted fields into the contract's request, or says what to fix at each field. */
export function readReportForm(posted: Record<string, Posted>, words: PortalWords): ReadReportForm {
  const url = readField(posted.url);
  const reason = readField(posted.reason);
  const details = readField(posted.details);
  const contact = readField(posted.contact);
  const consent = readField(posted.consent);
  const share = readField(posted.shareWithMerchant);
  const key = readField(posted.idempotencyKey);
  const keyIsValid = !key.repeated && z.uuid().safeParse(key.text).success;
  // What was typed, as the contract reads it: trimmed (a pasted address often carries
  // spaces), lines ended by LF (browsers send CRLF). Errors count characters in these.
  const typedUrl = url.text.trim();
  const typedDetails = normalizeLineBreaks(details.text).trim();
  const typedContact = contact.text.trim();
  const values: ReportFormValues = {
    url: typedUrl,
    reason: reason.text,
    details: typedDetails,
    contact: typedContact,
    consent: consent.text === 'yes',
    shareWithMerchant: share.text === 'yes',
    // A missing or altered key cannot find an earlier send: the form gets a new one.
    idempotencyKey: keyIsValid ? key.text : randomUUID(),
  };
  const candidate = {
    url: typedUrl,
    reason: reason.text,
    ...(typedDetails ? { details: details.text } : {}),
    ...(typedContact ? { contact: contact.text } : {}),
    consent: values.consent,
    shareWithMerchant: values.shareWithMerchant,
    idempotencyKey: key.text,
    lang: words.lang,
  };
  const parsed = reportRequestSchema.safeParse(candidate);
  const refused = new Set(parsed.success ? [] : parsed.error.issues.map((issue) => String(issue.path[0] ?? '')));
  const { p } = words;

  const messages: Partial<Record<ReportField, string>> = {};
  const shop = reportedShop(typedUrl, SERVICE_PLATFORMS);
  const urlHidden = hiddenCharacterAt(typedUrl, 'line');
  if (url.repeated) messages.url = p('report_fieldRepeated');
  else if (typedUrl === '') messages.url = p('report_urlEmpty');
  else if (typedUrl.length > MAX_REPORT_URL_LENGTH) messages.url = p('report_urlTooLong', [MAX_REPORT_URL_LENGTH]);
  else if (urlHidden !== null) messages.url = p('report_urlHidden', [urlHidden]);
  else if (!shop.ok) messages.url = reasonWords({ code: 'no-shop-identity', cause: shop.cause }, words);
  else if (refused.has('url')) messages.url = p('report_fieldInvalid');

  if (reason.repeated) messages.reason = p('report_fieldRepeated');
  else if (reason.text === '') messages.reason = p('report_reasonMissing');
  else if (refused.has('reason')) messages.reason = p('report_reasonUnknown');

  const detailsHidden = hiddenCharacterAt(typedDetails, 'multiline');
  if (details.repeated) messages.details = p('report_fieldRepeated');
  else if (typedDetails.length > MAX_DETAILS_LENGTH) {
    messages.details = p('report_detailsTooLong', [MAX_DETAILS_LENGTH, typedDetails.length]);
  } else if (detailsHidden !== null) messages.details = p('report_detailsHidden', [detailsHidden]);
  else if (refused.has('details')) messages.details = p('report_fieldInvalid');

  const contactHidden = hiddenCharacterAt(typedContact, 'line');
  if (contact.repeated) messages.contact = p('report_fieldRepeated');
  else if (typedContact.length > MAX_CONTACT_LENGTH)
    messages.contact = p('report_contactTooLong', [MAX_CONTACT_LENGTH]);
  else if (contactHidden !== null) messages.contact = p('report_contactHidden', [contactHidden]);
  else if (typedContact !== '' && typedContact.length < 3) messages.contact = p('report_contactTooShort');

  // Contact details are kept only with consent. A contact typed without it is refused,
  // not dropped: the shopper who typed it expects to be reached, and must choose.
  if (consent.repeated) messages.consent = p('report_fieldRepeated');
  else if (typedContact !== '' && !values.consent) messages.consent = p('report_consentMissing');
  if (share.repeated) messages.shareWithMerchant = p('report_fieldRepeated');
  if (refused.has('contact') && !messages.contact && !messages.consent) messages.contact = p('report_fieldInvalid');

  const errors: FieldError[] = (
    ['url', 'reason', 'details', 'contact', 'consent', 'shareWithMerchant'] as const
  ).flatMap((field) => {
    const message = messages[field];
    return message ? [{ field, message }] : [];
  });
  if (!keyIsValid) errors.push({ field: 'form', message: p('report_formExpired') });
  // The contract's schema has the last word: nothing it refuses is ever sent on.
  if (errors.length === 0 && !parsed.success) errors.push({ field: 'form', message: p('report_fieldInvalid') });
  return { values, errors, request: errors.length === 0 && parsed.success ? parsed.data : null };
}
