import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { DirectoryIndex } from './directory-index.ts';
import { shopIdentity } from './shop-identity.ts';
import { type VerdictLevel, verdictFor, verdictForInput } from './verdict.ts';

const NOW = new Date('2026-11-27T10:00:00Z');

const directory = new DirectoryIndex(
  testState({
    merchants: [
      testMerchant({ id: 'a-verified', domains: ['verified.test', 'verified-shop.youcan.shop'] }),
      testMerchant({
        id: 'b-labels',
        domains: ['labels.test'],
        labels: [
          { kind: 'e-thiq', issuer: 'e-thiq', reference: 'E-1', issued: '2025-01-01', validUntil: '2026-11-27' },
          { kind: 'cndp', issuer: 'CNDP', reference: 'D-W-903/2024', issued: '2024-01-01', validUntil: null },
        ],
      }),
      testMerchant({
        id: 'c-expired',
        domains: ['expired.test'],
        labels: [
          { kind: 'e-thiq', issuer: 'e-thiq', reference: 'E-2', issued: '2024-01-01', validUntil: '2026-11-26' },
        ],
      }),
      testMerchant({
        id: 'c-expired-undated',
        domains: ['expired-undated.test'],
        verification: { at: '2026-06-01', by: 'x', methods: ['phone-call'] },
        labels: [{ kind: 'e-thiq', issuer: 'e-thiq', reference: null, issued: null, validUntil: '2025-01-31' }],
      }),
      testMerchant({
        id: 'd-stale',
        domains: ['stale.test'],
        verification: { at: '2025-11-26', by: 'x', methods: ['phone-call'] },
      }),
      testMerchant({
        id: 'e-fresh',
        domains: ['fresh.test'],
        verification: { at: '2025-11-27', by: 'x', methods: ['phone-call'] },
      }),
      testMerchant({
        id: 'f-below',
        domains: ['below.test'],
        complaints: { open: { fraud: 1, 'non-delivery': 1 }, resolved: { other: 9 } },
      }),
      testMerchant({
        id: 'g-at',
        domains: ['at.test'],
        complaints: { open: { fraud: 1, 'non-delivery': 2 }, resolved: {} },
      }),
      testMerchant({ id: 'h-suspended', domains: ['suspended.test'], status: 'suspended' }),
      testMerchant({ id: 'i-revoked', domains: ['revoked.test'], status: 'revoked' }),
      testMerchant({ id: 'j-flagged', domains: ['flagged-merchant.test'] }),
    ],
    flagged: [
      { domain: 'fake.test', reason: 'fraud', since: '2026-10-01', summary: 'Never delivers.' },
      { domain: 'flagged-merchant.test', reason: 'phishing', since: '2026-10-02', summary: 'Hijacked.' },
      { domain: 'verifled.test', reason: 'impersonation', since: '2026-10-03', summary: 'Copies a verified shop.' },
    ],
    domainComplaints: [
      { domain: 'complained.test', complaints: { open: { 'non-delivery': 3 }, resolved: {} } },
      { domain: 'quiet.test', complaints: { open: { other: 1 }, resolved: {} } },
    ],
  }),
);

