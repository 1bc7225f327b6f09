import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { DirectoryIndex } from '../directory/directory-index.ts';
import type { DirectoryMeta } from './database.ts';
import type { DirectoryStore } from './directory-store.ts';
import { NO_SITE_CHOICE, type SiteChoice } from './setting-values.ts';
import { createShopJudge } from './shop-judge.ts';

// The judge leaves out a look-alike warning the shopper dismissed for the site, so the
// toolbar badge, the in-page badge and the popup (which all ask it) agree.

const index = new DirectoryIndex(
  testState({ merchants: [testMerchant({ id: 'atlas-electro', domains: ['atlas-electro.test'] })] }),
);
const store = { lookupFor: async () => ({ lookup: index, meta: {} as DirectoryMeta }) } as unknown as DirectoryStore;

function judgeWith(choices: Record<string, Partial<SiteChoice>>) {
  return createShopJudge({
    store,
    now: () => new Date('2026-11-27T10:00:00Z'),
    siteChoice: async (domain) => ({ ...NO_SITE_CHOICE, ...choices[domain] }),
  });
}

describe('the shop judge and a dismissed look-alike', () => {
  it('warns of a look-alike until the shopper dismisses it for that site only', async () => {
    const before = await judgeWith({}).judge('https://atlas-electroo.test/promo');
    expect(before.verdict).toEqual({
      level: 'caution',
      reasons: [
        { code: 'lookalike', of: 'atlas-electro.test', merchantId: 'atlas-electro' },
        { code: 'not-in-directory' },
      ],
    });
    const judge = judgeWith({ 'atlas-electroo.test': { lookalikeDismissed: true } });
    expect((await judge.judge('https://atlas-electroo.test/promo')).verdict).toEqual({
      level: 'unknown',
      reasons: [{ code: 'not-in-directory' }],
    });
    expect((await judge.judge('https://atlas-electr0.test/')).verdict.level).toBe('caution');
  });
});
