import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { CompactDirectory } from '../directory/compact-directory.ts';
import { hashUnits, sealOf } from '../directory/compact-format.ts';
import { bucketOf, bucketPiece, PIECE_HEAD, PIECE_LOOKALIKE, readHead } from '../directory/compact-pieces.ts';
import type { Delta, DirectoryState, Snapshot } from '../directory/schemas.ts';
import { verdictForInput } from '../directory/verdict.ts';
import { type DirectoryMeta, openThiqaDatabase, type ThiqaDatabase } from './database.ts';
import { createDirectoryStore, type DirectoryStore } from './directory-store.ts';

// The stored compact index: written in pieces with the records in one transaction, read piece
// by piece as verdicts need them, rebuilt from the records when a piece is damaged, of another
// write, or missing (an upgrade from version 1).

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

/** Every stored piece of the compact index, by key. */
async function pieces(db: ThiqaDatabase): Promise<Map<string, Uint8Array>> {
  const tx = db.transaction('lookup');
  const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
  await tx.done;
  return new Map(keys.map((key, index) => [key, values[index] as Uint8Array]));
}

/** The piece holding a domain's shop key (its hash's bucket). */
async function bucketOfDomain(db: ThiqaDatabase, domain: string): Promise<string> {
  const head = readHead((await pieces(db)).get(PIECE_HEAD));
  if (!head) throw new Error('no head');
  return bucketPiece(bucketOf(hashUnits(domain), head.bucketBits));
}

const flipBit = (bytes: Uint8Array, at: number) => {
  const damaged = bytes.slice();
  damaged[at] = (damaged[at] as number) ^ 1;
  return damaged;
};

describe('the stored compact index', () => {
  it('is stored in pieces: a verdict on a listed shop reads its key bucket and its text, not the look-alike part', async () => {
    const { db } = await storeHolding();
    const stored = await pieces(db);
    expect([...stored.keys()]).toEqual(expect.arrayContaining([PIECE_HEAD, PIECE_LOOKALIKE, 'k0', 't0']));
    const woken = createDirectoryStore(db);
    expect(await levels(woken, [INPUTS[0] as string])).toEqual([EXPECTED[0]]);
    const held = (await woken.compact())?.compact.heldPieces();
    expect(held).toEqual(expect.arrayContaining([await bucketOfDomain(db, 'atlas-electro.test'), 't0']));
    expect(held).not.toContain(PIECE_LOOKALIKE);
    // An unknown shop: the look-alike part is read then.
    expect(await levels(woken, ['https://x.test/'])).toEqual(['unknown']);
    expect((await woken.compact())?.compact.heldPieces()).toContain(PIECE_LOOKALIKE);
  });

  it("reads the merchant holding an ICE a page shows through the records' ICE index", async () => {
    const { store } = await storeHolding();
    const input = 'https://impostor.test/';
    const found = await store.lookupFor(input, [atlas.ice]);
    const evidence = { ices: [atlas.ice], seals: [], mentions: [] } as never;
    const reasons = found ? verdictForInput(input, found.lookup, NOW, { evidence }).verdict.reasons : [];
    expect(reasons.map((reason) => reason.code)).toContain('ice-impersonation');
  });

  it('rebuilds every piece from the records when one is damaged, and the verdicts stay right', async () => {
    const { db } = await storeHolding();
    const bucket = await bucketOfDomain(db, 'atlas-electro.test');
    const before = await pieces(db);
    const stored = before.get(bucket) as Uint8Array;
    await db.put('lookup', stored.slice(0, stored.length - 8), bucket);
    const woken = createDirectoryStore(db); // a new worker: nothing in memory
    expect(await levels(woken, INPUTS)).toEqual(EXPECTED);
    const after = await pieces(db);
    expect(after.get(bucket)?.length).toBe(stored.length);
    expect(after.get(PIECE_HEAD)).not.toEqual(before.get(PIECE_HEAD)); // a new write, a new stamp
  });

  it('refuses a piece of another write (a sync between two reads never mixes versions)', async () => {
    const { db, store } = await storeHolding();
    const old = await pieces(db);
    // A worker reads the index for one shop and keeps those pieces.
    const worker = createDirectoryStore(db);
    expect(await levels(worker, [INPUTS[0] as string])).toEqual(['verified']);
    // A sync commits: atlas goes, souk moves to atlas's place in the texts (a new stamp on every piece).
    const zz = testMerchant({ id: 'zz-new', domains: ['zz-new.test'] });
    const next = testState({ merchants: [souk, zz], flagged: [flaggedShop] });
    await store.replaceWithSnapshot({ ...held, version: 2, state: next }, META);
    // The worker's next read sees the new head and drops what it held of the old write (its
    // text piece named atlas where souk now stands).
    expect(await levels(worker, ['https://souk-bladi.test/', ...INPUTS])).toEqual([
      ...['verified', 'unknown', 'danger', 'unknown', 'unknown'],
    ]);
    // An old piece planted among the new ones is refused, and every piece rebuilt from the records.
    const bucket = await bucketOfDomain(db, 'souk-bladi.test');
    const planted = old.get(bucket) ?? old.get('k0');
    await db.put('lookup', planted as Uint8Array, bucket);
    expect(await levels(createDirectoryStore(db), ['https://souk-bladi.test/'])).toEqual(['verified']);
    expect((await pieces(db)).get(bucket)).not.toEqual(planted);
  });

  it('checks the look-alike part whole once per browser session: a damaged one is refused the first time it is read', async () => {
    const { db } = await storeHolding();
    const stored = (await pieces(db)).get(PIECE_LOOKALIKE) as Uint8Array;
    // One bit inside the body: the header, its length and its claimed checksum stay as they were.
    const damaged = flipBit(stored, stored.length - 4);
    await db.put('lookup', damaged, PIECE_LOOKALIKE);
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
    const rebuilt = (await pieces(db)).get(PIECE_LOOKALIKE);
    expect(rebuilt).not.toEqual(damaged);
    // The rebuilt copy is verified whole at the next wake, and its seal remembered for the session.
    expect(await levels(createDirectoryStore(db, { verifiedSeal: session }), INPUTS)).toEqual(EXPECTED);
    expect(session.memory.seal).toBe(sealOf(rebuilt));
    // A new browser session remembers nothing: a damaged copy is refused again.
    const again = flipBit(rebuilt as Uint8Array, (rebuilt as Uint8Array).length - 4);
    await db.put('lookup', again, PIECE_LOOKALIKE);
    expect(await levels(createDirectoryStore(db, { verifiedSeal: sessionMemory() }), INPUTS)).toEqual(EXPECTED);
    expect((await pieces(db)).get(PIECE_LOOKALIKE)).not.toEqual(again);
  });

  it('applies a delta whole or not at all: a failing delta leaves records and index as they were', async () => {
    const { db, store } = await storeHolding();
    const before = await pieces(db);
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
    expect(await pieces(db)).toEqual(before);
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
    expect(CompactDirectory.fromHead((await pieces(db)).get(PIECE_HEAD))?.merchantCount).toBe(2);
    expect(await levels(createDirectoryStore(db), INPUTS)).toEqual(EXPECTED);
  });
});
