import 'fake-indexeddb/auto';
import type { Delta, Snapshot } from '../../src/directory/schemas.ts';
import { openThiqaDatabase } from '../../src/extension/database.ts';
import { createDirectoryStore } from '../../src/extension/directory-store.ts';
import { recordGoal } from './goals.ts';
import { syntheticState } from './synthetic-directory.ts';

// Sync in the extension's store: a full snapshot apply against a 1 % delta apply, each
// writing records and the compact index in one IndexedDB transaction. IndexedDB here is
// fake-indexeddb in Node (the unit tests' one), not Chromium's: both sides pay its costs,
// so the ratio is the figure; Chromium's absolute times differ.

const MERCHANTS = Number(process.env.THIQA_BENCH_DELTA_MERCHANTS ?? 100_000);

const META = {
  expiresAt: '2026-11-30T08:00:00Z',
  digest: null,
  source: 'synced' as const,
  etag: null,
  lastSyncAt: null,
  lastError: null,
};

export async function benchDeltaApply(): Promise<void> {
  const state = syntheticState(MERCHANTS);
  const snapshot: Snapshot = {
    format: 'thiqa.snapshot',
    formatVersion: 1,
    version: 1,
    publishedAt: '2026-11-27T08:00:00Z',
    state,
  };
  const store = createDirectoryStore(await openThiqaDatabase(`bench-delta-${Date.now()}`));
  let started = performance.now();
  await store.replaceWithSnapshot(snapshot, META);
  const snapshotMs = performance.now() - started;

  // 1 %: half changed in place, a quarter removed, a quarter new.
  const changed = Math.max(4, Math.floor(MERCHANTS / 100));
  const step = Math.floor(MERCHANTS / changed);
  const picked = Array.from({ length: changed }, (_, i) => state.merchants[i * step]).filter((m) => m !== undefined);
  const half = Math.floor(picked.length / 2);
  const quarter = Math.floor(picked.length / 4);
  const delta: Delta = {
    format: 'thiqa.delta',
    formatVersion: 1,
    from: 1,
    to: 2,
    policy: null,
    platforms: null,
    merchants: {
      upsert: [
        ...picked.slice(0, half).map((merchant) => ({ ...merchant, status: 'suspended' as const, city: 'Essaouira' })),
        ...picked.slice(half, half + quarter).map((merchant) => ({
          ...merchant,
          id: `${merchant.id}-new`,
          domains: merchant.domains.map((domain) => `new-${domain}`),
        })),
      ],
      remove: picked.slice(half + quarter).map((merchant) => merchant.id),
    },
    flagged: { upsert: [], remove: [] },
    domainComplaints: { upsert: [], remove: [] },
  };
  const meta = await store.readMeta();
  if (!meta) throw new Error('no meta after the snapshot');
  started = performance.now();
  await store.applyDeltaRecords(delta, { ...meta, version: 2 });
  const deltaMs = performance.now() - started;
  const ratio = (100 * deltaMs) / snapshotMs;
  console.log(
    `\nSync apply in IndexedDB (fake-indexeddb in Node), ${MERCHANTS.toLocaleString('en')} merchants: snapshot ${(snapshotMs / 1000).toFixed(1)} s; 1 % delta (${picked.length} merchants) ${deltaMs.toFixed(0)} ms = ${ratio.toFixed(2)} %`,
  );
  recordGoal({
    figure: `sync: apply a 1 % delta at ${MERCHANTS.toLocaleString('en')} (fake-indexeddb in Node)`,
    baseline: `full snapshot apply ${(snapshotMs / 1000).toFixed(1)} s`,
    measured: `${deltaMs.toFixed(0)} ms = ${ratio.toFixed(2)} %`,
    goal: '≤ 5 %',
    met: ratio <= 5,
  });
}
