import type { IDBPTransaction } from 'idb';
import { buildCompact, type Marker, merchantKeys, patchCompact } from '../directory/compact-build.ts';
import { CompactDirectory, MARKER, PieceMissing } from '../directory/compact-directory.ts';
import { sealOf } from '../directory/compact-format.ts';
import { compactLookup, recordsWanted } from '../directory/compact-lookup.ts';
import { PIECE_HEAD, PIECE_LOOKALIKE } from '../directory/compact-pieces.ts';
import type { DirectoryLookup } from '../directory/directory-index.ts';
import type { Delta, DirectoryState, Merchant, Snapshot } from '../directory/schemas.ts';
import { type IdentityResult, resolveShopIdentity } from '../directory/shop-identity.ts';
import {
  type DirectoryMeta,
  type LookupStore,
  type SyncError,
  type ThiqaDatabase,
  type ThiqaDatabaseSchema,
  writePieces,
} from './database.ts';
import { markWake } from './wake-timing.ts';

export interface DirectoryStore {
  readMeta(): Promise<DirectoryMeta | undefined>;
  /** The whole state as stored (records come back in key order, i.e. sorted). */
  readState(): Promise<DirectoryState | null>;
  /**
   * What a verdict on `input` (a URL or host) needs: the compact index (read once after a
   * wake or a change, never rebuilt unless its stored copy is damaged) and the few records
   * of that shop and of the ICEs its page shows. Null before any directory is stored.
   */
  lookupFor(
    input: string,
    ices?: readonly string[],
  ): Promise<{ lookup: DirectoryLookup; meta: DirectoryMeta; resolved: IdentityResult } | null>;
  /** The compact index as held in memory (benches, tests). */
  compact(): Promise<{ compact: CompactDirectory; meta: DirectoryMeta } | null>;
  replaceWithSnapshot(
    snapshot: Snapshot,
    meta: Omit<DirectoryMeta, 'version' | 'publishedAt' | 'policy' | 'platforms'>,
  ): Promise<void>;
  /** Writes a delta's changes and the new meta in one transaction: all of it or nothing. */
  applyDeltaRecords(delta: Delta, meta: DirectoryMeta): Promise<void>;
  /** Notes the outcome of a sync that changed no record (same version, or refused). */
  recordSync(
    patch: Partial<Pick<DirectoryMeta, 'lastSyncAt' | 'etag' | 'expiresAt' | 'digest' | 'source'>> & {
      lastError: SyncError | null;
    },
  ): Promise<void>;
  /** Called back after every change of the records, so tab badges can be repainted. */
  onChange(listener: () => void): void;
}

/**
 * Remembers the seal (compact-format.ts sealOf) of the last stored index whose every word
 * was verified. In the extension: browser.storage.session, which outlives the worker and is
 * forgotten when the browser closes, so a copy is verified whole once per browser session
 * and after every change, not at every wake (at 100k merchants that pass costs tens of
 * milliseconds of a cold worker's time before the first badge).
 */
export interface VerifiedSeal {
  get(): Promise<string | null>;
  set(seal: string): Promise<void>;
}

/** Every store a change writes, and a verdict reads in one transaction. */
const RECORD_STORES = ['meta', 'merchants', 'flagged', 'domainComplaints', 'lookup'] as const;
/** Pieces a worker keeps between verdicts (each a few kilobytes; the look-alike part counts as one). */
const PIECES_KEPT = 64;

/** Every stored piece, as one index (a delta patches it); null when one is missing or damaged. */
async function readAllPieces(lookup: LookupStore): Promise<CompactDirectory | null> {
  const [keys, values] = await Promise.all([lookup.getAllKeys(), lookup.getAll()]);
  const at = keys.indexOf(PIECE_HEAD);
  const compact = at < 0 ? null : CompactDirectory.fromHead(values[at]);
  if (!compact) return null;
  for (const [index, key] of keys.entries()) {
    if (key !== PIECE_HEAD && !compact.addPiece(key, values[index])) return null;
  }
  // Every piece the head names must be there.
  try {
    compact.forEachKey(() => {});
    void compact.skeletonHash;
    for (let merchant = 0; merchant < compact.merchantCount; merchant += compact.head.chunkSize)
      compact.idBytes(merchant);
  } catch (error) {
    if (error instanceof PieceMissing) return null;
    throw error;
  }
  return compact;
}

