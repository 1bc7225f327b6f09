import { z } from 'zod';
import {
  findRefusedCharacter,
  multilineText,
  normalizeLineBreaks,
  personText,
} from '../../src/directory/text-policy.ts';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { normalizePhone } from '../merchants/import-columns.ts';

// The two checks a verifier makes by hand, for an application and for a re-verification:
// the commercial register (court, number, outcome) and a phone call to the legal
// representative (number, outcome). Who and when are never typed: they are the signed-in
// verifier and the service's clock. What is stored is read back with the same schemas.

export const REGISTER_OUTCOMES = ['matches', 'does-not-match', 'not-found'] as const;
export const PHONE_OUTCOMES = ['confirmed', 'no-answer', 'denied', 'wrong-number'] as const;
export type RegisterOutcome = (typeof REGISTER_OUTCOMES)[number];
export type PhoneOutcome = (typeof PHONE_OUTCOMES)[number];

export const MAX_COURT_LENGTH = 100;
export const MAX_RC_NUMBER_LENGTH = 64;
export const MAX_NOTE_LENGTH = 1000;
const E164 = /^\+[1-9]\d{6,14}$/;

const note = multilineText(MAX_NOTE_LENGTH).nullable();
/** Who made a check and when: the verifier's name and e-mail, an ISO instant. */
const madeBy = { by: z.string().min(1), byEmail: z.string().min(1), at: z.iso.datetime() };

export const registerCheckSchema = z.strictObject({
  court: personText(MAX_COURT_LENGTH).min(1),
  number: personText(MAX_RC_NUMBER_LENGTH).min(1),
  outcome: z.enum(REGISTER_OUTCOMES),
  note,
  ...madeBy,
});
export const phoneCheckSchema = z.strictObject({
  number: z.string().regex(E164),
  outcome: z.enum(PHONE_OUTCOMES),
  note,
  ...madeBy,
});
export type RegisterCheck = z.infer<typeof registerCheckSchema>;
export type PhoneCheck = z.infer<typeof phoneCheckSchema>;

/** A stored check, or null when none was made (or what is stored is not one). */
export const storedRegisterCheck = (value: unknown): RegisterCheck | null =>
  registerCheckSchema.safeParse(value).data ?? null;
export const storedPhoneCheck = (value: unknown): PhoneCheck | null => phoneCheckSchema.safeParse(value).data ?? null;

/** The court and number of a registry `rc` such as "RC Casablanca 481516" (to prefill the form). */
export function registerOfRc(rc: string | null): { court?: string; number: string } {
  const parts = /^RC\s+(.+?)\s+(\S+)$/.exec(rc ?? '');
  return parts?.[1] && parts[2] ? { court: parts[1], number: parts[2] } : { number: rc ?? '' };
}

/** Only letters and digits count, whatever the case and accents: "Fès" is "FES", "481 516" is "481516". */
export const looseKey = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Whether a register check names a registry `rc`: the same number, and (when the rc names
 * one) the same court, compared loosely ("Tribunal de commerce de Fès" names "RC Fès 30219").
 */
export function registerCheckNames(check: { court: string; number: string }, rc: string): boolean {
  const stored = registerOfRc(rc);
  const number = looseKey(check.number);
  if (number === '' || number !== looseKey(stored.number)) return false;
  if (stored.court === undefined) return true;
  const court = looseKey(check.court);
  const storedCourt = looseKey(stored.court);
  return court !== '' && storedCourt !== '' && (court.includes(storedCourt) || storedCourt.includes(court));
}

export const REGISTER_OUTCOME_WORDS: Record<RegisterOutcome, ConsoleKey> = {
  matches: 'review_registerMatches',
  'does-not-match': 'review_registerDoesNotMatch',
  'not-found': 'review_registerNotFound',
};
export const PHONE_OUTCOME_WORDS: Record<PhoneOutcome, ConsoleKey> = {
  confirmed: 'review_phoneConfirmed',
  'no-answer': 'review_phoneNoAnswer',
  denied: 'review_phoneDenied',
  'wrong-number': 'review_phoneWrongNumber',
};

/** A form's field names; each has an error slot and an id `check-<name>`. */
export type CheckField = 'court' | 'number' | 'outcome' | 'note' | 'phone' | 'phoneOutcome' | 'phoneNote' | 'reason';
export interface CheckError {
  field: CheckField;
  message: string;
}
export type Posted = Record<string, string | File | (string | File)[]>;

/** What was typed, to show again (as typed, trimmed) after a refusal. */
export type CheckValues = Partial<Record<CheckField, string>>;

export interface ReadForm<T> {
  values: CheckValues;
  errors: CheckError[];
  /** The check, when the form is good. */
  check: T | null;
}

interface TextRule {
  label: ConsoleKey;
  max: number;
  required: boolean;
  layout: 'line' | 'multiline';
  min?: number;
}

