import { legalChecklist, type PageEvidence } from '../directory/page-evidence.ts';
import { keptShopUrl } from '../directory/report-contract.ts';
import { directoryStatus } from './directory-status.ts';
import type { DirectoryStore } from './directory-store.ts';
import type { DirectorySync } from './directory-sync.ts';
import type { Handlers } from './message-router.ts';
import { toReportView } from './messages.ts';
import { pageBadgeFor } from './page-badge.ts';
import { legalPageLink, mergeEvidence, readClaims } from './page-claims.ts';
import type { PageEvidenceStore } from './page-evidence-store.ts';
import type { ReportOutbox } from './report-outbox.ts';
import { NO_SITE_CHOICE } from './setting-values.ts';
import type { Settings } from './settings.ts';
import type { Judgement, ShopJudge } from './shop-judge.ts';
import type { Translator } from './translator.ts';

/** A report on the same page within this time is shown again rather than offered anew. */
const RECENT_REPORT_MS = 86_400_000;

const NO_PAGE_EVIDENCE: PageEvidence = { ices: [], mentions: [], legalPagePath: null, seals: [] };

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The services that need the database; the worker opens it once per wake. */
export interface DirectoryServices {
  store: DirectoryStore;
  sync: DirectorySync;
  outbox: ReportOutbox;
  judge: ShopJudge;
}