export function createDirectoryStore(db: ThiqaDatabase, options: { verifiedSeal?: VerifiedSeal } = {}): DirectoryStore {
  const { verifiedSeal } = options;
  type Hot = { compact: CompactDirectory; meta: DirectoryMeta; seal: string | null };
  /** The head last read and the pieces read since (replaced, never emptied in place: a verdict may still use it). */
  let held: Hot | null = null;
  // Asked once, at creation (a wake): awaited before a transaction opens, never inside one.
  const rememberedSeal = verifiedSeal ? verifiedSeal.get().catch(() => null) : Promise.resolve(null);
  const listeners: Array<() => void> = [];
  const changed = () => {
    held = null;
    for (const listener of listeners) listener();
  };

  const readMeta = () => db.get('meta', 'directory');

  const readState = async (): Promise<DirectoryState | null> => {
    const tx = db.transaction(['meta', 'merchants', 'flagged', 'domainComplaints']);
    const [meta, merchants, flagged, domainComplaints] = await Promise.all([
      tx.objectStore('meta').get('directory'),
      tx.objectStore('merchants').getAll(),
      tx.objectStore('flagged').getAll(),
      tx.objectStore('domainComplaints').getAll(),
    ]);
    await tx.done;
    if (!meta) return null;
    return { policy: meta.policy, platforms: meta.platforms, merchants, flagged, domainComplaints };
  };

  /** A damaged or missing stored piece: every piece is rebuilt from the records, in one transaction with them. */
  const rebuild = async (): Promise<void> => {
    const tx = db.transaction(RECORD_STORES, 'readwrite');
    const [merchants, flagged, domainComplaints] = await Promise.all([
      tx.objectStore('merchants').getAll(),
      tx.objectStore('flagged').getAll(),
      tx.objectStore('domainComplaints').getAll(),
    ]);
    await writePieces(tx.objectStore('lookup'), buildCompact({ merchants, flagged, domainComplaints }));
    await tx.done;
    held = null;
  };

  type ReadTx = IDBPTransaction<
    ThiqaDatabaseSchema,
    typeof RECORD_STORES extends readonly (infer T)[] ? T[] : never,
    'readonly'
  >;

  /**
   * The head and meta as this transaction sees them: the held index when its head is the
   * stored one (same seal), else a new one. Null before any directory; 'damaged' for a bad head.
   */
  const headIn = async (tx: ReadTx): Promise<Hot | null | 'damaged'> => {
    const [meta, head] = await Promise.all([
      tx.objectStore('meta').get('directory'),
      tx.objectStore('lookup').get(PIECE_HEAD),
    ]);
    markWake('index-read');
    if (!meta) return null;
    const seal = sealOf(head);
    if (held && seal !== null && held.seal === seal && held.compact.heldPieces().length <= PIECES_KEPT) {
      held = { ...held, meta };
      return held;
    }
    const compact = CompactDirectory.fromHead(head);
    markWake('index-checked');
    if (!compact) return 'damaged';
    held = { compact, meta, seal };
    return held;
  };

  /**
   * Runs `ask` against the index, reading in this transaction each piece it asks for (so all
   * pieces come from one write, the head's). 'damaged' when a piece is missing, damaged or of
   * another write.
   */
  const withPieces = async <T>(tx: ReadTx, compact: CompactDirectory, remembered: string | null, ask: () => T) => {
    for (;;) {
      try {
        return ask();
      } catch (error) {
        if (!(error instanceof PieceMissing)) throw error;
        const stored = await tx.objectStore('lookup').get(error.piece);
        const seal = error.piece === PIECE_LOOKALIKE ? sealOf(stored) : null;
        const alreadyVerified = seal !== null && seal === remembered;
        if (!compact.addPiece(error.piece, stored, { alreadyVerified })) return 'damaged' as const;
        markWake(
          error.piece === PIECE_LOOKALIKE ? 'lookalike-read' : error.piece.startsWith('k') ? 'keys-read' : 'texts-read',
        );
        if (seal && !alreadyVerified) void verifiedSeal?.set(seal).catch(() => {});
      }
    }
  };

  const lookupIn = async (tx: ReadTx, input: string, ices: readonly string[], remembered: string | null) => {
    const hot = await headIn(tx);
    if (hot === null || hot === 'damaged') return hot;
    const { compact, meta } = hot;
    const resolved = resolveShopIdentity(input, meta.platforms);
    // No shop identity: the verdict asks the lookup nothing but its platforms.
    const domain = resolved.ok ? resolved.identity.domain : '';
    const wanted = await withPieces(tx, compact, remembered, () => {
      const wanted = recordsWanted(compact, domain);
      // The verdict searches look-alikes of a shop the directory does not list: what that
      // search reads (the look-alike part, the texts of the targets it meets) is read now.
      if (resolved.ok && resolved.identity.kind !== 'social' && compact.merchantOfOwnDomain(domain) === null) {
        compact.lookalikeOf(resolved.identity);
      }
      return wanted;
    });
    if (wanted === 'damaged') return wanted;
    const byIce = tx.objectStore('merchants').index('byIce');
    const [merchants, holders, flag, complaints] = await Promise.all([
      Promise.all(wanted.merchantIds.map((id) => tx.objectStore('merchants').get(id))),
      Promise.all((resolved.ok ? ices : []).map((ice) => byIce.getAll(ice))),
      wanted.flag ? tx.objectStore('flagged').get(domain) : undefined,
      wanted.complaints ? tx.objectStore('domainComplaints').get(domain) : undefined,
    ]);
    const read = new Map<string, Merchant>();
    for (const merchant of [...merchants, ...holders.flat()]) if (merchant) read.set(merchant.id, merchant);
    const lookup = compactLookup(compact, meta, domain, { merchants: read, flag, complaints });
    // The identity comes back with the lookup: the verdict judges it without parsing the URL again.
    return { lookup, meta, resolved };
  };

  /** Reads in one transaction; a damaged piece makes every piece be rebuilt from the records, then reads again. */
  const inOneRead = async <T>(read: (tx: ReadTx, remembered: string | null) => Promise<T | 'damaged'>) => {
    const remembered = await rememberedSeal;
    for (let attempt = 0; ; attempt++) {
      const tx = db.transaction([...RECORD_STORES]);
      const result = await read(tx, remembered);
      await tx.done;
      if (result !== 'damaged') return result;
      if (attempt > 0) throw new Error('compact index: damaged again right after its rebuild');
      await rebuild();
    }
  };

  const compact = () =>
    inOneRead(async (tx) => {
      const hot = await headIn(tx);
      return hot === null || hot === 'damaged' ? hot : { compact: hot.compact, meta: hot.meta };
    });

  return {
    readMeta,
    readState,
    compact,
    lookupFor(input, ices = []) {
      return inOneRead((tx, remembered) => lookupIn(tx, input, ices, remembered));
    },
    async replaceWithSnapshot(snapshot, meta) {
      // Built before the transaction opens: a transaction left idle while we compute would commit.
      const bytes = buildCompact(snapshot.state);
      const tx = db.transaction(RECORD_STORES, 'readwrite');
      const merchants = tx.objectStore('merchants');
      const flagged = tx.objectStore('flagged');
      const complaints = tx.objectStore('domainComplaints');
      await Promise.all([merchants.clear(), flagged.clear(), complaints.clear()]);
      await Promise.all([
        ...snapshot.state.merchants.map((record) => merchants.put(record)),
        ...snapshot.state.flagged.map((record) => flagged.put(record)),
        ...snapshot.state.domainComplaints.map((record) => complaints.put(record)),
        writePieces(tx.objectStore('lookup'), bytes),
        tx.objectStore('meta').put(
          {
            ...meta,
            version: snapshot.version,
            publishedAt: snapshot.publishedAt,
            policy: snapshot.state.policy,
            platforms: snapshot.state.platforms,
          },
          'directory',
        ),
      ]);
      await tx.done;
      changed();
    },
    async applyDeltaRecords(delta, meta) {
      const tx = db.transaction(RECORD_STORES, 'readwrite');
      // A failed write aborts the whole transaction (nothing of the delta is kept); the error
      // that caused it is the one thrown, not the abort that follows.
      tx.done.catch(() => undefined);
      const merchants = tx.objectStore('merchants');
      const flagged = tx.objectStore('flagged');
      const complaints = tx.objectStore('domainComplaints');
      const lookup = tx.objectStore('lookup');
      // What the index must learn: which flagged and complained-about keys come and go.
      const present = (store: typeof flagged | typeof complaints, keys: readonly string[]) =>
        Promise.all(keys.map(async (key) => ((await store.getKey(key)) === undefined ? null : key)));
      const [old, flagsGone, flagsKept, complaintsGone, complaintsKept] = await Promise.all([
        readAllPieces(lookup),
        present(flagged, delta.flagged.remove),
        present(
          flagged,
          delta.flagged.upsert.map((record) => record.domain),
        ),
        present(complaints, delta.domainComplaints.remove),
        present(
          complaints,
          delta.domainComplaints.upsert.map((record) => record.domain),
        ),
      ]);
      const markers = (keys: Array<string | null>, kind: Marker['kind']) =>
        keys.flatMap((domain) => (domain === null ? [] : [{ domain, kind }]));
      const isNew = (kept: Array<string | null>) => (_record: { domain: string }, index: number) =>
        kept[index] === null;
      // Patched in the transaction, from the stored index and the delta alone (no other record is read).
      const bytes = old
        ? patchCompact(old, {
            removedIds: delta.merchants.remove,
            upserted: delta.merchants.upsert.map(merchantKeys),
            addMarkers: [
              ...markers(
                delta.flagged.upsert.filter(isNew(flagsKept)).map((r) => r.domain),
                MARKER.flag,
              ),
              ...markers(
                delta.domainComplaints.upsert.filter(isNew(complaintsKept)).map((r) => r.domain),
                MARKER.complaints,
              ),
            ],
            removeMarkers: [...markers(flagsGone, MARKER.flag), ...markers(complaintsGone, MARKER.complaints)],
          })
        : null;
      // Removals first: a merchant may hand a domain to another one in the same delta,
      // and the unique domain index must not see both at once.
      await Promise.all([
        ...delta.merchants.remove.map((key) => merchants.delete(key)),
        ...delta.flagged.remove.map((key) => flagged.delete(key)),
        ...delta.domainComplaints.remove.map((key) => complaints.delete(key)),
      ]);
      for (const record of delta.merchants.upsert) await merchants.delete(record.id);
      await Promise.all([
        ...delta.merchants.upsert.map((record) => merchants.put(record)),
        ...delta.flagged.upsert.map((record) => flagged.put(record)),
        ...delta.domainComplaints.upsert.map((record) => complaints.put(record)),
        tx.objectStore('meta').put(meta, 'directory'),
      ]);
      if (bytes) await writePieces(lookup, bytes);
      else {
        // The stored index was damaged: rebuilt from the records as they now stand, still in this transaction.
        const [all, allFlagged, allComplaints] = await Promise.all([
          merchants.getAll(),
          flagged.getAll(),
          complaints.getAll(),
        ]);
        await writePieces(
          lookup,
          buildCompact({ merchants: all, flagged: allFlagged, domainComplaints: allComplaints }),
        );
      }
      await tx.done;
      changed();
    },
    async recordSync(patch) {
      const tx = db.transaction('meta', 'readwrite');
      const meta = await tx.store.get('directory');
      if (meta) await tx.store.put({ ...meta, ...patch }, 'directory');
      await tx.done;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
