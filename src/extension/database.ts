import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import { buildCompact } from '../directory/compact-build.ts';
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
  merchants: { key: string; value: Merchant; indexes: { byDomain: string } };
  flagged: { key: string; value: FlaggedDomain };
  domainComplaints: { key: string; value: DomainComplaints };
  meta: { key: 'directory'; value: DirectoryMeta };
  /** The compact lookup index of the records (src/directory/compact-directory.ts), one binary value. */
  lookup: { key: 'directory'; value: Uint8Array };
  reports: { key: string; value: StoredReport; indexes: { byCreatedAt: string } };
}

export type ThiqaDatabase = IDBPDatabase<ThiqaDatabaseSchema>;

export const DATABASE_NAME = 'thiqa';
export const DATABASE_VERSION = 2;

/** Opens the extension's database; `indexedDB` is passed in so tests can hand a fake one. */
export function openThiqaDatabase(name = DATABASE_NAME): Promise<ThiqaDatabase> {
  return openDB<ThiqaDatabaseSchema>(name, DATABASE_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) createVersion1(db);
      if (oldVersion < 2) {
        db.createObjectStore('lookup');
        // Users who already hold a directory get its compact index built from their records,
        // in the upgrade's own transaction: the worker never wakes to records without one.
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
  await tx.objectStore('lookup').put(buildCompact({ merchants, flagged, domainComplaints }), 'directory');
}
