import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import type { VerdictReason } from '../directory/verdict.ts';
import { reasonWords, syncErrorWords, timeAgo } from './verdict-words.ts';

// Every reason code the directory core can give, worded in every language: no blank, no
// stray placeholder, and the parameters show up.

const REASONS: VerdictReason[] = [
  { code: 'no-shop-identity', cause: 'ip-address' },
  { code: 'no-shop-identity', cause: 'unknown' },
  { code: 'not-in-directory' },
  { code: 'flagged', reason: 'impersonation', since: '2026-10-11' },
  { code: 'lookalike', of: 'xn----rmckc0bnc8l2a.test', merchantId: 'dar-argan' },
  { code: 'merchant-revoked' },
  { code: 'merchant-suspended' },
  { code: 'complaints-open', open: 5, threshold: 3 },
  { code: 'label-expired', kind: 'cndp', validUntil: '2025-10-31' },
  { code: 'verification-stale', verifiedAt: '2024-05-06', maxAgeDays: 365 },
  { code: 'merchant-verified', verifiedAt: '2026-09-14', methods: ['commercial-register', 'site-visit'] },
];

/** The number as a whole, not a digit of another one (5 in "15" or in "2025"). */
const wholeNumber = (value: number) => new RegExp(`(?<!\\d)${value}(?!\\d)`);

describe.each(['ar', 'fr', 'en'] as const)('reasons in %s', (lang) => {
  const translator = localeTranslator(lang);
  it.each(REASONS.map((reason) => [reason.code, reason] as const))('%s', (_code, reason) => {
    const words = reasonWords(reason, translator);
    expect(words.trim()).not.toBe('');
    expect(words).not.toMatch(/\$/);
    if (reason.code === 'complaints-open') {
      expect(words).toMatch(wholeNumber(reason.open));
      expect(words).toMatch(wholeNumber(reason.threshold));
    }
    if (reason.code === 'verification-stale') expect(words).toMatch(wholeNumber(reason.maxAgeDays));
    if (reason.code === 'flagged') expect(words).toMatch(/2026/);
    if (reason.code === 'lookalike') expect(words).toContain('دار-أركان.test'); // shown as the shopper reads it
  });

  it('words every sync problem, and an unknown one too', () => {
    for (const code of ['network', 'rollback', 'signature-invalid', 'manifest-expired', 'never-heard-of']) {
      expect(syncErrorWords(code, translator).trim()).not.toBe('');
    }
    // A stalled server has words of its own, not the catch-all.
    for (const code of ['timeout', 'interrupted']) {
      expect(syncErrorWords(code, translator)).not.toBe(syncErrorWords('never-heard-of', translator));
    }
  });
});

describe('wording details', () => {
  it('names Moroccan months in Arabic and keeps Latin digits', () => {
    const words = reasonWords({ code: 'flagged', reason: 'fraud', since: '2026-09-02' }, localeTranslator('ar'));
    expect(words).toBe('مُبلَّغ عنه بسبب الاحتيال منذ 2 شتنبر 2026.');
  });

  it.each([
    ['fr', '2026-11-27T07:00:00Z', 'il y a 3 heures'],
    ['en', '2026-11-27T07:00:00Z', '3 hours ago'],
    ['en', '2026-11-25T10:00:00Z', '2 days ago'],
    ['en', '2026-11-27T09:59:30Z', 'now'],
  ])('says how long ago in %s: %s', (lang, then, expected) => {
    expect(timeAgo(then, new Date('2026-11-27T10:00:00Z'), lang)).toBe(expected);
  });
});
