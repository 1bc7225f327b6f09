/** @jsxImportSource hono/jsx */
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { describedBy, FieldMessage, type SummaryError, shownText } from '../portal/form-parts.tsx';
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

export function TextField(props: {
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
  const { words, field } = props;
  const id = checkFieldId(field);
  const error = props.errors.find((entry) => entry.field === field)?.message;
  const described = describedBy(props.hint && `${id}-hint`, error && `${id}-error`);
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      <FieldMessage words={words} id={`${id}-error`} message={error} />
      {props.multiline ? (
        <textarea
          id={id}
          name={field}
          rows={3}
          maxlength={props.maxlength}
          dir={props.dir ?? 'auto'}
          aria-describedby={described}
          aria-invalid={error ? 'true' : undefined}
        >
          {shownText(props.value, 'multiline')}
        </textarea>
      ) : (
        <input
          type="text"
          id={id}
          name={field}
          value={shownText(props.value)}
          maxlength={props.maxlength}
          dir={props.dir ?? 'auto'}
          inputmode={props.inputmode}
          autocomplete="off"
          aria-describedby={described}
          aria-invalid={error ? 'true' : undefined}
        />
      )}
    </div>
  );
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
  const error = props.errors.find((entry) => entry.field === field)?.message;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <fieldset aria-describedby={error ? `check-${field}-error` : undefined}>
        <legend>{props.legend}</legend>
        <FieldMessage words={words} id={`check-${field}-error`} message={error} />
        {props.options.map((option) => (
          <div class="choice">
            <input
              type="radio"
              id={`check-${field}-${option}`}
              name={field}
              value={option}
              checked={props.value === option}
            />
            <label for={`check-${field}-${option}`}>{words.c(props.optionWords[option])}</label>
          </div>
        ))}
      </fieldset>
    </div>
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
      <TextField
        words={words}
        field="court"
        label={words.c('review_courtLabel')}
        hint={words.c('review_courtHint')}
        value={values.court ?? ''}
        errors={errors}
        maxlength={MAX_COURT_LENGTH}
      />
      <TextField
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
      <TextField
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
      <TextField
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
      <TextField
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
