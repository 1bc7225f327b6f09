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
  props: FieldProps & { value: string; maxlength: number; type?: 'text' | 'date'; dir?: 'ltr' | 'auto' },
) {
  return (
    <FieldFrame {...props}>
      <input
        type={props.type ?? 'text'}
        id={props.id}
        name={props.name}
        value={shownText(props.value)}
        maxlength={props.maxlength}
        dir={props.dir ?? 'auto'}
        autocomplete="off"
        form={props.form}
        {...aria(props)}
      />
    </FieldFrame>
  );
}

export function TextAreaField(props: FieldProps & { value: string; maxlength: number; rows?: number }) {
  return (
    <FieldFrame {...props}>
      <textarea
        id={props.id}
        name={props.name}
        rows={props.rows ?? 3}
        maxlength={props.maxlength}
        dir="auto"
        form={props.form}
        {...aria(props)}
      >
        {shownText(props.value, 'multiline')}
      </textarea>
    </FieldFrame>
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
