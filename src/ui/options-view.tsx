import { useEffect, useState } from 'preact/hooks';
import {
  type DirectoryStatus,
  type LanguageChoice,
  NO_SITE_CHOICE,
  type ReportView,
  type SiteChoices,
} from '../extension/messages.ts';
import type { MessageKey } from './locale-messages.ts';
import { ReportAnswer, stageKey, WithdrawControl } from './report-progress-view.tsx';
import { useSendRequest } from './request-context.ts';
import { SiteChoiceControls } from './site-choice-controls.tsx';
import { useTranslator } from './translator-context.ts';
import { formatDate, REPORT_REASON, syncErrorWords } from './verdict-words.ts';

const LANGUAGES: LanguageChoice[] = ['auto', 'ar', 'fr', 'en'];
const LANGUAGE_WORDS: Record<LanguageChoice, MessageKey> = {
  auto: 'language_auto',
  ar: 'language_ar',
  fr: 'language_fr',
  en: 'language_en',
};

function DirectorySection() {
  const translator = useTranslator();
  const sendRequest = useSendRequest();
  const { t, lang } = translator;
  const [status, setStatus] = useState<DirectoryStatus | null>(null);
  const [syncing, setSyncing] = useState(false);
  useEffect(() => {
    void sendRequest({ type: 'getDirectoryStatus' }).then(setStatus);
  }, []);
  const syncNow = async () => {
    setSyncing(true);
    try {
      setStatus(await sendRequest({ type: 'syncDirectory' }));
    } finally {
      setSyncing(false);
    }
  };
  const when = (value: string | null | undefined) => (value ? formatDate(value, lang, true) : t('options_never'));
  const error = status?.lastError;
  const rows: Array<[string, string, string]> = status
    ? [
        ['version', t('options_version'), String(status.version)],
        ['published', t('options_publishedAt'), when(status.publishedAt)],
        ['expires', t('options_expiresAt'), when(status.expiresAt)],
        ['last-sync', t('options_lastSyncAt'), when(status.lastSyncAt)],
        ['source', t('options_source'), t(status.source === 'synced' ? 'source_synced' : 'source_bundled')],
        [
          'last-error',
          t('options_lastError'),
          error
            ? t('options_lastErrorLine', [syncErrorWords(error.code, translator), error.detail, when(error.at)])
            : t('options_noError'),
        ],
      ]
    : [];
  return (
    <section aria-labelledby="directory-heading">
      <h2 id="directory-heading">{t('options_directoryHeading')}</h2>
      {status ? (
        <dl class="facts">
          {rows.map(([id, term, value]) => (
            <div class="facts__row" key={id} data-fact={id}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>{t('freshness_never')}</p>
      )}
      {status?.expired ? (
        <p class="warning">{t('freshness_expired', [formatDate(status.expiresAt, lang, true)])}</p>
      ) : null}
      <button type="button" class="button" onClick={syncNow} disabled={syncing}>
        {syncing ? t('options_syncing') : t('options_syncNow')}
      </button>
    </section>
  );
}

function ReportsSection() {
  const { t, lang } = useTranslator();
  const sendRequest = useSendRequest();
  const [reports, setReports] = useState<ReportView[] | null>(null);
  const load = (refresh: boolean) => sendRequest({ type: 'listReports', refresh }).then(setReports);
  const replace = (changed: ReportView) =>
    setReports((all) =>
      (all ?? []).map((report) => (report.idempotencyKey === changed.idempotencyKey ? changed : report)),
    );
  useEffect(() => {
    void load(false).then(() => load(true));
  }, []);
  return (
    <section aria-labelledby="reports-heading">
      <h2 id="reports-heading">{t('options_reportsHeading')}</h2>
      {reports && reports.length > 0 ? (
        <table class="reports">
          <thead>
            <tr>
              <th scope="col">{t('options_reportShop')}</th>
              <th scope="col">{t('options_reportReason')}</th>
              <th scope="col">{t('options_reportDate')}</th>
              <th scope="col">{t('options_reportStatus')}</th>
              <th scope="col">{t('options_reportReceipt')}</th>
              <th scope="col">{t('progress_actions')}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((report) => (
              <tr key={report.idempotencyKey} data-receipt={report.receipt ?? ''}>
                <td>
                  <bdi>{report.domain}</bdi>
                </td>
                <td>{t(REPORT_REASON[report.reason])}</td>
                <td>{formatDate(report.createdAt, lang, true)}</td>
                <td data-status={report.status ?? report.delivery} data-stage={report.complaint?.stage ?? ''}>
                  {t(stageKey(report))}
                  {report.complaint && !report.complaint.merchantListed && report.status === 'accepted' ? (
                    <span class="hint"> {t('progress_notListed')}</span>
                  ) : null}
                </td>
                <td>
                  <bdi>{report.receipt ?? '—'}</bdi>
                </td>
                <td>
                  <WithdrawControl report={report} onChange={replace} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t('options_noReports')}</p>
      )}
      {(reports ?? []).map((report) =>
        report.complaint?.answer ? (
          <ReportAnswer key={report.idempotencyKey} report={report} onChange={replace} />
        ) : null,
      )}
      <button type="button" class="button" onClick={() => void load(true)}>
        {t('options_refreshReports')}
      </button>
    </section>
  );
}

function SitesSection(props: { sites: SiteChoices }) {
  const { t } = useTranslator();
  const domains = Object.keys(props.sites).sort();
  return (
    <section aria-labelledby="sites-heading">
      <h2 id="sites-heading">{t('options_sitesHeading')}</h2>
      {domains.length === 0 ? <p>{t('options_noSites')}</p> : null}
      {domains.map((domain) => (
        <SiteChoiceControls
          key={domain}
          domain={domain}
          display={domain}
          heading={false}
          initial={props.sites[domain] ?? NO_SITE_CHOICE}
        />
      ))}
    </section>
  );
}

function LanguageSection(props: { language: LanguageChoice }) {
  const { t } = useTranslator();
  const sendRequest = useSendRequest();
  const choose = async (language: LanguageChoice) => {
    await sendRequest({ type: 'setLanguage', language });
    // Every word on the page changes, and its direction may: start the page again.
    location.reload();
  };
  return (
    <section aria-labelledby="language-heading">
      <h2 id="language-heading">{t('options_languageHeading')}</h2>
      <label for="language">{t('options_languageLabel')}</label>{' '}
      <select
        id="language"
        value={props.language}
        onChange={(event) => void choose((event.currentTarget as HTMLSelectElement).value as LanguageChoice)}
      >
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language === 'auto' ? undefined : language}>
            {t(LANGUAGE_WORDS[language])}
          </option>
        ))}
      </select>
    </section>
  );
}

/** The options page: directory state and sync, the shopper's reports, per-site choices, language, privacy. */
export function OptionsView() {
  const { t } = useTranslator();
  const sendRequest = useSendRequest();
  const [settings, setSettings] = useState<{ language: LanguageChoice; siteChoices: SiteChoices } | null>(null);
  useEffect(() => {
    void sendRequest({ type: 'getSettings' }).then(setSettings);
  }, []);
  return (
    <main class="options">
      <h1>{t('options_title')}</h1>
      <DirectorySection />
      <ReportsSection />
      {settings ? <SitesSection sites={settings.siteChoices} /> : null}
      {settings ? <LanguageSection language={settings.language} /> : null}
      <section aria-labelledby="privacy-heading">
        <h2 id="privacy-heading">{t('options_privacyHeading')}</h2>
        <p>{t('options_privacy1')}</p>
        <p>{t('options_privacy2')}</p>
        <p>{t('options_privacy3')}</p>
      </section>
    </main>
  );
}
