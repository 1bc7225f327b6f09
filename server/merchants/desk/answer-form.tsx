/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { MAX_ANSWER_LENGTH, merchantAnswerKindSchema } from '../../../src/directory/report-contract.ts';
import { type TextProblem, textProblem } from '../../console/posted-form.ts';
import { postedFields } from '../../http/form-guard.ts';
import { describedBy, FieldMessage, type SummaryError, shownText } from '../../portal/form-parts.tsx';
import type { PortalWords } from '../../portal/portal-words.ts';
import { ANSWER_WORDS } from './desk-words.ts';
import { MAX_STAFF_NOTE_LENGTH, type MerchantAnswer, merchantAnswerSchema } from './merchant-complaints.ts';

// The merchant's answer: what it says (it will act, it disputes, the shop is not its), a
// text the shopper reads, and a note for the staff only. Read with the text policy's
// schemas; the words of each problem found first, at its field and in the summary.

export type AnswerField = 'kind' | 'text' | 'staffNote' | 'form';
export type AnswerErrors = Partial<Record<AnswerField, string>>;

const FIELD_IDS: Record<AnswerField, string> = {
  kind: 'answer-kind-will-act',
  text: 'answer-text',
  staffNote: 'answer-note',
  form: 'desk-answer-heading',
};

export const answerSummary = (errors: AnswerErrors): SummaryError[] =>
  (Object.keys(FIELD_IDS) as AnswerField[]).flatMap((field) => {
    const message = errors[field];
    return message ? [{ href: `#${FIELD_IDS[field]}`, message, field }] : [];
  });

function problemWords(words: PortalWords, problem: TextProblem): string {
  switch (problem.kind) {
    case 'missing':
      return words.p('desk_answerTextMissing');
    case 'too-long':
      return words.p('desk_textTooLong', [problem.max]);
    case 'too-short':
      return words.p('desk_answerTextMissing');
    case 'hidden':
      return words.p('desk_textHidden', [problem.position]);
  }
}

export async function readAnswerForm(
  c: Context,
): Promise<{ values: Record<string, string>; errors: AnswerErrors; answer: MerchantAnswer | null }> {
  const words = c.get('words') as PortalWords;
  const fields = await postedFields(c);
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  const values = { kind: text('kind'), text: text('text'), staffNote: text('staffNote') };
  const errors: AnswerErrors = {};
  if (!merchantAnswerKindSchema.safeParse(values.kind).success) errors.kind = words.p('desk_answerKindMissing');
  const textTrouble = textProblem(values.text, { layout: 'multiline', max: MAX_ANSWER_LENGTH, required: true });
  if (textTrouble) errors.text = problemWords(words, textTrouble);
  const noteTrouble = textProblem(values.staffNote, {
    layout: 'multiline',
    max: MAX_STAFF_NOTE_LENGTH,
    required: false,
  });
  if (noteTrouble) errors.staffNote = problemWords(words, noteTrouble);
  if (Object.keys(errors).length > 0) return { values, errors, answer: null };
  const parsed = merchantAnswerSchema.safeParse({
    kind: values.kind,
    text: values.text,
    ...(values.staffNote.trim() ? { staffNote: values.staffNote } : {}),
  });
  // The schema and textProblem read the same policy; should they ever differ, the form says so.
  if (!parsed.success) return { values, errors: { text: words.p('desk_answerTextMissing') }, answer: null };
  return { values, errors, answer: parsed.data };
}

export function AnswerForm(props: {
  words: PortalWords;
  action: string;
  token: { name: string; value: string };
  values: Record<string, string>;
  errors: AnswerErrors;
}) {
  const { words, values, errors } = props;
  const fieldClass = (field: AnswerField) => (errors[field] ? 'field field--error' : 'field');
  return (
    <form method="post" action={props.action} novalidate>
      <input type="hidden" name={props.token.name} value={props.token.value} />
      <p>{words.p('desk_answerIntro')}</p>
      <div class={fieldClass('kind')}>
        <fieldset aria-describedby={describedBy(errors.kind && 'answer-kind-error')}>
          <legend>{words.p('desk_answerKindLegend')}</legend>
          <FieldMessage words={words} id="answer-kind-error" message={errors.kind} />
          {merchantAnswerKindSchema.options.map((kind) => (
            <div class="choice">
              <input
                type="radio"
                id={`answer-kind-${kind}`}
                name="kind"
                value={kind}
                checked={values.kind === kind}
                aria-describedby={`answer-kind-${kind}-hint`}
              />
              <label for={`answer-kind-${kind}`}>{words.p(ANSWER_WORDS[kind].label)}</label>
              <span class="hint" id={`answer-kind-${kind}-hint`}>
                {words.p(ANSWER_WORDS[kind].hint)}
              </span>
            </div>
          ))}
        </fieldset>
      </div>
      <div class={fieldClass('text')}>
        <label for="answer-text">{words.p('desk_answerTextLabel')}</label>
        <span class="hint" id="answer-text-hint">
          {words.p('desk_answerTextHint', [MAX_ANSWER_LENGTH])}
        </span>
        <FieldMessage words={words} id="answer-text-error" message={errors.text} />
        <textarea
          id="answer-text"
          name="text"
          rows={6}
          dir="auto"
          aria-describedby={describedBy('answer-text-hint', errors.text && 'answer-text-error')}
          aria-invalid={errors.text ? 'true' : undefined}
        >
          {shownText(values.text ?? '', 'multiline')}
        </textarea>
      </div>
      <div class={fieldClass('staffNote')}>
        <label for="answer-note">{words.p('desk_answerNoteLabel')}</label>
        <span class="hint" id="answer-note-hint">
          {words.p('desk_answerNoteHint', [MAX_STAFF_NOTE_LENGTH])}
        </span>
        <FieldMessage words={words} id="answer-note-error" message={errors.staffNote} />
        <textarea
          id="answer-note"
          name="staffNote"
          rows={3}
          dir="auto"
          aria-describedby={describedBy('answer-note-hint', errors.staffNote && 'answer-note-error')}
          aria-invalid={errors.staffNote ? 'true' : undefined}
        >
          {shownText(values.staffNote ?? '', 'multiline')}
        </textarea>
      </div>
      <button type="submit" class="button">
        {words.p('desk_answerSubmit')}
      </button>
    </form>
  );
}
