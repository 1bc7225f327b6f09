import { fromUtf8 } from '../directory/bytes.ts';
import { applyDelta, directoryDigest } from '../directory/delta.ts';
import { checkFileRef, decodeDelta, decodeSnapshot, FileRefused } from '../directory/publication.ts';
import type { Manifest, Snapshot } from '../directory/schemas.ts';
import { openSignedManifest, type PublicKeyInfo } from '../directory/signing.ts';
import { DownloadTooLarge, type Fetch, readBounded } from './bounded-fetch.ts';
import type { SyncError } from './database.ts';
import type { DirectoryStore } from './directory-store.ts';

/** A signed manifest is a few kilobytes; anything far larger is not one. */
const MAX_MANIFEST_BYTES = 256 * 1024;

export type SyncOutcome =
  | { status: 'updated'; version: number; via: 'delta' | 'snapshot' }
  | { status: 'unchanged'; version: number }
  | { status: 'refused'; error: SyncError };

export interface DirectorySync {
  sync(): Promise<SyncOutcome>;
}

class SyncRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Brings the stored directory up to the published one: signed manifest (ETag), then a
 * delta from the version held, else the full snapshot. Every request is the same for
 * every shopper (fixed URLs, no cookies, no query), and nothing replaces the last good
 * directory unless it is signed, newer, fresh and matches its hashes and digest.
 */
export function createDirectorySync(deps: {
  fetch: Fetch;
  store: DirectoryStore;
  now: () => Date;
  directoryUrl: string;
  publicKeys: readonly PublicKeyInfo[];
}): DirectorySync {
  const { store, now, directoryUrl, publicKeys } = deps;
  const request = (path: string, headers: Record<string, string> = {}) =>
    deps.fetch(new URL(path, directoryUrl).href, {
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      headers,
    });

  async function download(ref: { path: string; size: number; sha256: string }): Promise<Uint8Array<ArrayBuffer>> {
    const response = await request(ref.path);
    if (!response.ok) throw new SyncRefused('http-status', `${ref.path}: HTTP ${response.status}`);
    const bytes = await readBounded(response, ref.size);
    await checkFileRef(ref, bytes);
    return bytes;
  }

  async function viaDelta(manifest: Manifest, etag: string | null): Promise<boolean> {
    const meta = await store.readMeta();
    const ref = meta && manifest.deltas.find((delta) => delta.from === meta.version);
    if (!meta || !ref) return false;
    try {
      const delta = await decodeDelta(await download(ref));
      if (delta.from !== meta.version || delta.to !== manifest.version) return false;
      const current = await store.readState();
      if (!current) return false;
      // The digest is checked before the write, because an IndexedDB transaction cannot
      // stay open across WebCrypto's await; the write itself is one transaction.
      const next = applyDelta(current, delta);
      if ((await directoryDigest(next)) !== manifest.digest) return false;
      await store.applyDeltaRecords(delta, {
        ...meta,
        version: manifest.version,
        publishedAt: manifest.publishedAt,
        expiresAt: manifest.expiresAt,
        digest: manifest.digest,
        policy: next.policy,
        platforms: next.platforms,
        source: 'synced',
        etag,
        lastSyncAt: now().toISOString(),
        lastError: null,
      });
      return true;
    } catch {
      // Any flaw in the delta path falls back to the full snapshot.
      return false;
    }
  }

  async function viaSnapshot(manifest: Manifest, etag: string | null): Promise<void> {
    const snapshot: Snapshot = await decodeSnapshot(await download(manifest.snapshot));
    if (snapshot.version !== manifest.version) {
      throw new SyncRefused(
        'version-mismatch',
        `snapshot is version ${snapshot.version}, manifest names ${manifest.version}`,
      );
    }
    if ((await directoryDigest(snapshot.state)) !== manifest.digest) {
      throw new SyncRefused('digest-mismatch', 'snapshot content differs from the manifest digest');
    }
    await store.replaceWithSnapshot(snapshot, {
      expiresAt: manifest.expiresAt,
      digest: manifest.digest,
      source: 'synced',
      etag,
      lastSyncAt: now().toISOString(),
      lastError: null,
    });
  }

  async function attempt(): Promise<SyncOutcome> {
    if (publicKeys.length === 0) throw new SyncRefused('no-keys', 'this build pins no publisher key');
    const meta = await store.readMeta();
    const headers: Record<string, string> = meta?.etag ? { 'If-None-Match': meta.etag } : {};
    const response = await request('manifest.json', headers);
    if (response.status === 304 && meta) {
      await store.recordSync({ lastSyncAt: now().toISOString(), lastError: null });
      return { status: 'unchanged', version: meta.version };
    }
    if (!response.ok) throw new SyncRefused('http-status', `manifest.json: HTTP ${response.status}`);
    const etag = response.headers.get('etag');
    const opened = await openSignedManifest(fromUtf8(await readBounded(response, MAX_MANIFEST_BYTES)), publicKeys);
    if (!opened.ok) {
      const { refusal } = opened;
      const detail =
        refusal.code === 'signature-unknown-key'
          ? `signed by ${refusal.keyIds.join(', ')}`
          : refusal.code === 'signature-invalid'
            ? `bad signature for key ${refusal.keyId}`
            : refusal.detail;
      throw new SyncRefused(refusal.code, detail);
    }
    const { manifest } = opened;
    if (meta && manifest.version < meta.version) {
      throw new SyncRefused('rollback', `manifest version ${manifest.version} is older than the held ${meta.version}`);
    }
    if (Date.parse(manifest.expiresAt) <= now().getTime()) {
      throw new SyncRefused('manifest-expired', `manifest expired at ${manifest.expiresAt}`);
    }
    if (meta && manifest.version === meta.version) {
      // A synced copy of the same version: nothing to fetch. The bundled copy has no
      // signed expiry, so it takes the manifest's once the digest proves it is the same.
      const sameContent = meta.digest === manifest.digest;
      if (sameContent || meta.source === 'synced') {
        await store.recordSync({
          lastSyncAt: now().toISOString(),
          lastError: null,
          etag,
          expiresAt: manifest.expiresAt,
          digest: manifest.digest,
          source: 'synced',
        });
        return { status: 'unchanged', version: meta.version };
      }
    }
    if (await viaDelta(manifest, etag)) return { status: 'updated', version: manifest.version, via: 'delta' };
    await viaSnapshot(manifest, etag);
    return { status: 'updated', version: manifest.version, via: 'snapshot' };
  }

  let running: Promise<SyncOutcome> | null = null;
  return {
    // Start-up, the alarm and "sync now" may coincide; they share one run.
    sync() {
      running ??= attempt()
        .catch(async (error: unknown): Promise<SyncOutcome> => {
          const syncError: SyncError = {
            code: errorCode(error),
            detail: error instanceof Error ? error.message : String(error),
            at: now().toISOString(),
          };
          await store.recordSync({ lastError: syncError });
          return { status: 'refused', error: syncError };
        })
        .finally(() => {
          running = null;
        });
      return running;
    },
  };
}

function errorCode(error: unknown): string {
  if (error instanceof SyncRefused || error instanceof FileRefused) return error.code;
  if (error instanceof DownloadTooLarge) return 'too-large';
  if (error instanceof TypeError) return 'network';
  return 'failed';
}
