import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { CompactDirectory } from '../directory/compact-directory.ts';
import { sealOf } from '../directory/compact-format.ts';
import type { Delta, DirectoryState, Snapshot } from '../directory/schemas.ts';
import { verdictForInput } from '../directory/verdict.ts';
import { type DirectoryMeta, openThiqaDatabase, type ThiqaDatabase } from './database.ts';
import { createDirectoryStore, type DirectoryStore } from './directory-store.ts';

// The stored compact index: written with the records in one transaction, rebuilt from the
// records when its stored copy is damaged or missing (an upgrade from version 1).

const NOW = new Date('2026-11-27T10:00:00Z');
const atlas = testMerchant({ id: 'atlas-electro', domains: ['atlas-electro.test'] });
const souk = testMerchant({ id: 'souk-bladi', domains: ['souk-bladi.test'] });
const flaggedShop = { domain: 'fake-shop.test', reason: 'fraud' as const, since: '2026-10-01', summary: 'Took money.' };
const held: Snapshot = {
  format: 'thiqa.snapshot',
  formatVersion: 1,
  version: 1,
  publishedAt: '2026-11-27T08:00:00Z',
  state: testState({ merchants: [atlas, souk], flagged: [flaggedShop] }),
};
const META = {
  expiresAt: '2026-11-30T08:00:00Z',
  digest: null,
  source: 'bundled' as const,
  etag: null,
  lastSyncAt: null,
  lastError: null,
};

let counter = 0;
async function storeHolding(snapshot = held): Promise<{ db: ThiqaDatabase; store: DirectoryStore }> {
  counter += 1;
  const db = await openThiqaDatabase(`store-test-${counter}`);
  const store = createDirectoryStore(db);
  await store.replaceWithSnapshot(snapshot, META);
  return { db, store };
}

async function levels(store: DirectoryStore, inputs: string[]): Promise<string[]> {
  return Promise.all(
    inputs.map(async (input) => {
      const found = await store.lookupFor(input);
      return found ? verdictForInput(input, found.lookup, NOW).verdict.level : 'no directory';
    }),
  );
}

const INPUTS = [
  'https://atlas-electro.test/',
  'https://fake-shop.test/',
  'https://atlas-electr0.test/',
  'https://x.test/',
];
const EXPECTED = ['verified', 'danger', 'caution', 'unknown'];

