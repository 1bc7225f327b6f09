import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { applyDelta, createDelta, directoryDigest } from './delta.ts';
import { deltaSchema, type Snapshot } from './schemas.ts';

function snapshot(version: number, state = testState()): Snapshot {
  return { format: 'thiqa.snapshot', formatVersion: 1, version, publishedAt: '2026-11-27T10:00:00Z', state };
}

const a = testMerchant({ id: 'a' });
const b = testMerchant({ id: 'b' });
const c = testMerchant({ id: 'c' });

describe('deltas', () => {
  const before = snapshot(1, testState({ merchants: [a, b], flagged: [] }));
  const after = snapshot(
    2,
    testState({
      merchants: [
        { ...a, complaints: { open: { fraud: 1 }, resolved: {} }, answers: { sent: 4, answered: 3, medianDays: 2.5 } },
        c,
      ],
      flagged: [{ domain: 'fake.test', reason: 'fraud', since: '2026-11-01', summary: 'x' }],
      policy: { complaintCautionThreshold: 5, maxVerificationAgeDays: 365, directoryLifetimeHours: 72 },
    }),
  );

  it('carries only what changed', () => {
    const delta = createDelta(before, after);
    expect(deltaSchema.parse(delta)).toEqual(delta);
    expect(delta.merchants.upsert.map((merchant) => merchant.id)).toEqual(['a', 'c']);
    expect(delta.merchants.remove).toEqual(['b']);
    expect(delta.flagged.upsert).toHaveLength(1);
    expect(delta.platforms).toBeNull();
    expect(delta.policy?.complaintCautionThreshold).toBe(5);
  });

  it('old state + delta == new state, with the same digest', async () => {
    const result = applyDelta(before.state, createDelta(before, after));
    expect(result).toEqual(after.state);
    expect(await directoryDigest(result)).toBe(await directoryDigest(after.state));
  });

  it('carries a merchant whose answer record alone changed, and one that lost it', async () => {
    const answered = snapshot(
      3,
      testState({ merchants: [{ ...a, answers: { sent: 1, answered: 1, medianDays: 1 } }, b] }),
    );
    const more = snapshot(4, testState({ merchants: [{ ...a, answers: { sent: 2, answered: 1, medianDays: 1 } }, b] }));
    const delta = createDelta(answered, more);
    expect(delta.merchants.upsert).toEqual([more.state.merchants[0]]);
    expect(applyDelta(answered.state, delta)).toEqual(more.state);
    const dropped = applyDelta(more.state, createDelta(more, snapshot(5, testState({ merchants: [a, b] }))));
    expect(dropped.merchants[0]).not.toHaveProperty('answers');
    expect(await directoryDigest(dropped)).toBe(await directoryDigest(testState({ merchants: [a, b] })));
  });

  it('is empty between equal states', () => {
    const delta = createDelta(before, { ...before, version: 2 });
    expect(delta.merchants).toEqual({ upsert: [], remove: [] });
  });

  it('refuses a delta whose result breaks the directory rules, changing nothing', () => {
    const stolen = createDelta(before, after);
    stolen.merchants.upsert.push(testMerchant({ id: 'z', domains: a.domains }));
    expect(() => applyDelta(before.state, stolen)).toThrow(/also belongs to merchant/);
    expect(before.state.merchants).toEqual([a, b]);
  });

  it('digests differ when any record differs', async () => {
    expect(await directoryDigest(before.state)).not.toBe(await directoryDigest(after.state));
  });
});
