import '../src/extension/zod-setup.ts';
import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { parsePublicKeys } from '../src/directory/signing.ts';
import { DIRECTORY_URL, PORTAL_URL, PUBLIC_KEYS, REPORTS_ORIGIN } from '../src/extension/build-settings.ts';
import { loadBundledDirectory } from '../src/extension/bundled-directory.ts';
import { openThiqaDatabase } from '../src/extension/database.ts';
import { createDirectoryStore } from '../src/extension/directory-store.ts';
import { createDirectorySync, nextSyncDelay, SYNC_EVERY_MS } from '../src/extension/directory-sync.ts';
import { createMessageRouter, type MessageSender } from '../src/extension/message-router.ts';
import { createPageEvidenceStore } from '../src/extension/page-evidence-store.ts';
import { createReportOutbox } from '../src/extension/report-outbox.ts';
import { createRequestHandlers } from '../src/extension/request-handlers.ts';
import { createSettings } from '../src/extension/settings.ts';
import { createShopJudge } from '../src/extension/shop-judge.ts';
import { createRepaintTurns, paintToolbarBadge, type ToolbarAction } from '../src/extension/toolbar-badge.ts';
import { loadTranslator, type Translator } from '../src/extension/translator.ts';
import { markWake } from '../src/extension/wake-timing.ts';

const SYNC_ALARM = 'thiqa-sync';
const OUTBOX_ALARM = 'thiqa-outbox';

