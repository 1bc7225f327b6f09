import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
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
  reports: { key: string; value: StoredReport; indexes: { byCreatedAt: string } };
}

export type ThiqaDatabase = IDBPDatabase<ThiqaDatabaseSchema>;

export const DATABASE_NAME = 'thiqa';

/** Opens the extension's database; `indexedDB` is passed in so tests can hand a fake one. */
export function openThiqaDatabase(name = DATABASE_NAME): Promise<ThiqaDatabase> {
  return openDB<ThiqaDatabaseSchema>(name, 1, {
    upgrade(db) {
      const merchants = db.createObjectStore('merchants', { keyPath: 'id' });
      // A merchant is found by any of its shop identities.
      merchants.createIndex('byDomain', 'domains', { unique: true, multiEntry: true });
      db.createObjectStore('flagged', { keyPath: 'domain' });
      db.createObjectStore('domainComplaints', { keyPath: 'domain' });
      db.createObjectStore('meta');
      const reports = db.createObjectStore('reports', { keyPath: 'idempotencyKey' });
      reports.createIndex('byCreatedAt', 'createdAt');
    },
  });
}
