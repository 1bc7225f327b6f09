import { directoryDigest } from '../directory/delta.ts';
import { describeSchemaError, snapshotSchema } from '../directory/schemas.ts';
import type { Fetch } from './bounded-fetch.ts';
import type { DirectoryStore } from './directory-store.ts';

/**
 * Stores the snapshot shipped inside the extension unless a newer directory is already
 * held: the extension judges shops from its first minute, offline included. The bundled
 * copy carries no signed expiry, so it is fresh for the policy's lifetime after publication.
 */
export async function loadBundledDirectory(deps: { fetch: Fetch; store: DirectoryStore; url: string }): Promise<void> {
  const held = await deps.store.readMeta();
  const response = await deps.fetch(deps.url);
  const parsed = snapshotSchema.safeParse(await response.json());
  if (!parsed.success) throw new Error(describeSchemaError(parsed.error, 'bundled snapshot'));
  const snapshot = parsed.data;
  if (held && held.version >= snapshot.version) return;
  const lifetimeMs = snapshot.state.policy.directoryLifetimeHours * 3_600_000;
  await deps.store.replaceWithSnapshot(snapshot, {
    expiresAt: new Date(Date.parse(snapshot.publishedAt) + lifetimeMs).toISOString(),
    digest: await directoryDigest(snapshot.state),
    source: 'bundled',
    etag: null,
    lastSyncAt: held?.lastSyncAt ?? null,
    lastError: held?.lastError ?? null,
  });
}
