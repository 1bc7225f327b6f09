import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { describeSchemaError, labelSchema, merchantSchema, snapshotSchema } from './schemas.ts';

function snapshot(state = testState()) {
  return { format: 'thiqa.snapshot', formatVersion: 1, version: 1, publishedAt: '2026-11-27T10:00:00Z', state };
}

function problems(result: ReturnType<typeof snapshotSchema.safeParse>): string {
  return result.success ? '' : describeSchemaError(result.error, 'snapshot');
}

describe('merchant schema', () => {
  it('accepts a complete merchant with an Arabic legal name', () => {
    expect(merchantSchema.safeParse(testMerchant({ legalName: 'تعاونية دار أركان' })).success).toBe(true);
  });

  it.each([
    [{ ice: '001234567000063' }, 'ice'],
    [{ ice: '12345' }, 'ice'],
    [{ phone: '0522000000' }, 'phone'],
    [{ email: 'not-an-email' }, 'email'],
    [{ domains: [] }, 'domains'],
    [{ domains: ['Shop.MA'] }, 'domains.0'],
    [{ status: 'pending' }, 'status'],
    [{ verification: { at: '2026-01-01', by: 'x', methods: [] } }, 'verification.methods'],
    [{ legalName: 'Evil\u202eName' }, 'legalName'],
    [{ legalName: 'x'.repeat(5000) }, 'legalName'],
    [{ unexpected: true }, 'unexpected'],
    [{ answers: { sent: 3, answered: 4, medianDays: 2 } }, 'answers.answered'],
    [{ answers: { sent: -1, answered: 0, medianDays: null } }, 'answers.sent'],
    [{ answers: { sent: 3, answered: 1.5, medianDays: 2 } }, 'answers.answered'],
    [{ answers: { sent: 3, answered: 2, medianDays: 2.25 } }, 'answers.medianDays'],
    [{ answers: { sent: 3, answered: 2, medianDays: -1 } }, 'answers.medianDays'],
    [{ answers: { sent: 3, answered: 2, medianDays: null } }, 'answers.medianDays'],
    [{ answers: { sent: 3, answered: 0, medianDays: 1 } }, 'answers.medianDays'],
    [{ answers: { sent: 3, answered: 2, medianDays: 1, mean: 2 } }, 'answers.mean'],
  ])('refuses %j, naming %s', (overrides, field) => {
    const result = merchantSchema.safeParse({ ...testMerchant(), ...overrides });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeSchemaError(result.error, 'merchant')).toContain(`merchant: ${field}`);
  });
});

describe('answer record', () => {
  it.each([
    { sent: 10, answered: 9, medianDays: 2.5 },
    { sent: 10, answered: 10, medianDays: 0 },
    { sent: 3, answered: 0, medianDays: null },
    { sent: 3, answered: 2, medianDays: 0.3 },
  ])('accepts %j', (answers) => {
    expect(merchantSchema.safeParse(testMerchant({ answers })).success).toBe(true);
  });

  it('is optional: directories published before it still read', () => {
    const { answers: _none, ...merchant } = testMerchant();
    expect(merchantSchema.safeParse(merchant).success).toBe(true);
  });
});

describe('label schema', () => {
  it.each([
    [{ kind: 'cndp', reference: 'D-W-903/2024' }, true],
    [{ kind: 'cndp', reference: 'D-GC-77/2025' }, true],
    [{ kind: 'cndp', reference: null }, false],
    [{ kind: 'cndp', reference: '903/2024' }, false],
    [{ kind: 'e-thiq', reference: null }, true],
    [{ kind: 'fnem-member', validUntil: '2020-01-01' }, false], // before issued
    [{ issued: null, validUntil: '2020-01-01' }, true], // no issue date: nothing to be before
    [{ issued: null, validUntil: null }, true],
    [{ issued: '2025-02-30' }, false],
    [{ kind: 'unknown-kind' }, false],
  ])('%j → %s', (overrides, valid) => {
    const label = { kind: 'e-thiq', issuer: 'x', reference: 'R', issued: '2025-01-01', validUntil: '2027-01-01' };
    expect(labelSchema.safeParse({ ...label, ...overrides }).success).toBe(valid);
  });
});

describe('snapshot schema', () => {
  it('accepts a valid snapshot', () => {
    const state = testState({ merchants: [testMerchant({ id: 'a' }), testMerchant({ id: 'b' })] });
    expect(problems(snapshotSchema.safeParse(snapshot(state)))).toBe('');
  });

  it('refuses unsorted merchants and duplicate keys', () => {
    const unsorted = testState({ merchants: [testMerchant({ id: 'b' }), testMerchant({ id: 'a' })] });
    expect(problems(snapshotSchema.safeParse(snapshot(unsorted)))).toContain('state.merchants.1: must be sorted');
    const duplicate = testState({ merchants: [testMerchant({ id: 'a' }), testMerchant({ id: 'a' })] });
    expect(problems(snapshotSchema.safeParse(snapshot(duplicate)))).toContain('duplicate key a');
  });

  it('refuses a domain owned by two merchants', () => {
    const state = testState({
      merchants: [testMerchant({ id: 'a', domains: ['shop.test'] }), testMerchant({ id: 'b', domains: ['shop.test'] })],
    });
    expect(problems(snapshotSchema.safeParse(snapshot(state)))).toContain('shop.test also belongs to merchant a');
  });

  it('refuses a domain that is not a shop identity (a subdomain, a public suffix)', () => {
    const state = testState({ merchants: [testMerchant({ id: 'a', domains: ['www.shop.test', 'co.ma'] })] });
    const text = problems(snapshotSchema.safeParse(snapshot(state)));
    expect(text).toContain('state.merchants.0.domains.0: www.shop.test is not a shop identity');
    expect(text).toContain('state.merchants.0.domains.1');
  });

  it('judges platform tenants by the directory’s own platform list', () => {
    const merchants = [testMerchant({ id: 'a', domains: ['tenant.newplatform.ma'] })];
    expect(snapshotSchema.safeParse(snapshot(testState({ merchants }))).success).toBe(false);
    expect(snapshotSchema.safeParse(snapshot(testState({ merchants, platforms: ['newplatform.ma'] }))).success).toBe(
      true,
    );
  });

  it('refuses another format or format version', () => {
    expect(problems(snapshotSchema.safeParse({ ...snapshot(), formatVersion: 2 }))).toContain('formatVersion');
    expect(problems(snapshotSchema.safeParse({ ...snapshot(), format: 'other' }))).toContain('format');
  });
});
