import { buildCompact, type Marker, merchantKeys, patchCompact } from '../directory/compact-build.ts';
import { CompactDirectory, MARKER } from '../directory/compact-directory.ts';
import { sealOf } from '../directory/compact-format.ts';
import { compactLookup, recordsWanted } from '../directory/compact-lookup.ts';
import type { DirectoryLookup } from '../directory/directory-index.ts';
import type { Delta, DirectoryState, Merchant, Snapshot } from '../directory/schemas.ts';
import { type IdentityResult, resolveShopIdentity } from '../directory/shop-identity.ts';
import type { DirectoryMeta, SyncError, ThiqaDatabase } from './database.ts';
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

const RECORD_STORES = ['meta', 'merchants', 'flagged', 'domainComplaints', 'lookup'] as const;

export function createDirectoryStore(db: ThiqaDatabase, options: { verifiedSeal?: VerifiedSeal } = {}): DirectoryStore {
  const { verifiedSeal } = options;
  type Hot = { compact: CompactDirectory; meta: DirectoryMeta } | null;
  let hot: Promise<Hot> | null = null;
  const listeners: Array<() => void> = [];
  const changed = () => {
    hot = null;
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

  /** A damaged or missing stored index is rebuilt from the records, in one transaction with them. */
  const rebuild = async (): Promise<Hot> => {
    const tx = db.transaction(RECORD_STORES, 'readwrite');
    const [meta, merchants, flagged, domainComplaints] = await Promise.all([
      tx.objectStore('meta').get('directory'),
      tx.objectStore('merchants').getAll(),
      tx.objectStore('flagged').getAll(),
      tx.objectStore('domainComplaints').getAll(),
    ]);
    const bytes = buildCompact({ merchants, flagged, domainComplaints });
    await tx.objectStore('lookup').put(bytes, 'directory');
    await tx.done;
    const compact = CompactDirectory.read(bytes);
    return meta && compact ? { compact, meta } : null;
  };

  const load = async (): Promise<Hot> => {
    // Asked beside the read: the answer costs no time of its own.
    const remembered = verifiedSeal ? verifiedSeal.get().catch(() => null) : null;
    const tx = db.transaction(['meta', 'lookup']);
    const [meta, stored] = await Promise.all([
      tx.objectStore('meta').get('directory'),
      tx.objectStore('lookup').get('directory'),
    ]);
    await tx.done;
    markWake('index-read');
    if (!meta) return null;
    const seal = sealOf(stored);
    const alreadyVerified = seal !== null && seal === (await remembered);
    const compact = CompactDirectory.read(stored, { alreadyVerified });
    markWake('index-checked');
    if (compact && seal && !alreadyVerified) void verifiedSeal?.set(seal).catch(() => {});
    return compact ? { compact, meta } : rebuild();
  };

  const compact = () => {
    hot ??= load();
    return hot;
  };

  return {
    readMeta,
    readState,
    compact,
    async lookupFor(input, ices = []) {
      const held = await compact();
      if (!held) return null;
      const { meta } = held;
      const resolved = resolveShopIdentity(input, meta.platforms);
      // No shop identity: the verdict asks the lookup nothing but its platforms.
      const domain = resolved.ok ? resolved.identity.domain : '';
      const wanted = recordsWanted(held.compact, domain, resolved.ok ? ices : []);
      const tx = db.transaction(['merchants', 'flagged', 'domainComplaints']);
      const [merchants, flag, complaints] = await Promise.all([
        Promise.all(wanted.merchantIds.map((id) => tx.objectStore('merchants').get(id))),
        wanted.flag ? tx.objectStore('flagged').get(domain) : undefined,
        wanted.complaints ? tx.objectStore('domainComplaints').get(domain) : undefined,
      ]);
      await tx.done;
      const read = new Map<string, Merchant>();
      for (const merchant of merchants) if (merchant) read.set(merchant.id, merchant);
      const lookup = compactLookup(held.compact, meta, domain, { merchants: read, flag, complaints });
      // The identity comes back with the lookup: the verdict judges it without parsing the URL again.
      return { lookup, meta, resolved };
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
        tx.objectStore('lookup').put(bytes, 'directory'),
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
      const [stored, flagsGone, flagsKept, complaintsGone, complaintsKept] = await Promise.all([
        lookup.get('directory'),
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
      const old = CompactDirectory.read(stored);
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
      if (bytes) await lookup.put(bytes, 'directory');
      else {
        // The stored index was damaged: rebuilt from the records as they now stand, still in this transaction.
        const [all, allFlagged, allComplaints] = await Promise.all([
          merchants.getAll(),
          flagged.getAll(),
          complaints.getAll(),
        ]);
        await lookup.put(
          buildCompact({ merchants: all, flagged: allFlagged, domainComplaints: allComplaints }),
          'directory',
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
      hot = null;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