// Wiring only: the services live in src/extension/ and get their dependencies here.
// Listeners are registered synchronously so a waking worker receives the event that woke it.
export default defineBackground(() => {
  markWake('script');
  const now = () => new Date();
  const fetchFn = (input: string, init?: RequestInit) => fetch(input, init);
  const action = (browser.action ?? browser.browserAction) as unknown as ToolbarAction;
  const settings = createSettings();
  const pageEvidence = createPageEvidenceStore();
  // One translator per language per wake: badges are painted on every navigation.
  const translators = new Map<string, Promise<Translator>>();
  const translator = async () => {
    const language = await settings.language();
    let loaded = translators.get(language);
    if (!loaded) {
      loaded = loadTranslator(language);
      translators.set(language, loaded);
    }
    return loaded;
  };

  const services = (async () => {
    const db = await openThiqaDatabase();
    markWake('database-open');
    const store = createDirectoryStore(db, { verifiedSeal: sessionVerifiedSeal() });
    // Most wakes are a navigation to judge: start reading the stored index now, beside the
    // set-up below and the tab's page evidence, rather than when the first verdict asks.
    void store.compact().catch(() => {});
    const sync = createDirectorySync({
      fetch: fetchFn,
      store,
      now,
      directoryUrl: DIRECTORY_URL,
      publicKeys: await parsePublicKeys(PUBLIC_KEYS).catch(() => []),
    });
    const outbox = createReportOutbox({
      db,
      fetch: fetchFn,
      now,
      reportsOrigin: REPORTS_ORIGIN,
      clientVersion: browser.runtime.getManifest().version,
      randomUUID: () => crypto.randomUUID(),
      scheduleRetry: (at) => scheduleOutboxRetry(at),
    });
    const judge = createShopJudge({ store, now, siteChoice: (domain) => settings.siteChoice(domain) });
    store.onChange(() => void repaintAllTabs());
    return { store, sync, outbox, judge };
  })();

  /** The seal of the index verified whole in this browser session (directory-store.ts VerifiedSeal). */
  function sessionVerifiedSeal() {
    const session = browser.storage.session;
    if (!session) return undefined;
    const key = 'verifiedIndexSeal';
    return {
      get: async () => {
        const value = (await session.get(key))[key];
        return typeof value === 'string' ? value : null;
      },
      set: (seal: string) => session.set({ [key]: seal }),
    };
  }

  const repaintTurns = createRepaintTurns();
  async function repaintTab(tabId: number, url: string | undefined) {
    markWake('repaint-asked');
    const latest = repaintTurns.begin(tabId);
    const { judge } = await services;
    try {
      const evidence = await pageEvidence.forTab(tabId, url);
      markWake('evidence-read');
      const judgement = await judge.judge(url, evidence);
      markWake('judged');
      const words = await translator();
      // A repaint that began since (a directory update, a new page) paints what it judged.
      if (!latest()) return;
      await paintToolbarBadge(action, tabId, judgement, words);
      markWake('badge-painted');
    } catch {
      // The tab closed, or the browser is shutting down, while we judged it.
    }
  }
  /** What a closed or reloaded tab's page said goes; a browser shutting down may refuse the write. */
  const forgetPageEvidence = (tabId: number) => pageEvidence.clear(tabId).catch(() => {});
  async function repaintAllTabs() {
    for (const tab of await browser.tabs.query({})) if (tab.id !== undefined) await repaintTab(tab.id, tab.url);
  }

  async function syncAndReschedule() {
    const { sync } = await services;
    const outcome = await sync.sync();
    await browser.alarms.create(SYNC_ALARM, { when: Date.now() + nextSyncDelay(outcome, Math.random) });
  }

  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  function scheduleOutboxRetry(at: Date) {
    // The alarm survives the worker; the timer makes short waits short while it is awake.
    void browser.alarms.create(OUTBOX_ALARM, { when: Math.max(at.getTime(), Date.now() + 30_000) });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void services.then(({ outbox }) => outbox.flush()), at.getTime() - Date.now());
  }

  browser.runtime.onInstalled.addListener(async () => {
    const { store } = await services;
    await loadBundledDirectory({ fetch: fetchFn, store, url: browser.runtime.getURL('/directory/snapshot.json') });
    await syncAndReschedule();
  });
  browser.runtime.onStartup.addListener(() => void syncAndReschedule());
  browser.alarms.onAlarm.addListener(async (alarm) => {
    if (alarm.name === SYNC_ALARM) await syncAndReschedule();
    if (alarm.name === OUTBOX_ALARM) await (await services).outbox.flush();
  });
  browser.tabs.onUpdated.addListener(async (tabId, change, tab) => {
    // A new page says new things about itself: what the last one said goes (a same-page
    // URL change keeps it, but it counts only for the URL it was read on).
    if (change.status === 'loading') await forgetPageEvidence(tabId);
    if (change.url !== undefined || change.status === 'loading') void repaintTab(tabId, tab.url);
  });
  browser.tabs.onRemoved.addListener((tabId) => {
    repaintTurns.forget(tabId);
    void forgetPageEvidence(tabId);
  });

  const router = createMessageRouter(
    createRequestHandlers({
      services,
      settings,
      translator,
      tabUrl: async (tabId) => (await browser.tabs.get(tabId)).url,
      now,
      portalUrl: PORTAL_URL,
      onSiteChoiceChanged: () => void repaintAllTabs(),
      pageEvidence,
      onPageEvidence: (tabId) =>
        void browser.tabs.get(tabId).then(
          (tab) => repaintTab(tabId, tab.url),
          () => {
            // The tab closed since it sent its page.
          },
        ),
    }),
    browser.runtime.id,
    browser.runtime.getURL('/'),
  );
  browser.runtime.onMessage.addListener((message: unknown, sender: MessageSender) => router(message, sender));

  // Back online: waiting reports need not wait for their next retry time.
  globalThis.addEventListener('online', () => void services.then(({ outbox }) => outbox.flush({ evenIfNotDue: true })));

  // Every wake: reports left in the outbox by an earlier worker or browser session go
  // out now, and the sync alarm exists even if the browser dropped it.
  void services.then(({ outbox }) => outbox.flush());
  void browser.alarms.get(SYNC_ALARM).then((alarm) => {
    if (!alarm) void browser.alarms.create(SYNC_ALARM, { when: Date.now() + SYNC_EVERY_MS * Math.random() });
  });
});
