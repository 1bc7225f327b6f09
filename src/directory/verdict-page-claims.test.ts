import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { readClaims } from '../extension/page-claims.ts';
import { DirectoryIndex } from './directory-index.ts';
import { iceWithCheckDigits } from './ice.ts';
import type { PageEvidence } from './page-evidence.ts';
import { shopIdentity } from './shop-identity.ts';
import { verdictFor } from './verdict.ts';

// What a page says about itself, added to the verdict: forged seals, an ICE borrowed from
// a verified merchant, an ICE failing its check digits (issue 14 items 3 and 5).

const NOW = new Date('2026-11-27T10:00:00Z');
const ATLAS_ICE = iceWithCheckDigits('2000000000001');
const directory = new DirectoryIndex(
  testState({
    merchants: [
      testMerchant({
        id: 'atlas',
        ice: ATLAS_ICE,
        tradeNames: ['Atlas Électro'],
        domains: ['atlas.test'],
        labels: [
          { kind: 'e-thiq', issuer: 'e-thiq', reference: 'E-1', issued: '2026-01-01', validUntil: '2027-01-01' },
        ],
      }),
      testMerchant({ id: 'gone', domains: ['gone.test'], status: 'revoked', ice: iceWithCheckDigits('2000000000002') }),
    ],
  }),
);
const evidence = (partial: Partial<PageEvidence>): PageEvidence => ({
  ices: [],
  mentions: [],
  legalPagePath: null,
  seals: [],
  ...partial,
});
const judge = (domain: string, claims: Partial<PageEvidence> | null) => {
  const verdict = verdictFor(shopIdentity(domain), directory, NOW, { evidence: claims && evidence(claims) });
  return [verdict.level, verdict.reasons.map((reason) => reason.code)];
};

describe('page claims in the verdict', () => {
  it.each<[string, string, Partial<PageEvidence> | null, [string, string[]]]>([
    ['no evidence', 'shop.test', null, ['unknown', ['not-in-directory']]],
    ['missing mentions are not a level', 'shop.test', { mentions: [] }, ['unknown', ['not-in-directory']]],
    ['an invalid ICE', 'shop.test', { ices: ['001534287000042'] }, ['caution', ['ice-invalid', 'not-in-directory']]],
    ['a valid ICE of nobody', 'shop.test', { ices: ['001534287000041'] }, ['unknown', ['not-in-directory']]],
    [
      "a verified merchant's ICE elsewhere",
      'clone.test',
      { ices: [ATLAS_ICE] },
      ['danger', ['ice-impersonation', 'not-in-directory']],
    ],
    ["the merchant's own ICE at home", 'atlas.test', { ices: [ATLAS_ICE] }, ['verified', ['merchant-verified']]],
    [
      "a revoked merchant's ICE elsewhere is no impersonation",
      'x.test',
      { ices: [iceWithCheckDigits('2000000000002')] },
      ['unknown', ['not-in-directory']],
    ],
    [
      'an unknown shop claiming a seal',
      'shop.test',
      { seals: ['cndp'] },
      ['danger', ['forged-seal', 'not-in-directory']],
    ],
    [
      'a verified merchant claiming what it holds',
      'atlas.test',
      { seals: ['e-thiq', 'verified-claim', 'thiqa-badge'] },
      ['verified', ['merchant-verified']],
    ],
    [
      'a verified merchant claiming a label it lacks',
      'atlas.test',
      { seals: ['e-thiq', 'fnem-member'] },
      ['caution', ['forged-seal', 'merchant-verified']],
    ],
    [
      'a revoked merchant still saying "verified"',
      'gone.test',
      { seals: ['verified-claim'] },
      ['danger', ['merchant-revoked', 'forged-seal']],
    ],
  ])('%s', (_name, domain, claims, expected) => {
    expect(judge(domain, claims)).toEqual(expected);
  });

  it('names the forged marks and the impersonated merchant', () => {
    const verdict = verdictFor(shopIdentity('clone.test'), directory, NOW, {
      evidence: evidence({ ices: [ATLAS_ICE], seals: ['e-thiq', 'thiqa-badge'] }),
    });
    expect(verdict.reasons.slice(0, 2)).toEqual([
      { code: 'ice-impersonation', ice: ATLAS_ICE, merchant: 'Atlas Électro', merchantId: 'atlas' },
      { code: 'forged-seal', marks: ['e-thiq', 'thiqa-badge'] },
    ]);
  });
});

// Review of issue 14 (attack review). On a social network the page is the network's: a
// TikTok video or a Facebook page shows other people's comments and posts beside the
// seller's words, and the content script reads that text all the same. A competitor who
// comments "Paiement CMI · déclaré CNDP" or pastes another merchant's ICE under a verified
// seller's video turns that seller `danger` for every shopper who opens the video.
describe('review 14: what others write on a social seller’s page', () => {
  const SOUK_ICE = iceWithCheckDigits('2000000000003');
  const social = new DirectoryIndex(
    testState({
      merchants: [
        testMerchant({
          id: 'atlas-social',
          ice: iceWithCheckDigits('2000000000004'),
          domains: ['atlas-social.test'],
          social: [{ network: 'tiktok', handle: '@atlas.electro' }],
        }),
        testMerchant({ id: 'souk', ice: SOUK_ICE, domains: ['souk.test'] }),
      ],
    }),
  );
  it('a verified seller stays verified whatever the comments under its video say', () => {
    const identity = shopIdentity('https://www.tiktok.com/@atlas.electro/video/7300000000000000000');
    expect(identity?.kind).toBe('social');
    const verdict = verdictFor(identity, social, NOW, {
      evidence: evidence({ ices: [SOUK_ICE], seals: ['cmi-payment', 'cndp'] }),
    });
    expect([verdict.level, verdict.reasons.map((reason) => reason.code)]).toEqual(['verified', ['merchant-verified']]);
  });
});

// The same attack on a merchant's own site: product reviews, questions and answers are
// other people's words printed in the page. One review naming a competitor's ICE or "déclaré
// CNDP" turns a verified merchant `danger` ("impersonation", "forged seal"). Marked
// Decided: on a merchant of the directory, another's ICE is no impersonation and a mark it
// does not hold is a caution, not danger (docs/verdict-rules.md).
describe('review 14: a customer review on a verified merchant’s page', () => {
  it('a review quoting another merchant’s ICE and a CNDP declaration does not make Atlas danger', () => {
    const other = iceWithCheckDigits('2000000000002');
    const review = `Avis de Karim ★☆☆☆☆ : j'ai préféré l'autre boutique, ICE : ${other}, déclarée CNDP.`;
    const claims = readClaims({ text: review, hints: [], links: [] }, null);
    const directoryWithSouk = new DirectoryIndex(
      testState({
        merchants: [
          testMerchant({ id: 'atlas', ice: ATLAS_ICE, domains: ['atlas.test'] }),
          testMerchant({ id: 'souk', ice: other, domains: ['souk.test'] }),
        ],
      }),
    );
    const verdict = verdictFor(shopIdentity('atlas.test'), directoryWithSouk, NOW, {
      evidence: { ...claims, legalPagePath: null },
    });
    expect(verdict.level).toBe('caution');
    expect(verdict.reasons.map((reason) => reason.code)).toEqual(['forged-seal', 'merchant-verified']);
  });
});
