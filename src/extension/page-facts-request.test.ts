import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import type { PageEvidence } from '../directory/page-evidence.ts';
import { requestSchema } from './messages.ts';
import { PAGE_TEXT_MAX } from './page-fact-limits.ts';
import type { DirectoryServices } from './request-handlers.ts';
import { createRequestHandlers } from './request-handlers.ts';
import { NO_SITE_CHOICE } from './setting-values.ts';
import type { Settings } from './settings.ts';

// The content script hands a shop page's text, image words and links to the background,
// which reads the claims in them (off the shopper's page) and keeps only what it found.

const PAGE = 'https://www.shop.test/produit/sac';
const caller = { kind: 'content-script', tabId: 7 } as const;

function setUp() {
  const saved = new Map<number, PageEvidence>();
  const judged: Array<PageEvidence | null | undefined> = [];
  const services = {
    judge: {
      judge: async (_url: string, evidence?: PageEvidence | null) => {
        judged.push(evidence);
        return {
          identity: { kind: 'domain', domain: 'shop.test', display: 'shop.test', host: 'www.shop.test' },
          verdict: { level: 'unknown', reasons: [{ code: 'not-in-directory' }] },
          entry: null,
          meta: null,
        };
      },
    },
  } as unknown as DirectoryServices;
  const settings = { siteChoice: async () => NO_SITE_CHOICE, language: async () => 'en' } as unknown as Settings;
  const created = createRequestHandlers({
    services: Promise.resolve(services),
    settings,
    translator: async () => localeTranslator('en'),
    tabUrl: async () => PAGE,
    now: () => new Date('2026-11-30T10:00:00Z'),
    portalUrl: 'https://thiqa.example.ma',
    onSiteChoiceChanged: () => {},
    pageEvidence: {
      save: async (tabId, _url, evidence) => void saved.set(tabId, evidence),
      forTab: async (tabId) => saved.get(tabId) ?? null,
      clear: async () => {},
    },
    onPageEvidence: () => {},
  });
  return { handlers: created, saved, judged };
}

describe('reportPageFacts', () => {
  it('reads the claims in the background, keeps only the evidence, and names the same-site legal page', async () => {
    const { handlers, saved, judged } = setUp();
    const answer = await handlers.reportPageFacts(
      {
        type: 'reportPageFacts',
        legalPagePath: null,
        facts: {
          text: 'Sac en cuir 249 MAD TTC. ICE : 001234567000089. Paiement sécurisé CMI.',
          hints: ['badge-verifie.png'],
          links: [
            { href: 'https://other.test/mentions-legales', text: 'Mentions légales' },
            { href: 'https://www.shop.test/mentions-legales', text: 'Mentions légales' },
          ],
        },
      },
      caller,
    );
    expect(answer.legalPage).toBe('https://www.shop.test/mentions-legales');
    expect(answer.badge.level).toBe('unknown');
    const evidence = saved.get(7);
    expect(evidence?.ices).toEqual(['001234567000089']);
    expect(evidence?.mentions).toEqual(expect.arrayContaining(['ice', 'prices-with-taxes']));
    expect(evidence?.seals).toEqual(expect.arrayContaining(['cmi-payment', 'verified-claim']));
    expect(evidence?.legalPagePath).toBeNull();
    expect(judged.at(-1)).toEqual(evidence);
    // No text kept: the evidence is what was found, nothing more.
    expect(JSON.stringify(evidence)).not.toContain('Sac en cuir');
  });

  it('adds what the legal page says to what the page said', async () => {
    const { handlers, saved } = setUp();
    const facts = (text: string) => ({ text, hints: [], links: [] });
    await handlers.reportPageFacts(
      { type: 'reportPageFacts', legalPagePath: null, facts: facts('Prix 99 DH TTC') },
      caller,
    );
    const answer = await handlers.reportPageFacts(
      { type: 'reportPageFacts', legalPagePath: '/mentions-legales', facts: facts('Tél : 0522 12 34 56') },
      caller,
    );
    expect(answer.legalPage).toBeNull();
    expect(saved.get(7)?.mentions).toEqual(expect.arrayContaining(['prices-with-taxes', 'phone']));
    expect(saved.get(7)?.legalPagePath).toBe('/mentions-legales');
  });

  it('is refused beyond the reader’s bounds and from an extension page', async () => {
    const request = (text: string) => ({
      type: 'reportPageFacts',
      legalPagePath: null,
      facts: { text, hints: [], links: [] },
    });
    expect(requestSchema.safeParse(request('x'.repeat(PAGE_TEXT_MAX))).success).toBe(true);
    expect(requestSchema.safeParse(request('x'.repeat(PAGE_TEXT_MAX + 1))).success).toBe(false);
    const { handlers: created } = setUp();
    await expect(
      created.reportPageFacts(
        { type: 'reportPageFacts', legalPagePath: null, facts: { text: '', hints: [], links: [] } },
        { kind: 'extension-page' },
      ),
    ).rejects.toThrow(/content script/);
  });
});
