import { DirectoryIndex } from '../directory/directory-index.ts';
import type { Delta, DirectoryState, Snapshot } from '../directory/schemas.ts';
import type { DirectoryMeta, SyncError, ThiqaDatabase } from './database.ts';

export interface DirectoryStore {
  readMeta(): Promise<DirectoryMeta | undefined>;
  /** The whole state as stored (records come back in key order, i.e. sorted). */
  readState(): Promise<DirectoryState | null>;
  /** The hot in-memory index, rebuilt from IndexedDB the first time it is asked for after a wake or a change. */
  index(): Promise<{ index: DirectoryIndex; meta: DirectoryMeta } | null>;
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

export function createDirectoryStore(db: ThiqaDatabase): DirectoryStore {
  let hot: Promise<{ index: DirectoryIndex; meta: DirectoryMeta } | null> | null = null;
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

  return {
    readMeta,
    readState,
    index() {
      hot ??= (async () => {
        const [state, meta] = await Promise.all([readState(), readMeta()]);
        return state && meta ? { index: new DirectoryIndex(state), meta } : null;
      })();
      return hot;
    },
    async replaceWithSnapshot(snapshot, meta) {
      const tx = db.transaction(['meta', 'merchants', 'flagged', 'domainComplaints'], 'readwrite');
      const merchants = tx.objectStore('merchants');
      const flagged = tx.objectStore('flagged');
      const complaints = tx.objectStore('domainComplaints');
      await Promise.all([merchants.clear(), flagged.clear(), complaints.clear()]);
      await Promise.all([
        ...snapshot.state.merchants.map((record) => merchants.put(record)),
        ...snapshot.state.flagged.map((record) => flagged.put(record)),
        ...snapshot.state.domainComplaints.map((record) => complaints.put(record)),
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
      const tx = db.transaction(['meta', 'merchants', 'flagged', 'domainComplaints'], 'readwrite');
      const merchants = tx.objectStore('merchants');
      const flagged = tx.objectStore('flagged');
      const complaints = tx.objectStore('domainComplaints');
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
