import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import type { VerdictLevel } from '../directory/verdict.ts';
import { pageBadgeFor } from './page-badge.ts';
import type { DirectoryServices } from './request-handlers.ts';
import { createRequestHandlers } from './request-handlers.ts';
import { NO_SITE_CHOICE, type SiteChoice, type SiteChoices } from './setting-values.ts';
import type { Settings } from './settings.ts';
import type { Judgement } from './shop-judge.ts';

const judgement = (level: VerdictLevel): Judgement => ({
  identity:
    level === 'none' ? null : { kind: 'domain', domain: 'shop.test', display: 'shop.test', host: 'www.shop.test' },
  verdict: {
    level,
    reasons:
      level === 'danger'
        ? [{ code: 'flagged', reason: 'fraud', since: '2026-09-02' }]
        : level === 'caution'
          ? [{ code: 'complaints-open', open: 4, threshold: 3 }]
          : level === 'verified'
            ? [{ code: 'merchant-verified', verifiedAt: '2026-09-14', methods: ['commercial-register'] }]
            : level === 'none'
              ? [{ code: 'no-shop-identity', cause: 'ip-address' }]
              : [{ code: 'not-in-directory' }],
  },
  entry: null,
  meta: null,
});

const PORTAL = 'https://thiqa.example.ma';
const PAGE = 'https://www.shop.test/commande?ref=ad#form';
const site = (choice: Partial<SiteChoice>): SiteChoice => ({ ...NO_SITE_CHOICE, ...choice });
const warningFor = (level: VerdictLevel, choice: Partial<SiteChoice> = {}, lang: 'ar' | 'fr' | 'en' = 'en') =>
  pageBadgeFor(judgement(level), site(choice), localeTranslator(lang), PORTAL, PAGE).checkout;

describe('checkout warning', () => {
  it.each<[VerdictLevel, Partial<SiteChoice>, boolean]>([
    ['unknown', {}, true],
    ['caution', {}, true],
    ['danger', {}, true],
    ['verified', {}, false],
    ['none', {}, false],
    ['unknown', { checkoutContinued: true }, false],
    ['caution', { checkoutContinued: true }, false],
    ['unknown', { trusted: true }, false],
    ['caution', { trusted: true }, false],
    // Hiding the corner badge is not "continue": the order form still warns.
    ['unknown', { hideBadge: true }, true],
    // Danger warns at every order form, whatever the shopper chose before.
    ['danger', { checkoutContinued: true }, true],
    ['danger', { trusted: true, checkoutContinued: true, hideBadge: true }, true],
  ])('%s with %j warns: %s', (level, choice, warns) => {
    expect(warningFor(level, choice).warn).toBe(warns);
  });

  it('says what is wrong and what to check, in French', () => {
    const warning = warningFor('unknown', {}, 'fr');
    expect(warning.title).toBe('Avant de commander : personne n’a vérifié cette boutique');
    expect(warning.detail).toMatch(/annuaire|Thiqa/);
    expect(warning.tips.join(' ')).toContain('devant le livreur');
    expect(warning.tips.join(' ')).toContain('acompte');
    expect(warning.continueLabel).toBe('Continuer ma commande');
  });

  it('speaks Arabic and names the flag on a danger shop', () => {
    const warning = warningFor('danger', {}, 'ar');
    expect(warning.title).toBe('لا تطلب: ثقة تحذّرك من هذا المتجر');
    expect(warning.detail).toContain('الاحتيال');
    expect(warning.tips.join(' ')).toContain('عند الاستلام');
    expect(warning.continueLabel).toBe('المتابعة رغم ذلك');
  });

  it('links to the portal’s report form naming the page without its query or fragment', () => {
    const url = new URL(warningFor('caution').reportUrl ?? '');
    expect(url.origin + url.pathname).toBe('https://thiqa.example.ma/report');
    expect(url.searchParams.get('url')).toBe('https://www.shop.test/commande');
    expect(url.searchParams.get('lang')).toBe('en');
  });
});

describe('continueCheckout', () => {
  function handlersFor(level: VerdictLevel) {
    const stored: SiteChoices = {};
    const settings: Settings = {
      language: async () => 'en',
      setLanguage: async () => {},
      siteChoices: async () => stored,
      siteChoice: async (domain) => stored[domain] ?? NO_SITE_CHOICE,
      setSiteChoice: async (domain, change) => {
        stored[domain] = { ...(stored[domain] ?? NO_SITE_CHOICE), ...change };
        return stored[domain];
      },
    };
    const services = { judge: { judge: async () => judgement(level) } } as unknown as DirectoryServices;
    const handlers = createRequestHandlers({
      services: Promise.resolve(services),
      settings,
      translator: async () => localeTranslator('en'),
      tabUrl: async () => PAGE,
      now: () => new Date('2026-11-30T10:00:00Z'),
      portalUrl: PORTAL,
      onSiteChoiceChanged: () => {},
      // No page evidence read: the verdict is the directory's alone.
      pageEvidence: { save: async () => {}, forTab: async () => null, clear: async () => {} },
      onPageEvidence: () => {},
    });
    return { handlers, stored };
  }
  const caller = { kind: 'content-script', tabId: 3 } as const;

  it('remembers "continue" for the sender’s own site, which then no longer warns', async () => {
    const { handlers, stored } = handlersFor('unknown');
    await handlers.continueCheckout({ type: 'continueCheckout' }, caller);
    expect(stored['shop.test']?.checkoutContinued).toBe(true);
    expect((await handlers.getPageBadge({ type: 'getPageBadge' }, caller)).checkout.warn).toBe(false);
  });

  it('remembers nothing on a danger shop', async () => {
    const { handlers, stored } = handlersFor('danger');
    await handlers.continueCheckout({ type: 'continueCheckout' }, caller);
    expect(stored).toEqual({});
    expect((await handlers.getPageBadge({ type: 'getPageBadge' }, caller)).checkout.warn).toBe(true);
  });

  it('refuses a page without a shop and an extension page', async () => {
    await expect(handlersFor('none').handlers.continueCheckout({ type: 'continueCheckout' }, caller)).rejects.toThrow(
      'no shop identity',
    );
    await expect(
      handlersFor('unknown').handlers.continueCheckout({ type: 'continueCheckout' }, { kind: 'extension-page' }),
    ).rejects.toThrow('content script');
  });
});
