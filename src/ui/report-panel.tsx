import { useState } from 'preact/hooks';
import { MAX_DETAILS_LENGTH } from '../directory/report-contract.ts';
import type { ReportReason } from '../directory/schemas.ts';
import type { ReportView } from '../extension/messages.ts';
import { useSendRequest } from './request-context.ts';
import { useTranslator } from './translator-context.ts';
import { REPORT_REASON } from './verdict-words.ts';

const REASONS = Object.keys(REPORT_REASON) as ReportReason[];

/**
 * "Report this shop": one click sends a report (reason "suspicious", the page URL
 * without query or fragment) and shows its receipt; then the shopper may say more,
 * which amends the same report.
 */
export function ReportPanel(props: { tabId: number; recentReport: ReportView | null }) {
  const { t } = useTranslator();
  const sendRequest = useSendRequest();
  const [report, setReport] = useState<ReportView | null>(props.recentReport);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState<ReportReason>(props.recentReport?.reason ?? 'suspicious');
  const [details, setDetails] = useState(props.recentReport?.details ?? '');
  const [amended, setAmended] = useState(false);
  // Off unless the shopper ticks it: otherwise the merchant never learns who reported.
  const [share, setShare] = useState(false);

  const run = async (action: () => Promise<ReportView>) => {
    setBusy(true);
    setError(null);
    try {
      setReport(await action());
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = () =>
    run(() => sendRequest({ type: 'submitReport', tabId: props.tabId, ...(share ? { shareWithMerchant: true } : {}) }));
  const amend = (event: Event) => {
    event.preventDefault();
    setAmended(false);
    if (!report) return;
    void run(async () => {
      const updated = await sendRequest({
        type: 'amendReport',
        idempotencyKey: report.idempotencyKey,
        reason,
        details: details.trim() || null,
      });
      setAmended(true);
      return updated;
    });
  };

  return (
    <section class="report" aria-labelledby="report-heading">
      <h2 id="report-heading" class="visually-hidden">
        {t('popup_reportButton')}
      </h2>
      {report === null ? (
        <>
          <div class="choice">
            <input
              type="checkbox"
              id="report-share"
              checked={share}
              aria-describedby="report-share-hint"
              onChange={(event) => setShare((event.currentTarget as HTMLInputElement).checked)}
            />
            <label for="report-share">{t('progress_shareLabel')}</label>
          </div>
          <p class="hint" id="report-share-hint">
            {t('progress_shareHint')}
          </p>
          <button type="button" class="button button--report" onClick={submit} disabled={busy}>
            {t('popup_reportButton')}
          </button>
          <p class="hint">{t('popup_reportPrivacy')}</p>
        </>
      ) : null}
      <div role="status" aria-live="polite" class="report__status">
        {busy && !report ? <p>{t('popup_reportSending')}</p> : null}
        {report?.receipt ? <p data-receipt={report.receipt}>{t('popup_reportReceipt', [report.receipt])}</p> : null}
        {report && !report.receipt && report.delivery === 'queued' ? <p>{t('popup_reportQueued')}</p> : null}
        {report?.delivery === 'refused' ? <p>{t('popup_reportRefused', [report.lastError ?? ''])}</p> : null}
        {amended ? <p>{t('popup_reportUpdated')}</p> : null}
        {error ? <p class="error">{t('popup_error', [error])}</p> : null}
      </div>
      {report && report.delivery !== 'refused' ? (
        <form class="report__more" onSubmit={amend}>
          <label for="report-reason">{t('popup_reportReasonLabel')}</label>
          <select
            id="report-reason"
            value={reason}
            onChange={(event) => setReason((event.currentTarget as HTMLSelectElement).value as ReportReason)}
          >
            {REASONS.map((code) => (
              <option key={code} value={code}>
                {t(REPORT_REASON[code])}
              </option>
            ))}
          </select>
          <label for="report-details">{t('popup_reportDetailsLabel')}</label>
          <textarea
            id="report-details"
            rows={3}
            maxLength={MAX_DETAILS_LENGTH}
            value={details}
            onInput={(event) => setDetails((event.currentTarget as HTMLTextAreaElement).value)}
          />
          <button type="submit" class="button" disabled={busy}>
            {t('popup_reportUpdate')}
          </button>
        </form>
      ) : null}
    </section>
  );
}
