/** @jsxImportSource hono/jsx */
import { replaceRefusedCharacters, type TextLayout } from '../../src/directory/text-policy.ts';
import type { PortalWords } from './portal-words.ts';

// The pieces every portal form is made of, after GOV.UK's pattern: a summary of the
// errors at the top linking to each field, and at the field a message read after a
// visually hidden "Error:".

export interface SummaryError {
  /** Where the summary's link leads: the field's id (`#report-url`) or another page. */
  href: string;
  message: string;
  /** The field's name, for tests and styles. */
  field?: string;
}

export function ErrorSummary(props: { words: PortalWords; errors: readonly SummaryError[] }) {
  const { words, errors } = props;
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">{words.p('form_errorSummary')}</h2>
      <ul>
        {errors.map((error) => (
          <li>
            <a href={error.href} data-error-for={error.field}>
              {error.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The message shown at a field, after a visually hidden "Error:" for screen readers. */
export function FieldMessage(props: { words: PortalWords; id: string; message: string | null | undefined }) {
  if (!props.message) return null;
  return (
    <span class="field-error" id={props.id}>
      <span class="visually-hidden">{props.words.p('form_errorPrefix')} </span>
      {props.message}
    </span>
  );
}

/**
 * A typed value shown again: a character the text policy refuses (a bidi override, a
 * control) shows as U+FFFD and does nothing.
 */
export const shownText = (text: string, layout: TextLayout = 'line') =>
  replaceRefusedCharacters(text, layout, () => '\uFFFD');

/** An `aria-describedby` of the ids that apply, or none. */
export const describedBy = (...ids: Array<string | false | null | undefined>) =>
  ids.filter(Boolean).join(' ') || undefined;

/**
 * A one-question GET form (check a shop, search the merchants): label, hint, the error
 * at the field, the text box and its button on one row.
 */
export function QuestionForm(props: {
  words: PortalWords;
  action: string;
  id: string;
  label: string;
  hint: string;
  button: string;
  value: string;
  message: string | null;
  input: { type: 'text' | 'search'; maxlength: number; dir: 'ltr' | 'auto'; inputmode?: 'url' };
}) {
  const { words, id, message, input } = props;
  return (
    <form method="get" action={props.action}>
      <input type="hidden" name="lang" value={words.lang} />
      <div class={message ? 'field field--error' : 'field'}>
        <label for={id}>{props.label}</label>
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
        <FieldMessage words={words} id={`${id}-error`} message={message} />
        <div class="search-row">
          <input
            type={input.type}
            id={id}
            name="q"
            value={shownText(props.value)}
            inputmode={input.inputmode}
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            dir={input.dir}
            maxlength={input.maxlength}
            aria-describedby={describedBy(`${id}-hint`, message && `${id}-error`)}
            aria-invalid={message ? 'true' : undefined}
          />
          <button type="submit" class="button">
            {props.button}
          </button>
        </div>
      </div>
    </form>
  );
}
