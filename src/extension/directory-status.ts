import type { DirectoryMeta } from './database.ts';
import type { DirectoryStatus } from './messages.ts';

export function directoryStatus(meta: DirectoryMeta | undefined, now: Date): DirectoryStatus | null {
  if (!meta) return null;
  return {
    version: meta.version,
    publishedAt: meta.publishedAt,
    expiresAt: meta.expiresAt,
    lastSyncAt: meta.lastSyncAt,
    lastError: meta.lastError,
    source: meta.source,
    expired: Date.parse(meta.expiresAt) <= now.getTime(),
  };
}
