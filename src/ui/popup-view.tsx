import { useEffect, useState } from 'preact/hooks';
import { PORTAL_PATHS, portalAddress } from '../directory/portal-address.ts';
import type { DirectoryStatus, TabView } from '../extension/messages.ts';
import { helpAddress } from './help-link.ts';
import { LookalikeReason } from './lookalike-reason.tsx';
import { ComplaintList, LabelList, MerchantDetails } from './merchant-card.tsx';
import { PageChecklist } from './page-checklist-view.tsx';
import { ReportPanel } from './report-panel.tsx';
import { useSendRequest } from './request-context.ts';
import { SiteChoiceControls } from './site-choice-controls.tsx';
import { useTranslator } from './translator-context.ts';
import { VERDICT_LEVELS } from './verdict-levels.ts';
import { formatDate, reasonWords, timeAgo } from './verdict-words.ts';

export function Freshness(props: { directory: DirectoryStatus | null; now: Date }) {
  const { t, lang } = useTranslator();
  const { directory, now } = props;
  if (!directory) return <p class="freshness">{t('freshness_never')}</p>;
  // How old the data is, not when it was last checked: a directory synced a minute ago
  // may still have been published days ago.
  const updated = directory.publishedAt;
  return (
    <div class="freshness" data-expired={directory.expired}>
      <p>{t('freshness_updated', [timeAgo(updated, now, lang)])}</p>
      {directory.expired ? (
        <p class="warning" role="alert">
          {t('freshness_expired', [formatDate(directory.expiresAt, lang, true)])}
        </p>
      ) : null}
    </div>
  );
}

function Verdict(props: { view: TabView }) {
  const translator = useTranslator();
  const { t } = translator;
  const { view } = props;
  const { level } = view.verdict;
  // A social seller's key (it holds a `/`) is no IDN: its display already names the profile.
  const isIdn =
    view.identity !== null && view.identity.display !== view.identity.domain && !view.identity.domain.includes('/');
  return (
    <header class={`verdict verdict--${level}`} data-level={level}>
      <span class="verdict__mark" aria-hidden="true">
        {VERDICT_LEVELS[level].mark}
      </span>
      <div>
        <h1 class="verdict__shop">
          <bdi>{view.merchant?.tradeNames[0] ?? view.identity?.display ?? t('popup_notShopTitle')}</bdi>
        </h1>
        {view.identity ? (
          <p class="verdict__domain">
            <bdi>{view.identity.display}</bdi>
          </p>
        ) : null}
        {isIdn && view.identity ? <p class="verdict__ascii">{t('popup_domainAscii', [view.identity.domain])}</p> : null}
        <p class="verdict__level">{t(VERDICT_LEVELS[level].words)}</p>
      </div>
    </header>
  );
}

/** "Help and your rights": the portal's rights page, or its bundled copy while offline. */
function HelpLink(props: { portalUrl: string }) {
  const { t, lang } = useTranslator();
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return (
    <a
      href={helpAddress(online, props.portalUrl, lang)}
      target="_blank"
      rel="noreferrer"
      data-help={online ? 'portal' : 'bundled'}
    >
      {t('popup_help')}
    </a>
  );
}

/** The popup for one tab: the verdict with every reason, the merchant card, freshness, and the report button. */
export function PopupView(props: { tabId: () => Promise<number>; portalUrl: string }) {
  const translator = useTranslator();
  const sendRequest = useSendRequest();
  const { t } = translator;
  const [view, setView] = useState<TabView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = new Date();

  useEffect(() => {
    props
      .tabId()
      .then((tabId) => sendRequest({ type: 'getTabView', tabId }))
      .then(setView, (failure: Error) => setError(failure.message));
  }, [props.tabId, sendRequest]);

  // "This is not an imitation": remembered for the site, then the verdict is read again.
  const dismissLookalike = async (tabId: number, domain: string) => {
    try {
      await sendRequest({ type: 'setSiteChoice', domain, lookalikeDismissed: true });
      setView(await sendRequest({ type: 'getTabView', tabId }));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  if (error)
    return (
      <main class="popup">
        <p class="error">{t('popup_error', [error])}</p>
      </main>
    );
  if (!view)
    return (
      <main class="popup" aria-busy="true">
        <p>{t('popup_loading')}</p>
      </main>
    );
  const complaints = view.merchant?.complaints ?? view.domainComplaints;
  return (
    <main class="popup">
      <Verdict view={view} />
      <section aria-labelledby="reasons-heading">
        <h2 id="reasons-heading">{t('popup_reasonsHeading')}</h2>
        <ul class="reasons">
          {view.verdict.reasons.map((reason) => (
            <li key={JSON.stringify(reason)} data-reason={reason.code}>
              {reason.code === 'lookalike' && view.identity ? (
                <LookalikeReason
                  reason={reason}
                  portalUrl={props.portalUrl}
                  onDismiss={() => void dismissLookalike(view.tabId, view.identity?.domain ?? '')}
                />
              ) : (
                reasonWords(reason, translator)
              )}
            </li>
          ))}
        </ul>
      </section>
      {view.flag ? (
        <section aria-labelledby="flag-heading">
          <h2 id="flag-heading">{t('popup_flagHeading')}</h2>
          <p>{view.flag.summary}</p>
        </section>
      ) : null}
      {view.merchant ? <MerchantDetails merchant={view.merchant} /> : null}
      {view.page && view.identity && !view.merchant ? <PageChecklist page={view.page} /> : null}
      {view.merchant ? (
        <p class="certificate-link">
          <a
            href={portalAddress(props.portalUrl, PORTAL_PATHS.certificate(view.merchant.id), translator.lang)}
            target="_blank"
            rel="noreferrer"
            data-certificate={view.merchant.id}
          >
            {t('popup_certificateLink')}
          </a>
        </p>
      ) : null}
      {view.merchant ? <LabelList labels={view.merchant.labels} now={now} /> : null}
      {view.identity ? <ComplaintList complaints={complaints} answers={view.merchant?.answers} /> : null}
      <Freshness directory={view.directory} now={now} />
      {view.reportUrl ? <ReportPanel tabId={view.tabId} recentReport={view.recentReport} /> : null}
      {view.identity ? (
        <SiteChoiceControls
          key={JSON.stringify(view.site)}
          domain={view.identity.domain}
          display={view.identity.display}
          initial={view.site}
        />
      ) : null}
      <footer class="links">
        <HelpLink portalUrl={props.portalUrl} />
        <a href="/options.html" target="_blank" rel="noopener">
          {t('popup_settings')}
        </a>
      </footer>
    </main>
  );
}
