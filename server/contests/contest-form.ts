import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { findRefusedCharacter, normalizeLineBreaks } from '../../src/directory/text-policy.ts';
import { complaintIdSchema } from '../complaints/complaint-book.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { mailAddressSchema } from '../mail/mail-message.ts';
import { shopDomains } from '../merchants/import-columns.ts';
import type { PortalKey, PortalWords } from '../portal/portal-words.ts';
import {
  COMPLAINT_CONTEST_MONTHS,
  CONTEST_LIMITS,
  type ContestInput,
  contestInputSchema,
  type SubjectProblem,
} from './contest-book.ts';

// The /contest form's fields: what the contester typed, read into a contest the book
// takes, or a message at each field in the contester's language.

export const CONTEST_FIELDS = ['domain', 'subject', 'complaint', 'reason', 'name', 'email'] as const;
export type ContestField = (typeof CONTEST_FIELDS)[number];
export type ContestFormValues = Record<ContestField, string> & { idempotencyKey: string };
export interface ContestFieldError {
  field: ContestField | 'form';
  message: string;
}

export const contestFieldId = (field: ContestField | 'form') =>
  field === 'form' ? 'contest-submit' : field === 'subject' ? 'contest-subject-flag' : `contest-${field}`;

export const emptyContestForm = (prefill: { domain?: string; complaint?: string } = {}): ContestFormValues => {
  const complaint = complaintIdSchema.safeParse(prefill.complaint ?? '');
  const domain = (prefill.domain ?? '').slice(0, 260);
  return {
    domain: findRefusedCharacter(domain, 'line') ? '' : domain,
    subject: complaint.success ? 'complaint' : prefill.domain ? 'flag' : '',
    complaint: complaint.success ? String(complaint.data) : '',
    reason: '',
    name: '',
    email: '',
    idempotencyKey: randomUUID(),
  };
};

const MAX_LENGTH: Record<ContestField, number> = {
  domain: 260,
  subject: 20,
  complaint: 20,
  reason: CONTEST_LIMITS.reason,
  name: CONTEST_LIMITS.name,
  email: 254,
};

const MISSING: Record<ContestField, PortalKey> = {
  domain: 'contest_domainMissing',
  subject: 'contest_subjectMissing',
  complaint: 'contest_complaintMissing',
  reason: 'contest_reasonMissing',
  name: 'contest_nameMissing',
  email: 'contest_emailMissing',
};

type Posted = string | File | (string | File)[] | undefined;

/** The shop `text` names, or why it names none, in the contester's words. */
function readDomain(text: string, words: PortalWords): { domain: string } | { message: string } {
  let refused = false;
  const [domain] = shopDomains([text], () => {
    refused = true;
  });
  if (!refused && domain) return { domain };
  const identity = resolveShopIdentity(text, SERVICE_PLATFORMS);
  if (identity.ok) return { message: words.p('contest_domainSubdomain', [text, identity.identity.domain]) };
  if (identity.cause === 'public-suffix') return { message: words.p('contest_domainPlatform', [text]) };
  return { message: words.p('contest_domainInvalid', [text]) };
}

export interface ReadContestForm {
  values: ContestFormValues;
  errors: ContestFieldError[];
  input: ContestInput | null;
}

export function readContestForm(posted: Record<string, Posted>, words: PortalWords): ReadContestForm {
  const { p } = words;
  const messages: Partial<Record<ContestField, string>> = {};
  const values = emptyContestForm();
  for (const field of CONTEST_FIELDS) {
    const value = posted[field];
    if (value !== undefined && typeof value !== 'string') {
      messages[field] = p('contest_fieldRepeated');
      continue;
    }
    const layout = field === 'reason' ? 'multiline' : 'line';
    const text = layout === 'multiline' ? normalizeLineBreaks(value ?? '').trim() : (value ?? '').trim();
    values[field] = text;
    const refused = findRefusedCharacter(text, layout);
    if (text.length > MAX_LENGTH[field]) messages[field] = p('contest_textTooLong', [MAX_LENGTH[field]]);
    else if (refused) messages[field] = p('contest_textHidden', [refused.position]);
    // The complaint's number is asked only of a complaint contest.
    else if (text === '' && (field !== 'complaint' || values.subject === 'complaint'))
      messages[field] = p(MISSING[field]);
  }
  const key = posted.idempotencyKey;
  const keyIsValid = typeof key === 'string' && z.uuid().safeParse(key).success;
  if (keyIsValid) values.idempotencyKey = key;

  let domain = '';
  if (!messages.domain) {
    const read = readDomain(values.domain, words);
    if ('message' in read) messages.domain = read.message;
    else domain = read.domain;
  }
  if (!messages.subject && values.subject !== 'flag' && values.subject !== 'complaint') {
    messages.subject = p('contest_subjectMissing');
  }
  const complaint = complaintIdSchema.safeParse(values.complaint.replace(/^#/, ''));
  if (values.subject === 'complaint' && !messages.complaint && !complaint.success) {
    messages.complaint = p('contest_complaintInvalid');
  }
  if (!messages.reason && values.reason.length < 10) messages.reason = p('contest_reasonTooShort', [10]);
  if (!messages.name && values.name.length < 2) messages.name = p('contest_nameMissing');
  if (!messages.email && !mailAddressSchema.safeParse(values.email).success) messages.email = p('contest_emailInvalid');

  const errors: ContestFieldError[] = CONTEST_FIELDS.flatMap((field) => {
    const message = messages[field];
    return message ? [{ field, message }] : [];
  });
  if (!keyIsValid) errors.push({ field: 'form', message: p('contest_formExpired') });
  if (errors.length > 0) return { values, errors, input: null };
  const parsed = contestInputSchema.safeParse({
    kind: values.subject,
    domain,
    complaintId: values.subject === 'complaint' && complaint.success ? complaint.data : null,
    name: values.name,
    email: values.email,
    reason: values.reason,
    lang: words.lang,
    idempotencyKey: values.idempotencyKey,
  });
  // The book's schema has the last word: what it refuses is said on the form.
  if (!parsed.success) return { values, errors: [{ field: 'form', message: p('contest_fieldInvalid') }], input: null };
  return { values, errors: [], input: parsed.data };
}

const SUBJECT_WORDS: Record<SubjectProblem, PortalKey> = {
  'not-flagged': 'contest_notFlagged',
  'no-complaint': 'contest_noComplaint',
  // The same words as an unknown number: a number must not tell whose complaint it is.
  'complaint-elsewhere': 'contest_noComplaint',
  'complaint-too-old': 'contest_complaintTooOld',
};

/** The book's refusal of a subject, as the field's message. */
export const subjectMessage = (problem: SubjectProblem, words: PortalWords) =>
  words.p(SUBJECT_WORDS[problem], [COMPLAINT_CONTEST_MONTHS]);
