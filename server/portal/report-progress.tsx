/** @jsxImportSource hono/jsx */
import {
  type ComplaintProgress,
  type ReportStatusView,
  reporterRatingSchema,
} from '../../src/directory/report-contract.ts';
import { replaceRefusedCharacters } from '../../src/directory/text-policy.ts';
import { ANSWER_KIND_WORDS, awaitsReporterWord, progressSteps, RATING_WORDS } from '../../src/ui/progress-words.ts';
import { describedBy, FieldMessage } from './form-parts.tsx';
import { portalHref } from './portal-layout.tsx';
import type { PortalWords } from './portal-words.ts';
import { momentWords } from './report-time.ts';

// What the shopper reads and does on `/report/<receipt>` once the report is sent: the
// steps it went through, the merchant's answer, and, with the report's key, the forms to
// say the problem is solved, to rate the answer, or to withdraw the report.

/** A posted field the outcome form asks again about. */
export type OutcomeField = 'resolved' | 'rating';
export interface OutcomeError {
  field: OutcomeField | 'form';
  message: string;
}
export const OUTCOME_FIELD_IDS: Record<OutcomeField | 'form', string> = {
  resolved: 'outcome-resolved',
  rating: `outcome-rating-${reporterRatingSchema.options[0]}`,
  form: 'outcome-submit',
};

/** Merchant text as written, any character the text policy refuses shown as its code point. */
const inertAnswer = (text: string) =>
  replaceRefusedCharacters(text, 'multiline', (character) => {
    const code = (character.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
    return `\\u{${code}}`;
  });

export function ProgressTimeline(props: { words: PortalWords; view: ReportStatusView }) {
  const { words, view } = props;
  const steps = progressSteps(view);
  const complaint = view.complaint ?? null;
  return (
    <section aria-labelledby="timeline-heading" class="report-timeline">
      <h2 id="timeline-heading">{words.p('report_timelineHeading')}</h2>
      <ol class="timeline">
        {steps.map((step, index) => (
          <li
            class={index === steps.length - 1 ? 'timeline__step timeline__step--now' : 'timeline__step'}
            data-step={step.id}
            aria-current={index === steps.length - 1 ? 'step' : undefined}
          >
            <span class="timeline__what">{words.t(step.key)}</span>
            {step.at ? <span class="timeline__when"> {momentWords(step.at, words.lang)}</span> : null}
          </li>
        ))}
      </ol>
      {complaint && !complaint.merchantListed && view.status === 'accepted' ? (
        <p class="notice" data-notice="not-listed">
          {words.t('progress_notListed')}
        </p>
      ) : null}
      {complaint?.answer ? <MerchantAnswer words={words} complaint={complaint} /> : null}
      {complaint?.rating ? (
        <p data-rating={complaint.rating}>
          {words.t('progress_yourRating', [words.t(RATING_WORDS[complaint.rating])])}
        </p>
      ) : null}
    </section>
  );
}

function MerchantAnswer(props: { words: PortalWords; complaint: ComplaintProgress }) {
  const answer = props.complaint.answer;
  if (!answer) return null;
  const { t } = props.words;
  return (
    <div class="merchant-answer" data-answer-kind={answer.kind}>
      <h3>{t('progress_answerLabel')}</h3>
      <p class="merchant-answer__kind">{t(ANSWER_KIND_WORDS[answer.kind])}</p>
      {answer.text ? (
        <p class="merchant-answer__text">
          <bdi dir="auto">{inertAnswer(answer.text)}</bdi>
        </p>
      ) : null}
    </div>
  );
}

/** "The problem is solved" and the rating: shown only with the report's key, once answered. */
export function OutcomeForm(props: {
  words: PortalWords;
  view: ReportStatusView;
  reportKey: string;
  token: { name: string; value: string };
  errors: readonly OutcomeError[];
  chosen: { resolved: boolean; rating: string };
}) {
  const { words, view, reportKey, token, errors, chosen } = props;
  if (!awaitsReporterWord(view)) return null;
  const { p, t } = words;
  const errorAt = (field: OutcomeField) => errors.find((error) => error.field === field)?.message;
  const formError = errors.find((error) => error.field === 'form')?.message;
  const current = chosen.rating || view.complaint?.rating || '';
  return (
    <section aria-labelledby="outcome-heading" class="report-outcome">
      <h2 id="outcome-heading">{p('report_outcomeHeading')}</h2>
      <form method="post" action={portalHref(words.lang, `/report/${view.receipt}/outcome`)} novalidate>
        <input type="hidden" name={token.name} value={token.value} />
        <input type="hidden" name="key" value={reportKey} />
        <div class={errorAt('resolved') ? 'field field--error' : 'field'}>
          <FieldMessage words={words} id="outcome-resolved-error" message={errorAt('resolved')} />
          <div class="choice">
            <input
              type="checkbox"
              id="outcome-resolved"
              name="resolved"
              value="yes"
              checked={chosen.resolved}
              aria-describedby={describedBy(!!errorAt('resolved') && 'outcome-resolved-error')}
            />
            <label for="outcome-resolved">{t('progress_resolvedLabel')}</label>
          </div>
        </div>
        <div class={errorAt('rating') ? 'field field--error' : 'field'}>
          <fieldset aria-describedby={describedBy(!!errorAt('rating') && 'outcome-rating-error')}>
            <legend>{t('progress_ratingLegend')}</legend>
            <FieldMessage words={words} id="outcome-rating-error" message={errorAt('rating')} />
            {reporterRatingSchema.options.map((rating) => (
              <div class="choice">
                <input
                  type="radio"
                  id={`outcome-rating-${rating}`}
                  name="rating"
                  value={rating}
                  checked={current === rating}
                />
                <label for={`outcome-rating-${rating}`}>{t(RATING_WORDS[rating])}</label>
              </div>
            ))}
          </fieldset>
        </div>
        <FieldMessage words={words} id="outcome-form-error" message={formError} />
        <button type="submit" class="button" id="outcome-submit">
          {t('progress_send')}
        </button>
      </form>
    </section>
  );
}

/** The hidden key and form token of the withdrawal's confirmation page. */
export function WithdrawForm(props: {
  words: PortalWords;
  receipt: string;
  reportKey: string;
  token: { name: string; value: string };
}) {
  const { words, receipt, reportKey, token } = props;
  const back = portalHref(words.lang, `/report/${receipt}`, { key: reportKey });
  return (
    <form method="post" action={portalHref(words.lang, `/report/${receipt}/withdraw`)} class="report-withdraw">
      <input type="hidden" name={token.name} value={token.value} />
      <input type="hidden" name="key" value={reportKey} />
      <button type="submit" class="button button--danger" id="withdraw-submit">
        {words.t('progress_withdrawConfirm')}
      </button>{' '}
      <a href={back}>{words.t('progress_keep')}</a>
    </form>
  );
}
