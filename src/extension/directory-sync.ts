import { fromUtf8 } from '../directory/bytes.ts';
import { applyDelta, directoryDigest } from '../directory/delta.ts';
import { checkFileRef, decodeDelta, decodeSnapshot, FileRefused } from '../directory/publication.ts';
import type { Manifest, Snapshot } from '../directory/schemas.ts';
import { openSignedManifest, type PublicKeyInfo } from '../directory/signing.ts';
import { DownloadInterrupted, DownloadTooLarge, type Fetch, readBounded, StallWatchdog } from './bounded-fetch.ts';
import type { SyncError } from './database.ts';
import type { DirectoryStore } from './directory-store.ts';

/** A signed manifest is a few kilobytes; anything far larger is not one. */
const MAX_MANIFEST_BYTES = 256 * 1024;
/**
 * A request that receives nothing for this long is abandoned. Long enough for a slow
 * mobile link to deliver its next chunk; short enough that a host which accepts the
 * connection and then goes silent does not hold the sync (and "Sync now") indefinitely.
 */
export const STALL_TIMEOUT_MS = 15_000;

/** Between two syncs that succeed: six hours and up to half an hour more, so that shoppers spread out. */
export const SYNC_EVERY_MS = 6 * 3_600_000;
const SYNC_JITTER_MS = 30 * 60_000;
/** After a refused sync (offline at install, the service down), the next try is 15 to 30 minutes away. */
export const SYNC_RETRY_MS = 15 * 60_000;

/** How long until the next sync after this one, given `random()` in [0, 1). */
export function nextSyncDelay(outcome: SyncOutcome, random: () => number): number {
  if (outcome.status === 'refused') return SYNC_RETRY_MS + random() * SYNC_RETRY_MS;
  return SYNC_EVERY_MS + random() * SYNC_JITTER_MS;
}

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
  stallTimeoutMs?: number;
}): DirectorySync {
  const { store, now, directoryUrl, publicKeys } = deps;
  const stallTimeoutMs = deps.stallTimeoutMs ?? STALL_TIMEOUT_MS;

  /** One GET, its body read up to `maxBytes`; a 304 comes back with no bytes. */
  async function get(
    path: string,
    maxBytes: number,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; etag: string | null; bytes: Uint8Array<ArrayBuffer> }> {
    const watchdog = new StallWatchdog(stallTimeoutMs);
    try {
      const response = await deps.fetch(new URL(path, directoryUrl).href, {
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'error',
        referrerPolicy: 'no-referrer',
        headers,
        signal: watchdog.signal,
      });
      watchdog.touch();
      if (response.status === 304) return { status: 304, etag: response.headers.get('etag'), bytes: new Uint8Array() };
      if (!response.ok) {
        await response.body?.cancel();
        throw new SyncRefused('http-status', `${path}: HTTP ${response.status}`);
      }
      const bytes = await readBounded(response, maxBytes, () => watchdog.touch()).catch((error: unknown) => {
        throw error instanceof DownloadInterrupted ? new DownloadInterrupted(`${path}: ${error.message}`) : error;
      });
      return { status: response.status, etag: response.headers.get('etag'), bytes };
    } catch (error) {
      if (watchdog.fired) throw new SyncRefused('timeout', `${path}: nothing received for ${stallTimeoutMs / 1000} s`);
      throw error;
    } finally {
      watchdog.stop();
    }
  }

  async function download(ref: { path: string; size: number; sha256: string }): Promise<Uint8Array<ArrayBuffer>> {
    // The manifest names the size: no more than that is read, whatever the server sends.
    const { bytes } = await get(ref.path, ref.size);
    await checkFileRef(ref, bytes);
    return bytes;
  }

  /** Applies the delta from the version held; otherwise says why not (null when none is offered). */
  async function viaDelta(manifest: Manifest, etag: string | null): Promise<true | string | null> {
    const meta = await store.readMeta();
    const ref = meta && manifest.deltas.find((delta) => delta.from === meta.version);
    if (!meta || !ref) return null;
    try {
      const delta = await decodeDelta(await download(ref));
      if (delta.from !== meta.version || delta.to !== manifest.version) {
        return `it goes from version ${delta.from} to ${delta.to}, this browser holds ${meta.version}`;
      }
      const current = await store.readState();
      if (!current) return 'no directory is stored to apply it to';
      // The digest is checked before the write, because an IndexedDB transaction cannot
      // stay open across WebCrypto's await; the write itself is one transaction.
      const next = applyDelta(current, delta);
      if ((await directoryDigest(next)) !== manifest.digest) return 'its result differs from the signed digest';
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
    } catch (error) {
      // Any flaw in the delta path falls back to the full snapshot.
      return error instanceof Error ? error.message : String(error);
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
    const response = await get('manifest.json', MAX_MANIFEST_BYTES, headers);
    if (response.status === 304 && meta) {
      // "Not modified" from a feed that stopped moving: the manifest held has expired, and
      // the shopper should see that the update was refused, not a successful sync.
      if (Date.parse(meta.expiresAt) <= now().getTime()) {
        throw new SyncRefused(
          'manifest-expired',
          `the server still offers version ${meta.version}, expired at ${meta.expiresAt}`,
        );
      }
      await store.recordSync({ lastSyncAt: now().toISOString(), lastError: null });
      return { status: 'unchanged', version: meta.version };
    }
    if (response.status === 304) throw new SyncRefused('http-status', 'manifest.json: HTTP 304 to a first request');
    const { etag } = response;
    const opened = await openSignedManifest(fromUtf8(response.bytes), publicKeys);
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
      // The publisher re-signs an unchanged version with a later expiry (renewal); an
      // older signature of it, replayed, must not take that freshness back.
      const sameContent = meta.digest === manifest.digest;
      if (sameContent || meta.source === 'synced') {
        const expiresAt =
          Date.parse(manifest.expiresAt) > Date.parse(meta.expiresAt) ? manifest.expiresAt : meta.expiresAt;
        await store.recordSync({
          lastSyncAt: now().toISOString(),
          lastError: null,
          etag,
          expiresAt,
          digest: manifest.digest,
          source: 'synced',
        });
        return { status: 'unchanged', version: meta.version };
      }
    }
    const deltaOutcome = await viaDelta(manifest, etag);
    if (deltaOutcome === true) return { status: 'updated', version: manifest.version, via: 'delta' };
    try {
      await viaSnapshot(manifest, etag);
    } catch (error) {
      if (deltaOutcome === null) throw error;
      // Both ways failed: the shopper sees the snapshot's problem and why the delta was not used.
      throw new SyncRefused(errorCode(error), `${messageOf(error)}; the delta was not used either: ${deltaOutcome}`);
    }
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
            detail: messageOf(error),
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): string {
  if (error instanceof SyncRefused || error instanceof FileRefused) return error.code;
  if (error instanceof DownloadTooLarge) return 'too-large';
  if (error instanceof DownloadInterrupted) return 'interrupted';
  if (error instanceof TypeError) return 'network';
  return 'failed';
}
