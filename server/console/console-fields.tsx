/** @jsxImportSource hono/jsx */
import { describedBy, FieldMessage, type SummaryError, shownText } from '../portal/form-parts.tsx';
import type { PortalWords } from '../portal/portal-words.ts';

// The console's form fields, after the portal's pattern (server/portal/form-parts.tsx):
// label, hint, the error at the field, then the control, wired for screen readers. What a
// person typed is shown again with any refused character as U+FFFD.

/** Messages of a refused form, by the id of the field each is about (in the order to fix them). */
export type FieldErrors = ReadonlyMap<string, string>;
export const noErrors: FieldErrors = new Map();

/** The error summary's entries: one link per field in error. */
export const summaryOf = (errors: FieldErrors): SummaryError[] =>
  [...errors].map(([id, message]) => ({ href: `#${id}`, message, field: id }));

interface FieldProps {
  words: PortalWords;
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** The field's name in another form (`form` attribute), when it stands outside it. */
  form?: string | undefined;
}

function FieldFrame(props: FieldProps & { children?: unknown }) {
  const { words, id, error } = props;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      <FieldMessage words={words} id={`${id}-error`} message={error} />
      {props.children}
    </div>
  );
}

const aria = (props: FieldProps) => ({
  'aria-describedby': describedBy(props.hint && `${props.id}-hint`, props.error && `${props.id}-error`),
  'aria-invalid': props.error ? ('true' as const) : undefined,
});

export function TextField(
  props: FieldProps & {
    /** What the field holds now; none for a password, which is never shown again. */
    value?: string;
    maxlength?: number;
    type?: 'text' | 'date' | 'email' | 'password';
    dir?: 'ltr' | 'auto';
    /** `off` unless the browser may fill it (`username`, `current-password`, `new-password`). */
    autocomplete?: 'off' | 'username' | 'current-password' | 'new-password';
    inputmode?: 'tel';
  },
) {
  // An address is typed as it is: no capital letter put first, no spelling marks.
  const email = props.type === 'email';
  return (
    <FieldFrame {...props}>
      <input
        type={props.type ?? 'text'}
        id={props.id}
        name={props.name}
        value={props.value === undefined ? undefined : shownText(props.value)}
        maxlength={props.maxlength}
        dir={props.dir ?? 'auto'}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete ?? 'off'}
        autocapitalize={email ? 'none' : undefined}
        spellcheck={email ? false : undefined}
        form={props.form}
        {...aria(props)}
      />
    </FieldFrame>
  );
}

export function TextAreaField(
  props: FieldProps & { value: string; maxlength: number; rows?: number; dir?: 'ltr' | 'auto' },
) {
  return (
    <FieldFrame {...props}>
      <textarea
        id={props.id}
        name={props.name}
        rows={props.rows ?? 3}
        maxlength={props.maxlength}
        dir={props.dir ?? 'auto'}
        form={props.form}
        {...aria(props)}
      >
        {shownText(props.value, 'multiline')}
      </textarea>
    </FieldFrame>
  );
}

/**
 * Radio buttons under a legend. The option ids are `{id}-{value}` (the first is `{id}`
 * itself when `firstIsField`, for the error summary's link) and an option's hint is
 * `{id}-{value}-hint`.
 */
export function RadioField(props: {
  words: PortalWords;
  id: string;
  name: string;
  legend: string;
  options: ReadonlyArray<{ value: string; text: string; hint?: string }>;
  selected: string;
  error?: string | undefined;
  firstIsField?: boolean;
}) {
  const { words, id, error } = props;
  const optionId = (value: string, index: number) => (index === 0 && props.firstIsField ? id : `${id}-${value}`);
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <fieldset aria-describedby={describedBy(error && `${id}-error`)}>
        <legend>{props.legend}</legend>
        <FieldMessage words={words} id={`${id}-error`} message={error} />
        {props.options.map((option, index) => (
          <div class="choice">
            <input
              type="radio"
              id={optionId(option.value, index)}
              name={props.name}
              value={option.value}
              checked={props.selected === option.value}
              aria-describedby={option.hint ? `${id}-${option.value}-hint` : undefined}
            />
            <label for={optionId(option.value, index)}>{option.text}</label>
            {option.hint ? (
              <span class="hint" id={`${id}-${option.value}-hint`}>
                {option.hint}
              </span>
            ) : null}
          </div>
        ))}
      </fieldset>
    </div>
  );
}

export function SelectField(
  props: FieldProps & {
    options: ReadonlyArray<{ value: string; text: string }>;
    selected: string;
    /** The first, empty choice ("Choose…"), when nothing is chosen for the person. */
    placeholder?: string;
  },
) {
  return (
    <FieldFrame {...props}>
      <select id={props.id} name={props.name} form={props.form} {...aria(props)}>
        {props.placeholder !== undefined ? (
          <option value="" selected={props.selected === ''}>
            {props.placeholder}
          </option>
        ) : null}
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.selected}>
            {option.text}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** The form guard's hidden field; every console form carries it. */
export function GuardField(props: { field: { name: string; value: string } }) {
  return <input type="hidden" name={props.field.name} value={props.field.value} />;
}
