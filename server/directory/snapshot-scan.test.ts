import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Collection, SnapshotScanner } from './snapshot-scan.ts';

// A delta reads an older snapshot record by record as its bytes come (snapshot-scan.ts):
// whatever the chunks' boundaries (in the middle of an Arabic letter, an escape, a key),
// each record must come out as exactly its JSON, and broken JSON must be refused.

const STATE = {
  domainComplaints: [{ domain: 'faux-souk.test', complaints: { open: { fraud: 2 }, resolved: {} } }],
  flagged: [{ domain: 'faux-hanout.test', reason: 'fraud', summary: 'Ne livre pas. "Arnaque" \\ لا يسلّم 🚫' }],
  merchants: [
    { id: 'm-1', tradeNames: ['متجر الأطلس'], domains: ['atlas.ma'], note: 'tab\there, quote " and \u0000' },
    { id: 'm-2', tradeNames: ['Souk 🛒 Maroc'], nested: { list: [1, [2, { three: null }]], flag: true }, n: -1.5e3 },
    { id: 'm-3', tradeNames: [], domains: [] },
  ],
  platforms: ['chrome', 'firefox'],
  policy: { directoryLifetimeHours: 72, minVersion: 1 },
};
const SNAPSHOT = {
  format: 'thiqa-snapshot',
  formatVersion: 1,
  publishedAt: '2026-12-02T10:00:00.000Z',
  state: STATE,
  version: 7,
};

function scan(bytes: Buffer, chunkSize: number) {
  const records: Record<Collection, unknown[]> = { merchants: [], flagged: [], domainComplaints: [] };
  const scanner = new SnapshotScanner((collection, text) => records[collection].push(JSON.parse(text)));
  for (let at = 0; at < bytes.length; at += chunkSize) scanner.push(bytes.subarray(at, at + chunkSize));
  const found = scanner.end();
  return {
    records,
    version: JSON.parse(found.version),
    policy: JSON.parse(found.policy),
    platforms: JSON.parse(found.platforms),
  };
}

const expected = (state: typeof STATE, version: number) => ({
  records: { merchants: state.merchants, flagged: state.flagged, domainComplaints: state.domainComplaints },
  version,
  policy: state.policy,
  platforms: state.platforms,
});

describe('reading an older snapshot record by record', () => {
  it.each([1, 2, 3, 7, 64, 1 << 20])('gives each record exactly, in chunks of %i bytes', (chunkSize) => {
    expect(scan(Buffer.from(JSON.stringify(SNAPSHOT)), chunkSize)).toEqual(expected(STATE, 7));
  });

  it('reads another key order and spacing, as an older publisher may have stored it', () => {
    const reordered = {
      version: 7,
      state: {
        policy: STATE.policy,
        merchants: STATE.merchants,
        platforms: STATE.platforms,
        flagged: STATE.flagged,
        domainComplaints: STATE.domainComplaints,
      },
      format: 'thiqa-snapshot',
    };
    expect(scan(Buffer.from(JSON.stringify(reordered, null, 2)), 5)).toEqual(expected(STATE, 7));
  });

  it('does not take a record-like array outside the state for the state’s', () => {
    const decoy = {
      ...SNAPSHOT,
      extra: { merchants: [{ id: 'decoy' }] },
      state: { ...STATE, other: { merchants: [{ id: 'decoy' }] } },
    };
    expect(scan(Buffer.from(JSON.stringify(decoy)), 11).records.merchants).toEqual(STATE.merchants);
  });

  it.each([
    ['cut short', JSON.stringify(SNAPSHOT).slice(0, -20), /ends before/],
    [
      'without its merchants',
      JSON.stringify({ ...SNAPSHOT, state: { ...STATE, merchants: undefined } }),
      /no state\.merchants/,
    ],
    ['without a version', JSON.stringify({ ...SNAPSHOT, version: undefined }), /no version/],
    ['with more after its end', `${JSON.stringify(SNAPSHOT)} {}`, /more after its end/],
    [
      'with a bracket that does not match',
      JSON.stringify(SNAPSHOT).replace('"platforms":["chrome","firefox"]', '"platforms":["chrome","firefox"}'),
      /unbalanced/,
    ],
  ])('refuses a snapshot %s', (_, text, message) => {
    expect(() => scan(Buffer.from(text), 13)).toThrow(message);
  });

  it('gives back any records, whatever the chunks (property)', () => {
    const record = fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 5,
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), fc.integer({ min: 1, max: 40 }), (merchants, chunkSize) => {
        const state = { ...STATE, merchants };
        const bytes = Buffer.from(JSON.stringify({ ...SNAPSHOT, state }));
        // JSON.parse, not the values themselves: -0 and the like come back as JSON gives them.
        expect(scan(bytes, chunkSize).records.merchants).toEqual(JSON.parse(JSON.stringify(merchants)));
      }),
      { numRuns: 300 },
    );
  });
});
