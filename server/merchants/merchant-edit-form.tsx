/** @jsxImportSource hono/jsx */
import type { MerchantStatus } from '../../src/directory/schemas.ts';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { describedBy, FieldMessage, type SummaryError, shownText } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import {
  EDIT_FIELDS,
  type EditField,
  type EditProblem,
  type EditProblemKind,
  type MerchantEditForm,
  mayApply,
  STATUS_ACTION_NAMES,
  type StatusAction,
} from './merchant-edits.ts';
import { MERCHANT_FIELD_WORDS } from './merchant-facts.tsx';

// The forms of a merchant's console page: its contact details and shops, and its status.
// Lists are one entry a line, so that a form works in any browser without script.

const PROBLEM_WORDS: Record<EditProblemKind, ConsoleKey> = {
  required: 'merchant_errorRequired',
  'too-long': 'merchant_errorTooLong',
  'too-many': 'merchant_errorTooMany',
  'hidden-character': 'merchant_errorHiddenCharacter',
  phone: 'merchant_errorPhone',
  email: 'merchant_errorEmail',
  domain: 'merchant_errorDomain',
  'domain-taken': 'merchant_errorDomainTaken',
  social: 'merchant_errorSocial',
};

const HINT_WORDS: Partial<Record<EditField, ConsoleKey>> = {
  tradeNames: 'merchant_hintTradeNames',
  phone: 'merchant_hintPhone',
  domains: 'merchant_hintDomains',
  social: 'merchant_hintSocial',
};

const MULTILINE: ReadonlySet<EditField> = new Set(['tradeNames', 'domains', 'social']);
const LTR: ReadonlySet<EditField> = new Set(['phone', 'email', 'domains', 'social']);
const fieldId = (field: string) => `merchant-${field}`;

export const problemMessage = (words: ConsoleWords, problem: EditProblem) =>
  words.c(
    PROBLEM_WORDS[problem.kind],
    problem.args.map((arg) => shownText(arg)),
  );

export const editSummary = (words: ConsoleWords, problems: readonly EditProblem[]): SummaryError[] =>
  EDIT_FIELDS.flatMap((field) =>
    problems
      .filter((problem) => problem.field === field)
      .map((problem) => ({ href: `#${fieldId(field)}`, message: problemMessage(words, problem), field })),
  );

type Hidden = { name: string; value: string };

export function EditForm(props: {
  words: ConsoleWords;
  id: string;
  form: MerchantEditForm;
  problems: readonly EditProblem[];
  guard: Hidden;
}) {
  const { words, form, problems } = props;
  return (
    <form method="post" action={portalHref(words.lang, `/admin/merchants/${props.id}/edit`)} novalidate>
      <input type="hidden" name={props.guard.name} value={props.guard.value} />
      <input type="hidden" name="stamp" value={form.stamp} />
      {EDIT_FIELDS.map((field) => {
        const problem = problems.find((entry) => entry.field === field);
        const id = fieldId(field);
        const hint = HINT_WORDS[field];
        const common = {
          id,
          name: field,
          dir: LTR.has(field) ? 'ltr' : 'auto',
          'aria-describedby': describedBy(hint && `${id}-hint`, problem && `${id}-error`),
          'aria-invalid': problem ? ('true' as const) : undefined,
        };
        return (
          <div class={problem ? 'field field--error' : 'field'}>
            <label for={id}>{words.c(MERCHANT_FIELD_WORDS[field])}</label>
            {hint ? (
              <span class="hint" id={`${id}-hint`}>
                {words.c(hint)}
              </span>
            ) : null}
            <FieldMessage words={words} id={`${id}-error`} message={problem && problemMessage(words, problem)} />
            {MULTILINE.has(field) ? (
              <textarea {...common} rows={4} maxlength={4000}>
                {shownText(form[field], 'multiline')}
              </textarea>
            ) : (
              <input
                {...common}
                type={field === 'email' ? 'email' : field === 'phone' ? 'tel' : 'text'}
                value={shownText(form[field])}
                maxlength={300}
                autocomplete="off"
              />
            )}
          </div>
        );
      })}
      <div class="action-row">
        <button type="submit" class="button">
          {words.c('merchant_save')}
        </button>
        <a href={portalHref(words.lang, `/admin/merchants/${props.id}`)}>{words.c('merchant_cancel')}</a>
      </div>
    </form>
  );
}

