/** @jsxImportSource hono/jsx */
import { describedBy, FieldMessage, type SummaryError, shownText } from '../portal/form-parts.tsx';
import type { PortalKey, PortalWords } from '../portal/portal-words.ts';
import { COMMERCIAL_COURTS, MAX_DOMAINS } from './application-book.ts';
import { type ApplyField, type ApplyFieldError, type ApplyFormValues, applyFieldId } from './application-form.ts';

// The /apply form as the applicant sees it, drawn again after a refusal with what they
// typed, an error summary at the top and a message at each field (GOV.UK's pattern).

export function applySummaryErrors(errors: readonly ApplyFieldError[]): SummaryError[] {
  return errors.map((error) => ({ href: `#${applyFieldId(error.field)}`, message: error.message, field: error.field }));
}

interface FieldProps {
  words: PortalWords;
  field: ApplyField;
  values: ApplyFormValues;
  errors: readonly ApplyFieldError[];
  label: PortalKey;
  hint?: string;
  input?: {
    type?: 'text' | 'email' | 'tel';
    inputmode?: 'numeric' | 'tel' | 'email' | 'url';
    autocomplete?: string;
    dir?: 'ltr' | 'auto';
    maxlength?: number;
  };
  multiline?: boolean;
  /** Extra attributes for the script that checks as you type (portal.js). */
  data?: Record<string, string>;
}

function Field(props: FieldProps) {
  const { words, field, values, errors, input = {} } = props;
  const id = applyFieldId(field);
  const message = errors.find((error) => error.field === field)?.message;
  const hintId = props.hint ? `${id}-hint` : null;
  const common = {
    id,
    name: field,
    dir: input.dir ?? 'auto',
    'aria-describedby': describedBy(hintId, message && `${id}-error`),
    'aria-invalid': message ? ('true' as const) : undefined,
    ...props.data,
  };
  return (
    <div class={message ? 'field field--error' : 'field'}>
      <label for={id}>{words.p(props.label)}</label>
      {props.hint ? (
        <span class="hint" id={hintId ?? undefined}>
          {props.hint}
        </span>
      ) : null}
      <FieldMessage words={words} id={`${id}-error`} message={message} />
      {props.multiline ? (
        <textarea {...common} rows={4} spellcheck={false} autocapitalize="none">
          {shownText(values[field], 'multiline')}
        </textarea>
      ) : (
        <input
          {...common}
          type={input.type ?? 'text'}
          value={shownText(values[field], 'line')}
          inputmode={input.inputmode}
          autocomplete={input.autocomplete ?? 'off'}
          maxlength={input.maxlength}
        />
      )}
    </div>
  );
}

function CourtField(props: { words: PortalWords; values: ApplyFormValues; errors: readonly ApplyFieldError[] }) {
  const { words, values, errors } = props;
  const message = errors.find((error) => error.field === 'rcCourt')?.message;
  const id = applyFieldId('rcCourt');
  return (
    <div class={message ? 'field field--error' : 'field'}>
      <label for={id}>{words.p('apply_rcCourtLabel')}</label>
      <FieldMessage words={words} id={`${id}-error`} message={message} />
      <select
        id={id}
        name="rcCourt"
        aria-describedby={describedBy(message && `${id}-error`)}
        aria-invalid={message ? 'true' : undefined}
      >
        <option value="">{words.p('apply_rcCourtChoose')}</option>
        {COMMERCIAL_COURTS.map((court) => (
          <option value={court} selected={values.rcCourt === court}>
            {words.p(`apply_court_${court}`)}
          </option>
        ))}
        <option value="other" selected={values.rcCourt === 'other'}>
          {words.p('apply_courtOther')}
        </option>
      </select>
    </div>
  );
}

export function ApplyForm(props: {
  words: PortalWords;
  action: string;
  values: ApplyFormValues;
  errors: readonly ApplyFieldError[];
  token: { name: string; value: string };
}) {
  const { words, values, errors, token } = props;
  const { p } = words;
  const at = { words, values, errors };
  return (
    <form method="post" action={props.action} novalidate class="apply-form">
      <input type="hidden" name={token.name} value={token.value} />
      <input type="hidden" name="idempotencyKey" value={values.idempotencyKey} />
      <fieldset class="apply-group">
        <legend>{p('apply_companyLegend')}</legend>
        <Field {...at} field="legalName" label="apply_legalNameLabel" hint={p('apply_legalNameHint')} />
        <Field {...at} field="tradeName" label="apply_tradeNameLabel" hint={p('apply_tradeNameHint')} />
        <Field
          {...at}
          field="ice"
          label="apply_iceLabel"
          hint={p('apply_iceHint')}
          input={{ inputmode: 'numeric', dir: 'ltr', maxlength: 40 }}
          data={{ 'data-ice-format': p('apply_iceFormat'), 'data-ice-check-digits': p('apply_iceCheckDigits') }}
        />
        <Field
          {...at}
          field="rcNumber"
          label="apply_rcNumberLabel"
          hint={p('apply_rcNumberHint')}
          input={{ inputmode: 'numeric', dir: 'ltr', maxlength: 30 }}
        />
        <CourtField {...at} />
        <Field {...at} field="rcCourtOther" label="apply_rcCourtOtherLabel" hint={p('apply_rcCourtOtherHint')} />
      </fieldset>
      <fieldset class="apply-group">
        <legend>{p('apply_contactLegend')}</legend>
        <Field {...at} field="address" label="apply_addressLabel" input={{ autocomplete: 'street-address' }} />
        <Field {...at} field="city" label="apply_cityLabel" input={{ autocomplete: 'address-level2' }} />
        <Field
          {...at}
          field="phone"
          label="apply_phoneLabel"
          hint={p('apply_phoneHint')}
          input={{ type: 'tel', inputmode: 'tel', autocomplete: 'tel', dir: 'ltr' }}
        />
        <Field
          {...at}
          field="email"
          label="apply_emailLabel"
          hint={p('apply_emailHint')}
          input={{ type: 'email', inputmode: 'email', autocomplete: 'email', dir: 'ltr' }}
        />
      </fieldset>
      <fieldset class="apply-group">
        <legend>{p('apply_shopsLegend')}</legend>
        <Field
          {...at}
          field="domains"
          label="apply_domainsLabel"
          hint={p('apply_domainsHint', [MAX_DOMAINS])}
          multiline
          input={{ dir: 'ltr' }}
        />
        <Field {...at} field="social" label="apply_socialLabel" hint={p('apply_socialHint')} multiline />
      </fieldset>
      <p>{p('apply_privacy')}</p>
      <FieldMessage words={words} id="apply-form-error" message={errors.find((e) => e.field === 'form')?.message} />
      <button type="submit" class="button" id="apply-submit">
        {p('apply_submit')}
      </button>
    </form>
  );
}
