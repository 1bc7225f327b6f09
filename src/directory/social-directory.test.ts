import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { canonicalJson } from './bytes.ts';
import { DirectoryIndex } from './directory-index.ts';
import { describeSchemaError, directoryStateSchema, flaggedDomainSchema, shopKeySchema } from './schemas.ts';
import { verdictForInput } from './verdict.ts';

const NOW = new Date('2026-11-27T10:00:00Z');

const atlas = testMerchant({
  id: 'atlas-electro',
  domains: ['atlas-electro.test'],
  social: [
    { network: 'instagram', handle: 'atlas.electro' },
    // Written loosely before import canonicalised handles: still found.
    { network: 'facebook', handle: 'https://www.facebook.com/AtlasElectroMaroc' },
    { network: 'whatsapp', handle: '+212 6 12 34 56 78' },
    { network: 'youtube', handle: 'atlaselectro' },
  ],
});
const revoked = testMerchant({
  id: 'bazar-revoked',
  domains: ['bazar.test'],
  status: 'revoked',
  social: [{ network: 'tiktok', handle: '@bazar.deals' }],
});
const state = testState({
  merchants: [atlas, revoked],
  flagged: [
    {
      domain: 'instagram.com/promo.iphone.maroc',
      reason: 'fraud',
      since: '2026-10-01',
      summary: 'Paid, never shipped.',
    },
    {
      domain: 'wa.me/212700000001',
      reason: 'non-delivery',
      since: '2026-10-02',
      summary: 'Cash on delivery, empty box.',
    },
  ],
  domainComplaints: [{ domain: 'tiktok.com/@cheap.phones', complaints: { open: { fraud: 3 }, resolved: {} } }],
});

describe('the directory on social sellers', () => {
  const index = new DirectoryIndex(directoryStateSchema.parse(state));
  const level = (input: string) => verdictForInput(input, index, NOW).verdict.level;

  it.each([
    ['https://www.instagram.com/atlas.electro/', 'verified'],
    ['https://m.instagram.com/Atlas.Electro', 'verified'],
    ['https://web.facebook.com/atlaselectromaroc', 'verified'],
    ['https://api.whatsapp.com/send?phone=212612345678', 'verified'],
    ['https://wa.me/0612345678', 'verified'],
    ['https://www.tiktok.com/@bazar.deals', 'danger'],
    ['https://www.instagram.com/promo.iphone.maroc', 'danger'],
    ['https://wa.me/212700000001?text=commande', 'danger'],
    ['https://www.tiktok.com/@cheap.phones', 'caution'],
    ['https://www.tiktok.com/@someone.else', 'unknown'],
    ['https://www.instagram.com/atlas.electr0', 'unknown'],
    ['https://www.instagram.com/explore/', 'none'],
    ['https://www.youtube.com/@atlaselectro', 'unknown'],
  ])('%s is %s', (input, expected) => {
    expect(level(input)).toBe(expected);
  });

  it('names the flag and the merchant in the reasons', () => {
    expect(verdictForInput('https://wa.me/212700000001', index, NOW).verdict.reasons[0]).toEqual({
      code: 'flagged',
      reason: 'non-delivery',
      since: '2026-10-02',
    });
    expect(index.entryFor('instagram.com/atlas.electro').merchant?.id).toBe('atlas-electro');
    expect(index.entryFor('wa.me/212612345678').merchant?.id).toBe('atlas-electro');
  });

  it('keeps domain-only directories byte-identical', () => {
    const domainOnly = testState({
      merchants: [testMerchant({ id: 'plain', domains: ['plain.test'] })],
      flagged: [{ domain: 'evil.test', reason: 'fraud', since: '2026-10-01', summary: 'x' }],
    });
    expect(canonicalJson(directoryStateSchema.parse(domainOnly))).toBe(canonicalJson(domainOnly));
  });
});

describe('shop keys in directory files', () => {
  it.each([
    'atlas-electro.test',
    'instagram.com/atlas.electro',
    'tiktok.com/@atlas',
    'wa.me/212612345678',
    'facebook.com/100089123456789',
  ])('accepts %s', (key) => {
    expect(shopKeySchema.safeParse(key).success).toBe(true);
  });

  it.each([
    'Atlas-Electro.test',
    'instagram.com/Atlas',
    'www.instagram.com/atlas',
    'instagram.com/explore',
    'wa.me/0612345678',
    'wa.me/+212612345678',
    'evil.test/instagram.com/atlas',
    'instagram.com/atlas/',
    `instagram.com/${'a'.repeat(200)}`,
  ])('refuses %s with a message naming the field', (key) => {
    const result = flaggedDomainSchema.safeParse({ domain: key, reason: 'fraud', since: '2026-10-01', summary: 'x' });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeSchemaError(result.error, 'flag')).toMatch(/^flag: domain: /);
  });

  it('refuses a flagged key out of order, as for domains', () => {
    const unsorted = testState({
      flagged: [
        { domain: 'wa.me/212700000001', reason: 'fraud', since: '2026-10-01', summary: 'x' },
        { domain: 'instagram.com/promo', reason: 'fraud', since: '2026-10-01', summary: 'x' },
      ],
    });
    expect(directoryStateSchema.safeParse(unsorted).success).toBe(false);
  });

  it('refuses a network itself as a flagged shop', () => {
    const platform = testState({
      flagged: [{ domain: 'instagram.com', reason: 'fraud', since: '2026-10-01', summary: 'x' }],
    });
    const result = directoryStateSchema.safeParse(platform);
    expect(result.success).toBe(false);
    if (!result.success)
      expect(describeSchemaError(result.error, 'state')).toContain('instagram.com is not a shop identity');
  });
});