/** One posted text field held to its rule: the typed text, and what is wrong with it. */
export function readText(
  posted: Posted,
  name: string,
  rule: TextRule,
  words: ConsoleWords,
): { text: string; error: string | null } {
  const value = posted[name];
  const label = words.c(rule.label);
  if (value !== undefined && typeof value !== 'string') {
    return { text: '', error: words.c('review_fieldRepeated', [label]) };
  }
  const raw = value ?? '';
  const text = (rule.layout === 'multiline' ? normalizeLineBreaks(raw) : raw).trim();
  if (text === '') return { text, error: rule.required ? words.c('review_fieldRequired', [label]) : null };
  if (text.length > rule.max) return { text, error: words.c('review_fieldTooLong', [label, rule.max, text.length]) };
  if (rule.min !== undefined && text.length < rule.min) {
    return { text, error: words.c('review_fieldTooShort', [label, rule.min]) };
  }
  const refused = findRefusedCharacter(text, rule.layout);
  if (refused) return { text, error: words.c('review_fieldHidden', [label, refused.position]) };
  return { text, error: null };
}

function readChoice<T extends string>(posted: Posted, name: string, options: readonly T[]): T | null {
  const value = posted[name];
  return typeof value === 'string' && (options as readonly string[]).includes(value) ? (value as T) : null;
}

export interface Checker {
  name: string;
  email: string;
}

/** The register-check form: court, number, outcome, note. */
export function readRegisterCheck(
  posted: Posted,
  words: ConsoleWords,
  who: Checker,
  now: Date,
): ReadForm<RegisterCheck> {
  const court = readText(
    posted,
    'court',
    { label: 'review_courtLabel', max: MAX_COURT_LENGTH, required: true, layout: 'line' },
    words,
  );
  const number = readText(
    posted,
    'number',
    { label: 'review_rcNumberLabel', max: MAX_RC_NUMBER_LENGTH, required: true, layout: 'line' },
    words,
  );
  const outcome = readChoice(posted, 'outcome', REGISTER_OUTCOMES);
  const noteText = readText(
    posted,
    'note',
    { label: 'review_noteLabel', max: MAX_NOTE_LENGTH, required: false, layout: 'multiline' },
    words,
  );
  const errors: CheckError[] = [];
  if (court.error) errors.push({ field: 'court', message: court.error });
  if (number.error) errors.push({ field: 'number', message: number.error });
  if (!outcome) errors.push({ field: 'outcome', message: words.c('review_outcomeMissing') });
  if (noteText.error) errors.push({ field: 'note', message: noteText.error });
  const values: CheckValues = { court: court.text, number: number.text, outcome: outcome ?? '', note: noteText.text };
  if (errors.length > 0) return { values, errors, check: null };
  const parsed = registerCheckSchema.safeParse({
    court: court.text,
    number: number.text,
    outcome,
    note: noteText.text === '' ? null : noteText.text,
    by: who.name,
    byEmail: who.email,
    at: now.toISOString(),
  });
  // The schema has the last word: nothing it refuses is stored.
  if (!parsed.success)
    return { values, errors: [{ field: 'court', message: words.c('review_formInvalid') }], check: null };
  return { values, errors, check: parsed.data };
}

/** The phone-call form: the number called, the outcome, a note. */
export function readPhoneCheck(posted: Posted, words: ConsoleWords, who: Checker, now: Date): ReadForm<PhoneCheck> {
  const phone = readText(
    posted,
    'phone',
    { label: 'review_phoneNumberLabel', max: 40, required: true, layout: 'line' },
    words,
  );
  const outcome = readChoice(posted, 'phoneOutcome', PHONE_OUTCOMES);
  const noteText = readText(
    posted,
    'phoneNote',
    { label: 'review_noteLabel', max: MAX_NOTE_LENGTH, required: false, layout: 'multiline' },
    words,
  );
  const errors: CheckError[] = [];
  const number = normalizePhone(phone.text);
  if (phone.error) errors.push({ field: 'phone', message: phone.error });
  else if (!E164.test(number)) errors.push({ field: 'phone', message: words.c('review_phoneInvalid') });
  if (!outcome) errors.push({ field: 'phoneOutcome', message: words.c('review_outcomeMissing') });
  if (noteText.error) errors.push({ field: 'phoneNote', message: noteText.error });
  const values: CheckValues = { phone: phone.text, phoneOutcome: outcome ?? '', phoneNote: noteText.text };
  if (errors.length > 0) return { values, errors, check: null };
  const parsed = phoneCheckSchema.safeParse({
    number,
    outcome,
    note: noteText.text === '' ? null : noteText.text,
    by: who.name,
    byEmail: who.email,
    at: now.toISOString(),
  });
  if (!parsed.success)
    return { values, errors: [{ field: 'phone', message: words.c('review_formInvalid') }], check: null };
  return { values, errors, check: parsed.data };
}
