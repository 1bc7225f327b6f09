/** @jsxImportSource hono/jsx */

import { RadioField, TextAreaField, TextField } from '../console/console-fields.tsx';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import type { SummaryError } from '../portal/form-parts.tsx';
import {
  type CheckError,
  type CheckField,
  type CheckValues,
  MAX_COURT_LENGTH,
  MAX_NOTE_LENGTH,
  MAX_RC_NUMBER_LENGTH,
  PHONE_OUTCOME_WORDS,
  PHONE_OUTCOMES,
  REGISTER_OUTCOME_WORDS,
  REGISTER_OUTCOMES,
} from './verification-checks.ts';

// The fields of the verifier's two checks (register, phone call), shared by the
// application page and the re-verification page: label, hint, the error at the field,
// and what was typed shown again, inert.

/** Where a summary link of each field leads (a choice leads to its first option). */
export function checkFieldId(field: CheckField): string {
  if (field === 'outcome') return `check-outcome-${REGISTER_OUTCOMES[0]}`;
  if (field === 'phoneOutcome') return `check-phoneOutcome-${PHONE_OUTCOMES[0]}`;
  return `check-${field}`;
}

export const checkSummaryErrors = (errors: readonly CheckError[]): SummaryError[] =>
  errors.map((error) => ({ href: `#${checkFieldId(error.field)}`, message: error.message, field: error.field }));

/** A check's text box (or, `multiline`, its text area), its error found among the check's. */
export function CheckTextField(props: {
  words: ConsoleWords;
  field: CheckField;
  label: string;
  hint?: string;
  value: string;
  errors: readonly CheckError[];
  maxlength: number;
  multiline?: boolean;
  dir?: 'ltr' | 'auto';
  inputmode?: 'tel';
}) {
  const { field, multiline, errors, ...rest } = props;
  const error = errors.find((entry) => entry.field === field)?.message;
  const common = { ...rest, id: checkFieldId(field), name: field, error };
  return multiline ? <TextAreaField {...common} /> : <TextField {...common} />;
}

function Choices<T extends string>(props: {
  words: ConsoleWords;
  field: 'outcome' | 'phoneOutcome';
  legend: string;
  options: readonly T[];
  optionWords: Record<T, ConsoleKey>;
  value: string;
  errors: readonly CheckError[];
}) {
  const { words, field } = props;
  return (
    <RadioField
      words={words}
      id={`check-${field}`}
      name={field}
      legend={props.legend}
      options={props.options.map((option) => ({ value: option, text: words.c(props.optionWords[option]) }))}
      selected={props.value}
      error={props.errors.find((entry) => entry.field === field)?.message}
    />
  );
}

/** Court, number, outcome and note of a commercial register check. */
export function RegisterCheckFields(props: {
  words: ConsoleWords;
  values: CheckValues;
  errors: readonly CheckError[];
}) {
  const { words, values, errors } = props;
  return (
    <>
      <CheckTextField
        words={words}
        field="court"
        label={words.c('review_courtLabel')}
        hint={words.c('review_courtHint')}
        value={values.court ?? ''}
        errors={errors}
        maxlength={MAX_COURT_LENGTH}
      />
      <CheckTextField
        words={words}
        field="number"
        label={words.c('review_rcNumberLabel')}
        value={values.number ?? ''}
        errors={errors}
        maxlength={MAX_RC_NUMBER_LENGTH}
        dir="ltr"
      />
      <Choices
        words={words}
        field="outcome"
        legend={words.c('review_registerOutcomeLegend')}
        options={REGISTER_OUTCOMES}
        optionWords={REGISTER_OUTCOME_WORDS}
        value={values.outcome ?? ''}
        errors={errors}
      />
      <CheckTextField
        words={words}
        field="note"
        label={words.c('review_noteLabel')}
        hint={words.c('review_noteHint')}
        value={values.note ?? ''}
        errors={errors}
        maxlength={MAX_NOTE_LENGTH}
        multiline
      />
    </>
  );
}

/** Number called, outcome and note of a phone call. */
export function PhoneCheckFields(props: { words: ConsoleWords; values: CheckValues; errors: readonly CheckError[] }) {
  const { words, values, errors } = props;
  return (
    <>
      <CheckTextField
        words={words}
        field="phone"
        label={words.c('review_phoneNumberLabel')}
        hint={words.c('review_phoneNumberHint')}
        value={values.phone ?? ''}
        errors={errors}
        maxlength={40}
        dir="ltr"
        inputmode="tel"
      />
      <Choices
        words={words}
        field="phoneOutcome"
        legend={words.c('review_phoneOutcomeLegend')}
        options={PHONE_OUTCOMES}
        optionWords={PHONE_OUTCOME_WORDS}
        value={values.phoneOutcome ?? ''}
        errors={errors}
      />
      <CheckTextField
        words={words}
        field="phoneNote"
        label={words.c('review_noteLabel')}
        hint={words.c('review_noteHint')}
        value={values.phoneNote ?? ''}
        errors={errors}
        maxlength={MAX_NOTE_LENGTH}
        multiline
      />
    </>
  );
}