describe('verdictFor', () => {
  it.each<[string, VerdictLevel, string[]]>([
    ['verified.test', 'verified', ['merchant-verified']],
    ['https://www.verified.test/cart', 'verified', ['merchant-verified']],
    ['verified-shop.youcan.shop', 'verified', ['merchant-verified']],
    ['other-shop.youcan.shop', 'unknown', ['not-in-directory']],
    ['labels.test', 'verified', ['merchant-verified']], // valid until today inclusive
    ['expired.test', 'caution', ['label-expired', 'merchant-verified']],
    ['expired-undated.test', 'caution', ['label-expired', 'merchant-verified']], // no issue date, expired
    ['stale.test', 'caution', ['verification-stale', 'merchant-verified']],
    ['fresh.test', 'verified', ['merchant-verified']],
    ['below.test', 'verified', ['merchant-verified']],
    ['at.test', 'caution', ['complaints-open', 'merchant-verified']],
    ['suspended.test', 'danger', ['merchant-suspended']],
    ['revoked.test', 'danger', ['merchant-revoked']],
    ['flagged-merchant.test', 'danger', ['flagged', 'merchant-verified']],
    ['fake.test', 'danger', ['flagged', 'not-in-directory']],
    // A look-alike warns (caution); it is danger only when flagged too.
    ['verlfied.test', 'caution', ['lookalike', 'not-in-directory']],
    ['verified.co.ma', 'caution', ['lookalike', 'not-in-directory']],
    ['verified.test.secure-pay.com', 'caution', ['lookalike', 'not-in-directory']],
    ['verifiedd.test', 'caution', ['lookalike', 'not-in-directory']],
    ['verified-promo.shop', 'caution', ['lookalike', 'not-in-directory']],
    ['verifled.test', 'danger', ['flagged', 'lookalike', 'not-in-directory']],
    ['revoked.co.ma', 'unknown', ['not-in-directory']], // imitating a revoked merchant gains nothing
    ['complained.test', 'caution', ['complaints-open', 'not-in-directory']],
    ['quiet.test', 'unknown', ['not-in-directory']],
    ['nowhere.test', 'unknown', ['not-in-directory']],
    ['localhost', 'none', ['no-shop-identity']],
    ['javascript:alert(1)', 'none', ['no-shop-identity']],
  ])('%s → %s %j', (input, level, codes) => {
    const { verdict } = verdictForInput(input, directory, NOW);
    expect(verdict.level).toBe(level);
    expect(verdict.reasons.map((reason) => reason.code)).toEqual(codes);
  });

  it('gives every reason with its parameters', () => {
    expect(verdictFor(shopIdentity('at.test'), directory, NOW).reasons[0]).toEqual({
      code: 'complaints-open',
      open: 3,
      threshold: 3,
    });
    expect(verdictFor(shopIdentity('fake.test'), directory, NOW).reasons[0]).toEqual({
      code: 'flagged',
      reason: 'fraud',
      since: '2026-10-01',
    });
    expect(verdictFor(shopIdentity('expired.test'), directory, NOW).reasons[0]).toEqual({
      code: 'label-expired',
      kind: 'e-thiq',
      validUntil: '2026-11-26',
    });
  });

  it('names the merchant a look-alike imitates', () => {
    expect(verdictFor(shopIdentity('verif1ed.test'), directory, NOW).reasons[0]).toEqual({
      code: 'lookalike',
      of: 'verified.test',
      merchantId: 'a-verified',
    });
  });

  it('leaves a look-alike warning the shopper dismissed out of the verdict', () => {
    const dismissed = verdictFor(shopIdentity('verif1ed.test'), directory, NOW, { lookalikeDismissed: true });
    expect(dismissed).toEqual({ level: 'unknown', reasons: [{ code: 'not-in-directory' }] });
    // A flag is the directory's word, not a look-alike guess: dismissing does not quiet it.
    expect(verdictFor(shopIdentity('verifled.test'), directory, NOW, { lookalikeDismissed: true }).level).toBe(
      'danger',
    );
  });

  it('names why an input has no identity', () => {
    expect(verdictForInput('http://10.0.0.1/', directory, NOW).verdict.reasons).toEqual([
      { code: 'no-shop-identity', cause: 'ip-address' },
    ]);
    expect(verdictFor(null, directory, NOW).level).toBe('none');
  });

  it('follows the policy thresholds of the directory', () => {
    const strict = new DirectoryIndex(
      testState({
        policy: { complaintCautionThreshold: 1, maxVerificationAgeDays: 30, directoryLifetimeHours: 24 },
        merchants: [testMerchant({ id: 'k', domains: ['k.test'], complaints: { open: { other: 1 }, resolved: {} } })],
      }),
    );
    expect(verdictForInput('k.test', strict, NOW).verdict.reasons.map((reason) => reason.code)).toEqual([
      'complaints-open',
      'verification-stale',
      'merchant-verified',
    ]);
  });
});
