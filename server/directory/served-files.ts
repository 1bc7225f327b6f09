import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { fromBase64, fromUtf8, utf8 } from '../../src/directory/bytes.ts';
import { createDelta } from '../../src/directory/delta.ts';
import { checkFileRef, encodeJsonFile } from '../../src/directory/publication.ts';
import {
  describeSchemaError,
  type Manifest,
  manifestSchema,
  type Snapshot,
  signedManifestSchema,
} from '../../src/directory/schemas.ts';
import { StoredPartsMissing, storedText } from '../db/stored-parts.ts';
import type { Database } from '../db/tables.ts';

// The published folder and the publications the database records: every file of the
// latest publication in place with its hash, the manifest equal to the stored one, old
// files pruned. Files are written whole or not at all (temporary name, sync, rename).

/** The latest recorded publication, or undefined before the first. */
export async function latestPublication(db: Kysely<Database>) {
  return db
    .selectFrom('publications')
    .select(['version', 'digest', 'published_at'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * What the folder needed to match the latest recorded publication. `unrepairable` says
 * why a file that publication names could not be rebuilt byte-identical: then the folder
 * is left as it was and the next publish makes a fresh version instead.
 */
export interface ServedFilesRepair {
  version: number | null;
  restored: string[];
  unrepairable: string | null;
}

/** One line for the operator when the folder had to be mended; null when it matched. */
export function describeRepair(repair: ServedFilesRepair): string | null {
  if (repair.unrepairable !== null) {
    return `the published files cannot be restored: ${repair.unrepairable}; publishing a fresh version instead`;
  }
  if (repair.restored.length > 0) {
    return `restored the published files of version ${repair.version}: ${repair.restored.join(', ')}`;
  }
  return null;
}

export function parseStoredManifest(text: string, version: number): Manifest {
  const what = `the stored manifest of version ${version}`;
  let payload: unknown;
  try {
    const envelope = signedManifestSchema.safeParse(JSON.parse(text));
    if (!envelope.success) throw new StoredPublicationDamaged(describeSchemaError(envelope.error, what));
    payload = JSON.parse(fromUtf8(fromBase64(envelope.data.payload)));
  } catch (error) {
    if (error instanceof StoredPublicationDamaged) throw error;
    throw new StoredPublicationDamaged(`${what} is not JSON`);
  }
  const manifest = manifestSchema.safeParse(payload);
  if (!manifest.success) throw new StoredPublicationDamaged(describeSchemaError(manifest.error, what));
  return manifest.data;
}

class StoredPublicationDamaged extends Error {
  override name = 'StoredPublicationDamaged';
}

export async function repairNow(db: Kysely<Database>, dir: string): Promise<ServedFilesRepair> {
  const latest = await db
    .selectFrom('publications')
    .select(['version', 'manifest'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return { version: null, restored: [], unrepairable: null };
  const { version } = latest;
  const restored: string[] = [];
  try {
    const manifest = parseStoredManifest(latest.manifest, version);
    const refs: Array<{ path: string; sha256: string; size: number; from?: number }> = [
      manifest.snapshot,
      ...manifest.deltas,
    ];
    let current: Snapshot | undefined;
    for (const ref of refs) {
      if (await holdsFile(dir, ref)) continue;
      // Paths are content-addressed and the build deterministic: the stored snapshots
      // give the same bytes back, which the manifest's hash proves before they are served.
      // Read only then: the snapshot's JSON is large, and usually every file is in place.
      current ??= await storedSnapshot(db, version);
      const bytes =
        ref.from === undefined
          ? await encodeJsonFile(current)
          : await encodeJsonFile(createDelta(await storedSnapshot(db, ref.from), current));
      try {
        await checkFileRef(ref, bytes);
      } catch (error) {
        throw new StoredPublicationDamaged(
          `${ref.path} is missing or damaged, and rebuilt from the stored snapshots it is not byte-identical (${(error as Error).message})`,
        );
      }
      await writeFileAtomically(join(dir, ref.path), bytes);
      restored.push(ref.path);
    }
  } catch (error) {
    if (error instanceof StoredPublicationDamaged) {
      return { version, restored, unrepairable: `version ${version}: ${error.message}` };
    }
    throw error;
  }
  const onDisk = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => null);
  if (onDisk !== latest.manifest && (await writeManifestIfLatest(db, dir, version, latest.manifest))) {
    restored.push('manifest.json');
  }
  await pruneOldFiles(db, dir);
  return { version, restored, unrepairable: null };
}

/**
 * Parsed as the publish that stored it parsed it, not re-validated: the bytes rebuilt from
 * it are checked against the signed hash instead, and a schema grown stricter since must
 * not turn an old version's files into different ones.
 */
export function parseStoredSnapshot(text: string, version: number): Snapshot {
  try {
    return JSON.parse(storedSnapshotJson(text)) as Snapshot;
  } catch {
    throw new StoredPublicationDamaged(`the stored snapshot of version ${version} is not JSON`);
  }
}

/**
 * How `publications.snapshot` holds a snapshot since issue 15: the published gzip file
 * itself, in base64 (a tenth of the JSON, which at a million merchants passes what one
 * string can hold, and is stored without the database compressing it again on the
 * event loop). Rows written before hold the JSON text.
 */
export const STORED_GZIP_PREFIX = 'gzip;base64,';

/**
 * The stored form of a gzipped snapshot file (STORED_GZIP_PREFIX, then its base64), in
 * pieces that joined are that text: base64 of whole groups of 3 bytes joins without seams,
 * so the file's 8.5 MB of base64 at 100k merchants is never one string. With `sha256`, the
 * bytes are hashed piece by piece (a few milliseconds of the service's thread at a time, not
 * 150 ms at once for a million merchants' file) and a file that is not the one published
 * throws after its last piece, before anything names the parts written.
 */
export function* storedGzipPieces(gzipped: Uint8Array, sha256?: string): Generator<string> {
  yield STORED_GZIP_PREFIX;
  const bytes = Buffer.from(gzipped.buffer, gzipped.byteOffset, gzipped.byteLength);
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.length; at += STORED_PIECE_BYTES) {
    const piece = bytes.subarray(at, Math.min(at + STORED_PIECE_BYTES, bytes.length));
    hash.update(piece);
    yield piece.toString('base64');
  }
  if (sha256 !== undefined && hash.digest('hex') !== sha256) {
    throw new Error('the snapshot file changed on disk while it was being published');
  }
}

/** Bytes base64-encoded at a time by storedGzipPieces: a multiple of 3 (96 KB, 128k characters). */
const STORED_PIECE_BYTES = 3 * 32 * 1024;

/** The gzip file's bytes a stored snapshot holds, or undefined for the JSON text rows written before hold. */
export function storedGzip(stored: string): Buffer | undefined {
  return stored.startsWith(STORED_GZIP_PREFIX)
    ? Buffer.from(stored.slice(STORED_GZIP_PREFIX.length), 'base64')
    : undefined;
}

/** The snapshot's JSON text from what `publications.snapshot` holds, either form. */
export function storedSnapshotJson(stored: string): string {
  const gzipped = storedGzip(stored);
  return gzipped ? gunzipSync(gzipped).toString('utf8') : stored;
}

/**
 * What `publications` keeps of a version's snapshot (see STORED_GZIP_PREFIX), from the row
 * or from its parts (server/db/stored-parts.ts); undefined when the version has no row.
 */
export async function storedSnapshotForm(db: Kysely<Database>, version: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('publications')
    .select(['snapshot', 'snapshot_parts'])
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) return undefined;
  try {
    return await storedText(
      db,
      { text: row.snapshot, parts: row.snapshot_parts },
      `the snapshot of version ${version}`,
    );
  } catch (error) {
    if (error instanceof StoredPartsMissing) throw new StoredPublicationDamaged(error.message);
    throw error;
  }
}

export async function storedSnapshot(db: Kysely<Database>, version: number): Promise<Snapshot> {
  const stored = await storedSnapshotForm(db, version);
  if (stored === undefined) {
    throw new StoredPublicationDamaged(`the snapshot of version ${version}, a delta's base, is not stored`);
  }
  return parseStoredSnapshot(stored, version);
}

export async function holdsFile(dir: string, ref: { path: string; sha256: string; size: number }): Promise<boolean> {
  const info = await lstat(join(dir, ref.path)).catch(() => null);
  if (!info?.isFile() || info.size !== ref.size) return false;
  // Hashed as it is read, a chunk at a time: the snapshot is megabytes, and reading and
  // hashing it whole held the service's thread for about 50 ms at the start of every publish.
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(join(dir, ref.path))) hash.update(chunk as Buffer);
  } catch {
    return false;
  }
  return hash.digest('hex') === ref.sha256;
}

