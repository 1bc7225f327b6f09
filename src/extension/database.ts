import {
  type DBSchema,
  type IDBPDatabase,
  type IDBPObjectStore,
  type IDBPTransaction,
  openDB,
  type StoreNames,
} from 'idb';
import { buildCompact } from '../directory/compact-build.ts';
import { piecesOf } from '../directory/compact-pieces.ts';
import type { DomainComplaints, FlaggedDomain, Merchant, Policy } from '../directory/schemas.ts';
import type { StoredReport } from './report-outbox.ts';

/** Why the last sync did not bring a new directory; shown on the options page. */
export interface SyncError {
  code: string;
  detail: string;
  at: string;
}

/** What the extension knows about the directory it holds, beside the records. */
export interface DirectoryMeta {
  version: number;
  publishedAt: string;
  expiresAt: string;
  /** SHA-256 of the state, as the manifest that brought it named it (null for the bundled copy). */
  digest: string | null;
  policy: Policy;
  platforms: string[];
  source: 'bundled' | 'synced';
  etag: string | null;
  lastSyncAt: string | null;
  lastError: SyncError | null;
}

export interface ThiqaDatabaseSchema extends DBSchema {
  merchants: { key: string; value: Merchant; indexes: { byDomain: string; byIce: string } };
  flagged: { key: string; value: FlaggedDomain };
  domainComplaints: { key: string; value: DomainComplaints };
  meta: { key: 'directory'; value: DirectoryMeta };
  /** The compact lookup index of the records, in pieces (src/directory/compact-pieces.ts): head, k<b>, t<c>, look. */
  lookup: { key: string; value: Uint8Array };
  reports: { key: string; value: StoredReport; indexes: { byCreatedAt: string } };
}

export type ThiqaDatabase = IDBPDatabase<ThiqaDatabaseSchema>;

export const DATABASE_NAME = 'thiqa';
export const DATABASE_VERSION = 3;

/** Opens the extension's database; `indexedDB` is passed in so tests can hand a fake one. */
export function openThiqaDatabase(name = DATABASE_NAME): Promise<ThiqaDatabase> {
  return openDB<ThiqaDatabaseSchema>(name, DATABASE_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) createVersion1(db);
      if (oldVersion < 2) db.createObjectStore('lookup');
      if (oldVersion < 3) {
        // The merchant holding an ICE a page shows is read through this index (the compact index keeps no ICE).
        transaction.objectStore('merchants').createIndex('byIce', 'ice');
        // Users who already hold a directory get its compact index built from their records, in
        // pieces (version 2 kept it whole), in the upgrade's own transaction: the worker never
        // wakes to records without one.
        void buildStoredLookup(transaction);
      }
    },
  });
}

function createVersion1(db: IDBPDatabase<ThiqaDatabaseSchema>): void {
  const merchants = db.createObjectStore('merchants', { keyPath: 'id' });
  // A merchant is found by any of its shop identities.
  merchants.createIndex('byDomain', 'domains', { unique: true, multiEntry: true });
  db.createObjectStore('flagged', { keyPath: 'domain' });
  db.createObjectStore('domainComplaints', { keyPath: 'domain' });
  db.createObjectStore('meta');
  const reports = db.createObjectStore('reports', { keyPath: 'idempotencyKey' });
  reports.createIndex('byCreatedAt', 'createdAt');
}

/** Builds the compact index from the stored records and stores it, inside the upgrade's transaction. */
async function buildStoredLookup(
  tx: IDBPTransaction<ThiqaDatabaseSchema, StoreNames<ThiqaDatabaseSchema>[], 'versionchange'>,
): Promise<void> {
  const [merchants, flagged, domainComplaints] = await Promise.all([
    tx.objectStore('merchants').getAll(),
    tx.objectStore('flagged').getAll(),
    tx.objectStore('domainComplaints').getAll(),
  ]);
  await writePieces(tx.objectStore('lookup'), buildCompact({ merchants, flagged, domainComplaints }));
}

export type LookupStore = IDBPObjectStore<
  ThiqaDatabaseSchema,
  ArrayLike<StoreNames<ThiqaDatabaseSchema>>,
  'lookup',
  'readwrite' | 'versionchange'
>;

/** A stamp for the pieces of one write: a reader holding pieces of another write reads afresh. */
function newStamp(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] as number;
}

/** Replaces the stored pieces with those of a whole index, inside the caller's transaction (with the records). */
export async function writePieces(lookup: LookupStore, whole: Uint8Array): Promise<void> {
  const pieces = piecesOf(whole, newStamp());
  await lookup.clear();
  await Promise.all([...pieces].map(([key, bytes]) => lookup.put(bytes, key)));
}
