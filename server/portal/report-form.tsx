/** @jsxImportSource hono/jsx */
import { MAX_DETAILS_LENGTH, reportedShop } from '../../src/directory/report-contract.ts';
import { reportReasonSchema } from '../../src/directory/schemas.ts';
import { REPORT_REASON } from '../../src/ui/verdict-words.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { describedBy, FieldMessage, type SummaryError, shownText } from './form-parts.tsx';
import type { PortalWords } from './portal-words.ts';
import { FIELD_IDS, type FieldError, type ReportField, type ReportFormValues } from './report-form-fields.ts';

// The report form as the shopper sees it, drawn again after a refusal with what they
// typed, an error summary at the top and a message at each field (GOV.UK's pattern).

/** The report's errors as the summary lists them, each linking to its field. */
export function reportSummaryErrors(errors: readonly FieldError[]): SummaryError[] {
  return errors.map((error) => ({ href: `#${FIELD_IDS[error.field]}`, message: error.message, field: error.field }));
}

export function ReportForm(props: {
  words: PortalWords;
  action: string;
  values: ReportFormValues;
  errors: readonly FieldError[];
  token: { name: string; value: string };
}) {
  const { words, values, errors, token } = props;
  const { p, t } = words;
  const errorAt = (field: ReportField) => errors.find((error) => error.field === field)?.message;
  const fieldClass = (field: ReportField) => (errorAt(field) ? 'field field--error' : 'field');
  const shop = reportedShop(values.url.trim(), SERVICE_PLATFORMS);
  const kept = shop.ok && shop.url !== values.url.trim() ? shop.url : null;
  return (
    <form method="post" action={props.action} novalidate class="report-form">
      <input type="hidden" name={token.name} value={token.value} />
      <input type="hidden" name="idempotencyKey" value={values.idempotencyKey} />
      <div class={fieldClass('url')}>
        <label for="report-url">{p('report_urlLabel')}</label>
        <span class="hint" id="report-url-hint">
          {p('report_urlHint')}
        </span>
        <FieldMessage words={words} id="report-url-error" message={errorAt('url')} />
        <input
          type="text"
          id="report-url"
          name="url"
          value={shownText(values.url, 'line')}
          inputmode="url"
          autocomplete="off"
          autocapitalize="none"
          spellcheck={false}
          dir="ltr"
          aria-describedby={describedBy(
            'report-url-hint',
            kept !== null && 'report-url-kept',
            !!errorAt('url') && 'report-url-error',
          )}
          aria-invalid={errorAt('url') ? 'true' : undefined}
        />
        {kept ? (
          <span class="hint report-kept" id="report-url-kept">
            {p('report_urlKept')} <bdi dir="ltr">{kept}</bdi>
          </span>
        ) : null}
      </div>
      <div class={fieldClass('reason')}>
        <fieldset aria-describedby={describedBy('report-reason-hint', !!errorAt('reason') && 'report-reason-error')}>
          <legend>{t('popup_reportReasonLabel')}</legend>
          <span class="hint" id="report-reason-hint">
            {p('report_reasonHint')}
          </span>
          <FieldMessage words={words} id="report-reason-error" message={errorAt('reason')} />
          {reportReasonSchema.options.map((reason) => (
            <div class="choice">
              <input
                type="radio"
                id={`report-reason-${reason}`}
                name="reason"
                value={reason}
                checked={values.reason === reason}
              />
              <label for={`report-reason-${reason}`}>{t(REPORT_REASON[reason])}</label>
            </div>
          ))}
        </fieldset>
      </div>
      <div class={fieldClass('details')}>
        <label for="report-details">{t('popup_reportDetailsLabel')}</label>
        <span class="hint" id="report-details-hint">
          {p('report_detailsHint', [MAX_DETAILS_LENGTH])}
        </span>
        <FieldMessage words={words} id="report-details-error" message={errorAt('details')} />
        <textarea
          id="report-details"
          name="details"
          rows={6}
          aria-describedby={describedBy('report-details-hint', !!errorAt('details') && 'report-details-error')}
          aria-invalid={errorAt('details') ? 'true' : undefined}
        >
          {shownText(values.details, 'multiline')}
        </textarea>
      </div>
      <fieldset class="report-contact" aria-describedby="report-contact-hint">
        <legend>{p('report_contactLegend')}</legend>
        <span class="hint" id="report-contact-hint">
          {p('report_contactHint')}
        </span>
        <div class={fieldClass('contact')}>
          <label for="report-contact">{p('report_contactLabel')}</label>
          <FieldMessage words={words} id="report-contact-error" message={errorAt('contact')} />
          <input
            type="text"
            id="report-contact"
            name="contact"
            value={shownText(values.contact, 'line')}
            autocomplete="off"
            spellcheck={false}
            dir="auto"
            aria-describedby={describedBy(!!errorAt('contact') && 'report-contact-error')}
            aria-invalid={errorAt('contact') ? 'true' : undefined}
          />
        </div>
        <div class={fieldClass('consent')}>
          <FieldMessage words={words} id="report-consent-error" message={errorAt('consent')} />
          <div class="choice">
            <input
              type="checkbox"
              id="report-consent"
              name="consent"
              value="yes"
              checked={values.consent}
              aria-describedby={describedBy(!!errorAt('consent') && 'report-consent-error')}
              aria-invalid={errorAt('consent') ? 'true' : undefined}
            />
            <label for="report-consent">{p('report_consentLabel')}</label>
          </div>
        </div>
      </fieldset>
      <div class={fieldClass('shareWithMerchant')}>
        <FieldMessage words={words} id="report-share-error" message={errorAt('shareWithMerchant')} />
        <div class="choice">
          <input
            type="checkbox"
            id="report-share"
            name="shareWithMerchant"
            value="yes"
            checked={values.shareWithMerchant}
            aria-describedby={describedBy('report-share-hint', !!errorAt('shareWithMerchant') && 'report-share-error')}
          />
          <label for="report-share">{t('progress_shareLabel')}</label>
        </div>
        <span class="hint" id="report-share-hint">
          {t('progress_shareHint')}
        </span>
      </div>
      <button type="submit" class="button" id="report-submit">
        {p('report_submit')}
      </button>
    </form>
  );
}