describe('the stored compact index', () => {
  it('is rebuilt from the records when its stored copy is damaged, and the verdicts stay right', async () => {
    const { db } = await storeHolding();
    const stored = (await db.get('lookup', 'directory')) as Uint8Array;
    await db.put('lookup', stored.slice(0, stored.length - 8), 'directory');
    const woken = createDirectoryStore(db); // a new worker: nothing in memory
    expect(await levels(woken, INPUTS)).toEqual(EXPECTED);
    expect(CompactDirectory.read(await db.get('lookup', 'directory'))).not.toBeNull();
  });

  it('verifies every word of a stored copy once per browser session: a damaged one is refused the first time it is read', async () => {
    const { db } = await storeHolding();
    const stored = (await db.get('lookup', 'directory')) as Uint8Array;
    const damaged = stored.slice();
    // One bit inside the body: the header, its length and its claimed checksum stay as they were.
    damaged[damaged.length - 40] = (damaged[damaged.length - 40] as number) ^ 1;
    await db.put('lookup', damaged, 'directory');
    const sessionMemory = () => {
      const memory = { seal: null as string | null };
      return {
        memory,
        get: async () => memory.seal,
        set: async (seal: string) => void Object.assign(memory, { seal }),
      };
    };
    const session = sessionMemory();
    expect(await levels(createDirectoryStore(db, { verifiedSeal: session }), INPUTS)).toEqual(EXPECTED);
    const rebuilt = await db.get('lookup', 'directory');
    expect(rebuilt).not.toEqual(damaged);
    expect(CompactDirectory.read(rebuilt)).not.toBeNull();
    // The rebuilt copy is verified whole at the next wake, and its seal remembered for the session.
    expect(await levels(createDirectoryStore(db, { verifiedSeal: session }), INPUTS)).toEqual(EXPECTED);
    expect(session.memory.seal).toBe(sealOf(rebuilt));
    // A new browser session remembers nothing: the damaged copy is refused again.
    await db.put('lookup', damaged, 'directory');
    expect(await levels(createDirectoryStore(db, { verifiedSeal: sessionMemory() }), INPUTS)).toEqual(EXPECTED);
    expect(await db.get('lookup', 'directory')).not.toEqual(damaged);
  });

  it('applies a delta whole or not at all: a failing delta leaves records and index as they were', async () => {
    const { db, store } = await storeHolding();
    const before = await db.get('lookup', 'directory');
    const state = await store.readState();
    const delta: Delta = {
      format: 'thiqa.delta',
      formatVersion: 1,
      from: 1,
      to: 2,
      policy: null,
      platforms: null,
      // Two merchants claiming one domain: the unique domain index refuses the second put.
      merchants: {
        upsert: [
          testMerchant({ id: 'aa-new', domains: ['clash.test'] }),
          testMerchant({ id: 'zz-new', domains: ['clash.test'] }),
        ],
        remove: ['atlas-electro'],
      },
      flagged: { upsert: [], remove: ['fake-shop.test'] },
      domainComplaints: { upsert: [], remove: [] },
    };
    const meta = { ...((await store.readMeta()) as DirectoryMeta), version: 2 };
    await expect(store.applyDeltaRecords(delta, meta)).rejects.toThrow();
    expect(await db.get('lookup', 'directory')).toEqual(before);
    expect(await store.readState()).toEqual(state);
    expect(await levels(createDirectoryStore(db), INPUTS)).toEqual(EXPECTED);
  });

  it('patches the index from a delta to answer as the new records do', async () => {
    const { db, store } = await storeHolding();
    const nejma = testMerchant({ id: 'nejma-store', domains: ['nejma-store.test'] });
    const delta: Delta = {
      format: 'thiqa.delta',
      formatVersion: 1,
      from: 1,
      to: 2,
      policy: null,
      platforms: null,
      merchants: { upsert: [nejma, { ...souk, status: 'revoked' }], remove: ['atlas-electro'] },
      flagged: { upsert: [{ ...flaggedShop, domain: 'other-fake.test' }], remove: ['fake-shop.test'] },
      domainComplaints: { upsert: [], remove: [] },
    };
    await store.applyDeltaRecords(delta, { ...((await store.readMeta()) as DirectoryMeta), version: 2 });
    const inputs = [...INPUTS, 'https://nejma-store.test/', 'https://souk-bladi.test/', 'https://other-fake.test/'];
    expect(await levels(createDirectoryStore(db), inputs)).toEqual([
      'unknown', // atlas removed
      'unknown', // flag removed
      'unknown', // no verified atlas left to imitate
      'unknown',
      'verified',
      'danger', // revoked
      'danger', // flagged
    ]);
  });

  it('is built at the upgrade from version 1 for a browser that already holds records', async () => {
    const name = `store-upgrade-${++counter}`;
    const old = await openDB(name, 1, {
      upgrade(db) {
        const merchants = db.createObjectStore('merchants', { keyPath: 'id' });
        merchants.createIndex('byDomain', 'domains', { unique: true, multiEntry: true });
        db.createObjectStore('flagged', { keyPath: 'domain' });
        db.createObjectStore('domainComplaints', { keyPath: 'domain' });
        db.createObjectStore('meta');
        db.createObjectStore('reports', { keyPath: 'idempotencyKey' }).createIndex('byCreatedAt', 'createdAt');
      },
    });
    const state: DirectoryState = held.state;
    for (const merchant of state.merchants) await old.put('merchants', merchant);
    for (const flag of state.flagged) await old.put('flagged', flag);
    await old.put(
      'meta',
      { ...META, version: 1, publishedAt: held.publishedAt, policy: state.policy, platforms: state.platforms },
      'directory',
    );
    old.close();
    const db = await openThiqaDatabase(name);
    expect(CompactDirectory.read(await db.get('lookup', 'directory'))?.merchantCount).toBe(2);
    expect(await levels(createDirectoryStore(db), INPUTS)).toEqual(EXPECTED);
  });
});
