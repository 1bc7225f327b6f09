import { describe, expect, it } from 'vitest';
import { LookalikeIndex, nameSkeleton } from './lookalike.ts';

describe('look-alike names', () => {
  const index = new LookalikeIndex([
    'atlas-electro.test',
    'dar-argan.test',
    'souk-bladi.youcan.shop',
    'modern.ma',
    'ab.ma',
  ]);

  it.each([
    ['atlas-electr0.test', 'atlas-electro.test'], // digit for letter
    ['atlaselectro.test', 'atlas-electro.test'], // hyphen dropped
    ['atlas-electro.co.ma', 'atlas-electro.test'], // same name, other suffix
    [new URL('http://аtlas-electro.test').hostname, 'atlas-electro.test'], // Cyrillic а
    ['dar-argân.test', 'dar-argan.test'],
    ['souk-bladi.youcan.store', 'souk-bladi.youcan.shop'], // same tenant, sister platform
    ['souk-b1adi.test', 'souk-bladi.youcan.shop'],
    ['rnodern.ma', 'modern.ma'], // rn reads as m
  ])('%s imitates %s', (domain, imitated) => {
    expect(index.imitatedBy(domain)).toBe(imitated);
  });

  it.each(['atlas-electro.test', 'atlas-market.test', 'argan-dar.test', 'a-b.ma', 'ab.co.ma', 'bladi.test'])(
    '%s imitates nobody',
    (domain) => {
      expect(index.imitatedBy(domain)).toBeNull();
    },
  );

  it('reduces confusable characters to one skeleton', () => {
    expect(nameSkeleton('paypa1-maroc.ma')).toBe(nameSkeleton('paypal-maroc.ma'));
    expect(nameSkeleton('xn--80ak6aa92e.com')).toBe('apple'); // Cyrillic аррӏе
  });
});