const ACTION_WORDS: Record<StatusAction, ConsoleKey> = {
  suspend: 'merchant_actionSuspend',
  revoke: 'merchant_actionRevoke',
  reinstate: 'merchant_actionReinstate',
};

export type StatusField = 'action' | 'reason';
export const STATUS_FIELD_IDS: Record<StatusField, string> = {
  action: 'status-action-first',
  reason: 'status-reason',
};

/** The change of status a moderator may make now, with the reason they must give. */
export function StatusForm(props: {
  words: ConsoleWords;
  id: string;
  status: MerchantStatus;
  stamp: string;
  values: { action: string; reason: string };
  errors: ReadonlyArray<{ field: StatusField; message: string }>;
  guard: Hidden;
}) {
  const { words, values, errors } = props;
  const actions = STATUS_ACTION_NAMES.filter((action) => mayApply(action, props.status));
  const errorAt = (field: StatusField) => errors.find((error) => error.field === field)?.message;
  return (
    <form method="post" action={portalHref(words.lang, `/admin/merchants/${props.id}/status`)} novalidate>
      <input type="hidden" name={props.guard.name} value={props.guard.value} />
      <input type="hidden" name="stamp" value={props.stamp} />
      <div class={errorAt('action') ? 'field field--error' : 'field'}>
        <fieldset aria-describedby={describedBy(errorAt('action') && 'status-action-error')}>
          <legend>{words.c('merchant_statusLegend')}</legend>
          <FieldMessage words={words} id="status-action-error" message={errorAt('action')} />
          {actions.map((action, index) => (
            <div class="choice">
              <input
                type="radio"
                id={index === 0 ? STATUS_FIELD_IDS.action : `status-action-${action}`}
                name="action"
                value={action}
                checked={values.action === action || actions.length === 1}
              />
              <label for={index === 0 ? STATUS_FIELD_IDS.action : `status-action-${action}`}>
                {words.c(ACTION_WORDS[action])}
              </label>
            </div>
          ))}
        </fieldset>
      </div>
      <div class={errorAt('reason') ? 'field field--error' : 'field'}>
        <label for={STATUS_FIELD_IDS.reason}>{words.c('merchant_reasonLabel')}</label>
        <span class="hint" id="status-reason-hint">
          {words.c('merchant_reasonHint')}
        </span>
        <FieldMessage words={words} id="status-reason-error" message={errorAt('reason')} />
        <input
          type="text"
          id={STATUS_FIELD_IDS.reason}
          name="reason"
          dir="auto"
          maxlength={500}
          value={shownText(values.reason)}
          aria-describedby={describedBy('status-reason-hint', errorAt('reason') && 'status-reason-error')}
          aria-invalid={errorAt('reason') ? 'true' : undefined}
        />
      </div>
      <button type="submit" class="button">
        {words.c('merchant_statusButton')}
      </button>
    </form>
  );
}

/** The page that asks a moderator to confirm a revocation, with what they typed carried along. */
export function RevokeConfirmation(props: {
  words: ConsoleWords;
  id: string;
  name: string;
  stamp: string;
  reason: string;
  guard: Hidden;
}) {
  const { words } = props;
  return (
    <>
      <h1>{words.c('merchant_confirmRevokeTitle')}</h1>
      <p class="notice notice--warning">
        {words.c('merchant_confirmRevokeBody', [shownText(props.name), shownText(props.reason)])}
      </p>
      <form method="post" action={portalHref(words.lang, `/admin/merchants/${props.id}/status`)}>
        <input type="hidden" name={props.guard.name} value={props.guard.value} />
        <input type="hidden" name="stamp" value={props.stamp} />
        <input type="hidden" name="action" value="revoke" />
        <input type="hidden" name="reason" value={props.reason} />
        <input type="hidden" name="confirm" value="yes" />
        <div class="action-row">
          <button type="submit" class="button">
            {words.c('merchant_buttonRevoke')}
          </button>
          <a href={portalHref(words.lang, `/admin/merchants/${props.id}`)}>{words.c('merchant_cancel')}</a>
        </div>
      </form>
    </>
  );
}