/** The answers to every request of the protocol; the router has already checked who asks. */
export function createRequestHandlers(deps: {
  services: Promise<DirectoryServices>;
  settings: Settings;
  translator: () => Promise<Translator>;
  tabUrl: (tabId: number) => Promise<string | undefined>;
  now: () => Date;
  /** The publisher's portal, which the in-page badge links to. */
  portalUrl: string;
  /** Repaints toolbar badges after a choice that changes them. */
  onSiteChoiceChanged: () => void;
  /** What each tab's page said about itself. */
  pageEvidence: PageEvidenceStore;
  /** Repaints one tab's toolbar badge (after its page's evidence came in). */
  onPageEvidence: (tabId: number) => void;
}): Handlers {
  const { settings, now } = deps;
  const portalOrigin = originOf(deps.portalUrl);
  const judge = {
    judge: async (url: string | undefined, evidence?: PageEvidence | null) =>
      (await deps.services).judge.judge(url, evidence),
  };
  /** A tab's verdict with what its page said about itself, when the content script read it. */
  const siteOf = (judgement: Judgement) =>
    judgement.identity ? settings.siteChoice(judgement.identity.domain) : Promise.resolve(NO_SITE_CHOICE);
  /** The in-page badge (and checkout warning) for a page judged with what it said about itself. */
  const badgeFor = async (judgement: Judgement, url: string | undefined) =>
    pageBadgeFor(judgement, await siteOf(judgement), await deps.translator(), deps.portalUrl, url);
  const judgeTab = async (tabId: number) => {
    const url = await deps.tabUrl(tabId);
    const evidence = await deps.pageEvidence.forTab(tabId, url);
    return { url, evidence, judgement: await judge.judge(url, evidence) };
  };
  const outbox = async () => (await deps.services).outbox;
  const status = async () => directoryStatus(await (await deps.services).store.readMeta(), now());

  return {
    async getPageBadge(_request, caller) {
      if (caller.kind !== 'content-script') throw new Error('only a content script has a page');
      // With what the page said about itself, when it said it: the checkout warning asks later.
      const { url, judgement } = await judgeTab(caller.tabId);
      return badgeFor(judgement, url);
    },
    async hidePageBadge(_request, caller) {
      if (caller.kind !== 'content-script') throw new Error('only a content script has a page');
      const { identity } = await judge.judge(await deps.tabUrl(caller.tabId));
      if (!identity) throw new Error('this page has no shop identity');
      return settings.setSiteChoice(identity.domain, { hideBadge: true });
    },
    async continueCheckout(_request, caller) {
      if (caller.kind !== 'content-script') throw new Error('only a content script has a page');
      const { identity, verdict } = (await judgeTab(caller.tabId)).judgement;
      if (!identity) throw new Error('this page has no shop identity');
      // A danger shop warns at every order form: "continue" hides it for this page only.
      if (verdict.level === 'danger') return settings.siteChoice(identity.domain);
      return settings.setSiteChoice(identity.domain, { checkoutContinued: true });
    },
    async reportPageFacts({ facts, legalPagePath }, caller) {
      if (caller.kind !== 'content-script') throw new Error('only a content script has a page');
      const url = await deps.tabUrl(caller.tabId);
      if (!url) throw new Error('this tab shows no page');
      // The claims are read here, off the shopper's page (page-claims.ts); only what was
      // found is kept, never the page's text.
      const claims = readClaims(facts, portalOrigin);
      let evidence: PageEvidence;
      let legalPage: URL | null = null;
      if (legalPagePath === null) {
        evidence = { ...claims, legalPagePath: null };
        legalPage = legalPageLink(facts.links, url);
      } else {
        const page = (await deps.pageEvidence.forTab(caller.tabId, url)) ?? NO_PAGE_EVIDENCE;
        evidence = mergeEvidence(page, claims, legalPagePath);
      }
      await deps.pageEvidence.save(caller.tabId, url, evidence);
      deps.onPageEvidence(caller.tabId);
      return { badge: await badgeFor(await judge.judge(url, evidence), url), legalPage: legalPage?.href ?? null };
    },
    async getTabView({ tabId }) {
      const { url, evidence, judgement } = await judgeTab(tabId);
      const reportUrl = judgement.identity && url ? keptShopUrl(url, judgement.identity) : null;
      const dayAgo = now().getTime() - RECENT_REPORT_MS;
      const recent = reportUrl
        ? (await (await outbox()).list()).find(
            (report) => report.url === reportUrl && Date.parse(report.createdAt) >= dayAgo,
          )
        : undefined;
      return {
        tabId,
        identity: judgement.identity && { domain: judgement.identity.domain, display: judgement.identity.display },
        verdict: judgement.verdict,
        merchant: judgement.entry?.merchant ?? null,
        flag: judgement.entry?.flag ?? null,
        domainComplaints: judgement.entry?.domainComplaints ?? null,
        directory: directoryStatus(judgement.meta ?? undefined, now()),
        site: await siteOf(judgement),
        reportUrl,
        recentReport: recent ? toReportView(recent) : null,
        page: evidence ? { evidence, checklist: legalChecklist(evidence) } : null,
      };
    },
    async submitReport({ tabId, shareWithMerchant }) {
      const url = await deps.tabUrl(tabId);
      const { identity } = await judge.judge(url);
      if (!identity || !url) throw new Error('this tab shows no shop to report');
      const reportUrl = keptShopUrl(url, identity);
      const translator = await deps.translator();
      return toReportView(
        await (await outbox()).enqueue({
          url: reportUrl,
          domain: identity.domain,
          lang: translator.lang,
          shareWithMerchant: shareWithMerchant === true,
        }),
      );
    },
    async amendReport({ idempotencyKey, reason, details }) {
      return toReportView(await (await outbox()).amend(idempotencyKey, { reason, details }));
    },
    async listReports({ refresh }) {
      const reports = await outbox();
      if (refresh) {
        await reports.flush();
        await reports.refreshStatuses();
      }
      return (await reports.list()).map(toReportView);
    },
    async reportOutcome({ idempotencyKey, resolved, rating }) {
      const outcome = { ...(resolved ? { resolved } : {}), ...(rating ? { rating } : {}) };
      return toReportView(await (await outbox()).recordOutcome(idempotencyKey, outcome));
    },
    async withdrawReport({ idempotencyKey }) {
      return toReportView(await (await outbox()).withdraw(idempotencyKey));
    },
    getDirectoryStatus: status,
    async syncDirectory() {
      await (await deps.services).sync.sync();
      return status();
    },
    async getSettings() {
      return { language: await settings.language(), siteChoices: await settings.siteChoices() };
    },
    async setLanguage({ language }) {
      await settings.setLanguage(language);
      deps.onSiteChoiceChanged();
      return language;
    },
    async setSiteChoice({ type: _type, domain, ...change }) {
      // Only the choices the page named change; the schema allows no other key.
      const patch = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
      const choice = await settings.setSiteChoice(domain, patch);
      deps.onSiteChoiceChanged();
      return choice;
    },
  };
}
