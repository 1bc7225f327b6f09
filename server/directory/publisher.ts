import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import { canonicalJson, fromBase64, fromUtf8, sha256Hex, utf8 } from '../../src/directory/bytes.ts';
import { createDelta, directoryDigest } from '../../src/directory/delta.ts';
import { buildPublication, checkFileRef, encodeJsonFile } from '../../src/directory/publication.ts';
import {
  describeSchemaError,
  type Manifest,
  manifestSchema,
  SNAPSHOT_FORMAT,
  type Snapshot,
  signedManifestSchema,
} from '../../src/directory/schemas.ts';
import { type SigningKey, signManifest } from '../../src/directory/signing.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { ServiceError } from '../http/service-error.ts';
import { currentDirectoryState } from './directory-state.ts';

// `thiqa publish`: the registry's state becomes version N+1 of the signed directory,
// written as static files any web server or CDN can serve.

/** Deltas are offered from this many previous versions. */
export const DELTA_HISTORY = 7;

export function publicDirectoryDir(dataDir: string): string {
  return join(dataDir, 'public', 'v1', 'directory');
}

export interface PublishOptions {
  dataDir: string;
  keys: readonly SigningKey[];
  now: Date;
  actor: string;
  /**
   * Publish only when the state differs from the latest version (scheduled publishing).
   * When it does not, the latest manifest is re-signed with a later `expiresAt` once it
   * has aged (see RENEW_WHEN_REMAINING_AT_MOST), so a quiet registry never goes stale.
   */
  onlyIfChanged?: boolean;
  /** Called after each step that leaves something on disk or in the database; a test throws here to play a crash. */
  afterStep?: (step: PublishStep) => void | Promise<void>;
}

/** The steps of a publish, in order, and of a renewal ('renewal-committed', then 'manifest-written'). */
export type PublishStep =
  | 'snapshot-written'
  | 'files-written'
  | 'committed'
  | 'renewal-committed'
  | 'manifest-written'
  | 'pruned';

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

export type PublishResult =
  | { published: true; manifest: Manifest; files: string[]; repair: ServedFilesRepair }
  | {
      published: false;
      version: number;
      /** The served manifest's expiry, renewed or not. */
      expiresAt: string;
      renewed: boolean;
      repair: ServedFilesRepair;
    };

/**
 * An unchanged directory's manifest is re-signed once no more than this share of its
 * lifetime remains: with the default 72 h, 18 h after it was signed. A daily cron that
 * fires a few minutes early still renews every day (the manifest keeps about 48 h), and an
 * hourly schedule renews every 18 h (at least 54 h left), no more often: each renewal
 * costs every extension one manifest download.
 */
export const RENEW_WHEN_REMAINING_AT_MOST = 3 / 4;

/** Whole seconds, written as the manifest writes it, so snapshot and manifest agree. */
function publishedTime(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
}