/**
 * Readers see the old manifest or the new one, never half of one, and never an older
 * version over a newer one that another process has just committed.
 */
export async function writeManifestIfLatest(
  db: Kysely<Database>,
  dir: string,
  version: number,
  manifestText: string,
): Promise<boolean> {
  const latest = await latestPublication(db);
  if (latest && latest.version !== version) return false;
  await writeFileAtomically(join(dir, 'manifest.json'), utf8(manifestText));
  return true;
}

/** Temporary files of a write a crash interrupted are removed once this old. */
const STALE_TEMPORARY_MS = 10 * 60_000;

/** Where a file is written before it is renamed to `path`: beside it, hidden, unique to this write. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Written beside its final name and renamed over it: a reader or a crash never meets half a file. */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(path);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/**
 * Files named by the two latest manifests stay, so a client that read the previous
 * manifest a moment ago can still fetch what it names; older files go, and so do the
 * temporary files of writes a crash interrupted.
 */
export async function pruneOldFiles(db: Kysely<Database>, dir: string): Promise<void> {
  const recent = await db
    .selectFrom('publications')
    .select(['version', 'manifest'])
    .orderBy('version', 'desc')
    .limit(2)
    .execute();
  const keep = new Set(['manifest.json']);
  for (const row of recent) {
    const manifest = parseStoredManifest(row.manifest, row.version);
    keep.add(manifest.snapshot.path);
    for (const delta of manifest.deltas) keep.add(delta.path);
  }
  const now = Date.now();
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (/^(snapshot|delta)-.*\.json\.gz$/.test(name)) {
      if (!keep.has(name)) await rm(path, { force: true });
    } else if (/^\..*\.tmp$/.test(name)) {
      const info = await lstat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_TEMPORARY_MS) await rm(path, { force: true });
    }
  }
}
