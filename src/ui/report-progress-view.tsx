import { useEffect, useRef, useState } from 'preact/hooks';
import { type ReporterRating, reporterRatingSchema } from '../directory/report-contract.ts';
import type { ReportView } from '../extension/messages.ts';
import type { MessageKey } from './locale-messages.ts';
import { ANSWER_KIND_WORDS, awaitsReporterWord, progressSteps, RATING_WORDS } from './progress-words.ts';
import { useSendRequest } from './request-context.ts';
import { useTranslator } from './translator-context.ts';

// The options page's view of where each report is, the merchant's answer, and what the
// shopper may do about it: say it is solved, rate the answer, or withdraw the report.
// Every action goes to the background, which holds the report's key.

/** Where the report is, in the same words as the portal's `/report/<receipt>`. */
export function stageKey(report: ReportView): MessageKey {
  if (report.delivery === 'queued') return 'reportStatus_queued';
  if (report.delivery === 'refused') return 'reportStatus_refused';
  return progressSteps(report).at(-1)?.key ?? 'progress_stepReceived';
}

/** The answer of the merchant and the shopper's word on it, under the reports table. */
export function ReportAnswer(props: { report: ReportView; onChange: (report: ReportView) => void }) {
  const { report } = props;
  const { t } = useTranslator();
  const sendRequest = useSendRequest();
  const [resolved, setResolved] = useState(false);
  const [rating, setRating] = useState<ReporterRating | null>(report.complaint?.rating ?? null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const answer = report.complaint?.answer;
  if (!answer) return null;
  const id = report.idempotencyKey;

  const send = async (event: Event) => {
    event.preventDefault();
    if (!resolved && !rating) return;
    setBusy(true);
    setMessage(null);
    try {
      props.onChange(
        await sendRequest({
          type: 'reportOutcome',
          idempotencyKey: id,
          ...(resolved ? { resolved: true as const } : {}),
          ...(rating ? { rating } : {}),
        }),
      );
      setMessage({ error: false, text: t('progress_saved') });
    } catch (failure) {
      setMessage({ error: true, text: t('progress_failed', [(failure as Error).message]) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="report-answer" data-receipt={report.receipt ?? ''} aria-labelledby={`answer-${id}`}>
      <h3 id={`answer-${id}`}>
        {t('progress_answerLabel')} — <bdi>{report.domain}</bdi>
      </h3>
      <p class="report-answer__kind">{t(ANSWER_KIND_WORDS[answer.kind])}</p>
      {answer.text ? (
        <p class="report-answer__text">
          <bdi dir="auto">{answer.text}</bdi>
        </p>
      ) : null}
      {report.complaint?.rating ? (
        <p data-rating={report.complaint.rating}>
          {t('progress_yourRating', [t(RATING_WORDS[report.complaint.rating])])}
        </p>
      ) : null}
      {awaitsReporterWord(report) ? (
        <form class="report-answer__form" onSubmit={(event) => void send(event)}>
          <div class="choice">
            <input
              type="checkbox"
              id={`resolved-${id}`}
              checked={resolved}
              onChange={(event) => setResolved((event.currentTarget as HTMLInputElement).checked)}
            />
            <label for={`resolved-${id}`}>{t('progress_resolvedLabel')}</label>
          </div>
          <fieldset>
            <legend>{t('progress_ratingLegend')}</legend>
            {reporterRatingSchema.options.map((option) => (
              <div class="choice" key={option}>
                <input
                  type="radio"
                  id={`rating-${id}-${option}`}
                  name={`rating-${id}`}
                  value={option}
                  checked={rating === option}
                  onChange={() => setRating(option)}
                />
                <label for={`rating-${id}-${option}`}>{t(RATING_WORDS[option])}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit" class="button" disabled={busy || (!resolved && !rating)}>
            {t('progress_send')}
          </button>
        </form>
      ) : null}
      <div role="status" aria-live="polite">
        {message ? <p class={message.error ? 'error' : undefined}>{message.text}</p> : null}
      </div>
    </section>
  );
}

/** "Withdraw this report", then a confirmation, in the report's row. */
export function WithdrawControl(props: { report: ReportView; onChange: (report: ReportView) => void }) {
  const { report } = props;
  const { t } = useTranslator();
  const sendRequest = useSendRequest();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  // The button that was clicked is gone: focus moves to the question's answer.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  if (!report.receipt || report.status === 'withdrawn') return null;
  const withdraw = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onChange(await sendRequest({ type: 'withdrawReport', idempotencyKey: report.idempotencyKey }));
      setConfirming(false);
    } catch (failure) {
      setError(t('progress_failed', [(failure as Error).message]));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="withdraw">
      {confirming ? (
        <div class="withdraw__confirm">
          <p>{t('progress_withdrawExplain')}</p>
          <button
            type="button"
            ref={confirmButton}
            class="button button--danger"
            onClick={() => void withdraw()}
            disabled={busy}
          >
            {t('progress_withdrawConfirm')}
          </button>{' '}
          <button type="button" class="button" onClick={() => setConfirming(false)}>
            {t('progress_keep')}
          </button>
        </div>
      ) : (
        <button type="button" class="button" onClick={() => setConfirming(true)}>
          {t('progress_withdraw')}
        </button>
      )}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