export async function latestPublication(db: Kysely<Database>) {
  return db
    .selectFrom('publications')
    .select(['version', 'digest', 'published_at'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Publishes of one process run one after the other (the schedule, the admin API, start-up repair). */
let publishQueue: Promise<unknown> = Promise.resolve();

function enqueue<T>(work: () => Promise<T>): Promise<T> {
  const run = publishQueue.then(work);
  publishQueue = run.catch(() => undefined);
  return run;
}

export function publishDirectory(db: Kysely<Database>, options: PublishOptions): Promise<PublishResult> {
  return enqueue(() => publishNow(db, options));
}

/**
 * Makes the served folder equal the latest recorded publication: what `thiqa serve` runs
 * at start, so a publish killed between its database commit and its manifest rename (or a
 * damaged file) is mended before anyone is served.
 */
export function repairServedFiles(db: Kysely<Database>, dataDir: string): Promise<ServedFilesRepair> {
  return enqueue(async () => {
    const dir = publicDirectoryDir(dataDir);
    await mkdir(dir, { recursive: true });
    return repairNow(db, dir);
  });
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

async function publishNow(db: Kysely<Database>, options: PublishOptions): Promise<PublishResult> {
  if (options.keys.length === 0) {
    throw new ServiceError('unavailable', 'no signing key: run `thiqa keys generate` first');
  }
  const dir = publicDirectoryDir(options.dataDir);
  await mkdir(dir, { recursive: true });
  const repair = await repairNow(db, dir);
  const state = await currentDirectoryState(db);
  const latest = await latestPublication(db);
  if (
    options.onlyIfChanged &&
    latest &&
    repair.unrepairable === null &&
    latest.digest === (await directoryDigest(state))
  ) {
    const renewal = await renewIfAging(db, dir, state.policy.directoryLifetimeHours, options);
    return { published: false, version: latest.version, ...renewal, repair };
  }
  const version = (latest?.version ?? 0) + 1;
  const previousRows = await db
    .selectFrom('publications')
    .select(['snapshot'])
    .orderBy('version', 'desc')
    .limit(DELTA_HISTORY)
    .execute();
  // Our own stored canonical JSON, validated when it was published.
  const previous = previousRows.map((row) => JSON.parse(row.snapshot) as Snapshot);
  const snapshot: Snapshot = {
    format: SNAPSHOT_FORMAT,
    formatVersion: 1,
    version,
    publishedAt: publishedTime(options.now),
    state,
  };
  const publication = await buildPublication({ current: snapshot, previous, keys: options.keys });
  const { digest } = publication.manifest;

  // Content files first, each under its final name only once complete: a crash here leaves
  // files no manifest names yet, which the next prune removes.
  for (const [index, file] of publication.files.entries()) {
    await writeFileAtomically(join(dir, file.path), file.bytes);
    if (index === 0) await options.afterStep?.('snapshot-written');
  }
  await options.afterStep?.('files-written');
  // The version's primary key makes a concurrent publish from another process fail
  // here, before its manifest replaces anything.
  await db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('publications')
      .select('version')
      .where('version', '=', version)
      .executeTakeFirst();
    if (taken) throw new ServiceError('conflict', `version ${version} was published meanwhile; publish again`);
    await trx
      .insertInto('publications')
      .values({
        version,
        published_at: snapshot.publishedAt,
        digest,
        // Kept to build deltas from, and to rebuild this version's files after a crash.
        snapshot: JSON.stringify(snapshot),
        manifest: publication.manifestText,
      })
      .execute();
    await recordAudit(
      trx,
      {
        actor: options.actor,
        action: 'directory.publish',
        subject: `version ${version}`,
        detail: { digest, merchants: state.merchants.length, flagged: state.flagged.length },
      },
      options.now,
    );
  });
  // From here the database names version N+1: a crash before the manifest is renamed is
  // mended by the next publish or service start (repairNow).
  await options.afterStep?.('committed');
  await writeManifestIfLatest(db, dir, version, publication.manifestText);
  await options.afterStep?.('manifest-written');
  await pruneOldFiles(db, dir);
  await options.afterStep?.('pruned');
  return {
    published: true,
    manifest: publication.manifest,
    files: publication.files.map((file) => file.path),
    repair,
  };
}

/**
 * TUF's timestamp role: the same version, snapshot, deltas and digest, signed again with
 * a later `expiresAt`. `publishedAt` stays the version's, so shoppers still see when the
 * data last changed; the extension takes the new expiry without downloading anything else.
 */
async function renewIfAging(
  db: Kysely<Database>,
  dir: string,
  lifetimeHours: number,
  options: PublishOptions,
): Promise<{ expiresAt: string; renewed: boolean }> {
  const row = await db
    .selectFrom('publications')
    .select(['version', 'manifest'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const manifest = parseStoredManifest(row.manifest, row.version);
  const lifetimeMs = lifetimeHours * 3_600_000;
  const remainingMs = Date.parse(manifest.expiresAt) - options.now.getTime();
  if (remainingMs > lifetimeMs * RENEW_WHEN_REMAINING_AT_MOST) return { expiresAt: manifest.expiresAt, renewed: false };

  const expiresAt = new Date(Date.parse(publishedTime(options.now)) + lifetimeMs).toISOString();
  const renewed: Manifest = { ...manifest, expiresAt };
  const manifestText = await signManifest(utf8(canonicalJson(renewed)), options.keys);
  await db.transaction().execute(async (trx) => {
    // Only over the text read above: a publish or renewal from another process meanwhile wins.
    const updated = await trx
      .updateTable('publications')
      .set({ manifest: manifestText })
      .where('version', '=', row.version)
      .where('manifest', '=', row.manifest)
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) {
      throw new ServiceError('conflict', `version ${row.version} was renewed meanwhile; publish again`);
    }
    await recordAudit(
      trx,
      {
        actor: options.actor,
        action: 'directory.renew',
        subject: `version ${row.version}`,
        detail: { previousExpiresAt: manifest.expiresAt, expiresAt },
      },
      options.now,
    );
  });
  await options.afterStep?.('renewal-committed');
  await writeManifestIfLatest(db, dir, row.version, manifestText);
  await options.afterStep?.('manifest-written');
  return { expiresAt, renewed: true };
}

function parseStoredManifest(text: string, version: number): Manifest {
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

async function repairNow(db: Kysely<Database>, dir: string): Promise<ServedFilesRepair> {
  const latest = await db
    .selectFrom('publications')
    .select(['version', 'snapshot', 'manifest'])
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
      current ??= parseStoredSnapshot(latest.snapshot, version);
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
function parseStoredSnapshot(text: string, version: number): Snapshot {
  try {
    return JSON.parse(text) as Snapshot;
  } catch {
    throw new StoredPublicationDamaged(`the stored snapshot of version ${version} is not JSON`);
  }
}

async function storedSnapshot(db: Kysely<Database>, version: number): Promise<Snapshot> {
  const row = await db.selectFrom('publications').select('snapshot').where('version', '=', version).executeTakeFirst();
  if (!row) throw new StoredPublicationDamaged(`the snapshot of version ${version}, a delta's base, is not stored`);
  return parseStoredSnapshot(row.snapshot, version);
}

async function holdsFile(dir: string, ref: { path: string; sha256: string; size: number }): Promise<boolean> {
  const info = await lstat(join(dir, ref.path)).catch(() => null);
  if (!info?.isFile() || info.size !== ref.size) return false;
  const bytes = new Uint8Array(await readFile(join(dir, ref.path)));
  return (await sha256Hex(bytes)) === ref.sha256;
}

/**
 * Readers see the old manifest or the new one, never half of one, and never an older
 * version over a newer one that another process has just committed.
 */
async function writeManifestIfLatest(
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

/** Written beside its final name and renamed over it: a reader or a crash never meets half a file. */
async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
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
async function pruneOldFiles(db: Kysely<Database>, dir: string): Promise<void> {
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
