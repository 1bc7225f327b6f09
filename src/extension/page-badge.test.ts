import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import { testMerchant } from '../../test/support/test-directory.ts';
import type { VerdictLevel } from '../directory/verdict.ts';
import { pageBadgeFor } from './page-badge.ts';
import { NO_SITE_CHOICE, type SiteChoice } from './setting-values.ts';
import type { Judgement } from './shop-judge.ts';

const judgement = (level: VerdictLevel): Judgement => ({
  identity:
    level === 'none' ? null : { kind: 'domain', domain: 'shop.test', display: 'shop.test', host: 'www.shop.test' },
  verdict: {
    level,
    reasons:
      level === 'danger'
        ? [{ code: 'flagged', reason: 'fraud', since: '2026-09-02' }]
        : level === 'none'
          ? [{ code: 'no-shop-identity', cause: 'ip-address' }]
          : [{ code: 'not-in-directory' }],
  },
  entry: null,
  meta: null,
});

const PORTAL = 'https://thiqa.example.ma';

const site = (choice: Partial<SiteChoice>): SiteChoice => ({ ...NO_SITE_CHOICE, ...choice });

describe('in-page badge', () => {
  it.each<[VerdictLevel, Partial<SiteChoice>, boolean]>([
    ['verified', {}, true],
    ['caution', {}, true],
    ['danger', {}, true],
    ['unknown', {}, true],
    ['none', {}, false],
    ['unknown', { hideBadge: true }, false],
    ['danger', { hideBadge: true }, false],
    ['unknown', { trusted: true }, false],
    ['caution', { trusted: true }, false],
    // A flag raised after the shopper trusted the shop must still reach them.
    ['danger', { trusted: true }, true],
  ])('%s with %j shows: %s', (level, choice, shown) => {
    expect(pageBadgeFor(judgement(level), site(choice), localeTranslator('en'), PORTAL).show).toBe(shown);
  });

  it('says the first reason in the shopper’s language and direction', () => {
    const badge = pageBadgeFor(judgement('danger'), site({}), localeTranslator('ar'), PORTAL);
    expect(badge).toMatchObject({ lang: 'ar', dir: 'rtl', brand: 'ثقة', title: 'خطر: لا تدفع لهذا المتجر' });
    expect(badge.detail).toContain('الاحتيال');
    expect(badge.certificateUrl).toBeNull();
  });

  it('links a merchant’s badge to its certificate page in the shopper’s language', () => {
    const merchant = testMerchant({ id: 'atlas-electro', domains: ['shop.test'] });
    const verified = { ...judgement('verified'), entry: { merchant, flag: null, domainComplaints: null } };
    const badge = pageBadgeFor(verified, site({}), localeTranslator('fr'), PORTAL);
    expect(badge.certificateUrl).toBe('https://thiqa.example.ma/merchants/atlas-electro?lang=fr');
    expect(badge.certificateLabel).toBe('Certificat');
  });

  it('says which verified shop a look-alike looks like, and links to that merchant’s certificate', () => {
    const lookalike: Judgement = {
      identity: {
        kind: 'domain',
        domain: 'atlas-electroo.test',
        display: 'atlas-electroo.test',
        host: 'atlas-electroo.test',
      },
      verdict: {
        level: 'caution',
        reasons: [
          { code: 'lookalike', of: 'atlas-electro.test', merchantId: 'atlas-electro' },
          { code: 'not-in-directory' },
        ],
      },
      entry: null,
      meta: null,
    };
    const badge = pageBadgeFor(lookalike, site({}), localeTranslator('fr'), PORTAL);
    expect(badge.detail).toBe('Ressemble à atlas-electro.test, boutique vérifiée, mais c’est un autre site.');
    expect(badge.certificateUrl).toBe('https://thiqa.example.ma/merchants/atlas-electro?lang=fr');
    expect(badge.certificateLabel).toBe('Certificat de atlas-electro.test');
  });
});
