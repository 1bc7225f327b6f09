import { closeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { canonicalJson, utf8 } from '../../src/directory/bytes.ts';
import { MANIFEST_FORMAT, type Manifest } from '../../src/directory/schemas.ts';
import { type SigningKey, signManifest } from '../../src/directory/signing.ts';
import { recordAudit } from '../db/audit-log.ts';
import { removeUnnamedParts, writeParts } from '../db/stored-parts.ts';
import type { Database } from '../db/tables.ts';
import { ServiceError } from '../http/service-error.ts';
import { unfinishedImportAt } from '../merchants/import-move.ts';
import { openDataReleaseText, recordOpenDataRelease } from '../opendata/open-data-release.ts';
import { openScratchFile } from './merchant-texts.ts';
import { underPublishLock } from './publish-lock.ts';
import { afterQueuedPublishes } from './publish-queue.ts';
import { KeptRecordsPlan } from './publish-record-cache.ts';
import { type PublishBuild, type PublishThreadOptions, startPublishBuild } from './publish-thread.ts';
import { isEmbedded, type MerchantRead, publishInputs, readMerchantPages } from './registry-pages.ts';
import {
  latestPublication,
  parseStoredManifest,
  pruneOldFiles,
  repairNow,
  type ServedFilesRepair,
  storedGzipPieces,
  writeManifestIfLatest,
} from './served-files.ts';
import {
  forgetOldSnapshots,
  keepSnapshot,
  previousVersions,
  pruneSnapshotHistory,
  storedSnapshotText,
} from './snapshot-history.ts';

// `thiqa publish`: the registry's state becomes version N+1 of the signed directory,
// written as static files any web server or CDN can serve. The files are built in a worker
// thread (publication-build.ts) from the registry read page by page (registry-pages.ts).

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
  /**
   * Publish only the version a preview showed (the console's publish page): refused as a
   * conflict when the next version or the state's digest differs, checked in the publish
   * queue so that nothing can slip in between.
   */
  expected?: { version: number; digest: string };
  /** Limits of the publish worker thread (a test plays a worker running out of memory). */
  thread?: PublishThreadOptions;
  /** Called after each step that leaves something on disk or in the database; a test throws here to play a crash. */
  afterStep?: (step: PublishStep) => void | Promise<void>;
}

/** The steps of a publish, in order, and of a renewal ('renewal-committed', then 'manifest-written'). */
export type PublishStep =
  | 'snapshot-written'
  | 'files-written'
  | 'parts-written'
  | 'committed'
  | 'renewal-committed'
  | 'manifest-written'
  | 'pruned';

export type PublishResult =
  | { published: true; manifest: Manifest; files: string[]; repair: ServedFilesRepair; read: MerchantRead }
  | {
      published: false;
      read: MerchantRead;
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

/**
 * THIQA_PUBLISH_TRACE=1 prints how long each step of a publish took (stderr), to find
 * where a slow publish spends its time on the operator's own data.
 */
const traceOn = process.env.THIQA_PUBLISH_TRACE === '1';
function tracer(): (step: string) => void {
  let last = performance.now();
  return (step) => {
    if (!traceOn) return;
    const now = performance.now();
    process.stderr.write(
      `thiqa publish: ${step} ${(now - last).toFixed(0)} ms (${(now / 1000).toFixed(2)} s since start)\n`,
    );
    last = now;
  };
}

/**
 * Both results once both have settled; else the first failure, still only once both have
 * settled, so that nothing of a failed publish is still writing when its lock is let go.
 */
async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}

/**
 * Publishes (or renews) under the database's publish lock, waiting while another process
 * publishes; the latest version is read once the lock is held (see publish-lock.ts).
 */
export function publishDirectory(db: Kysely<Database>, options: PublishOptions): Promise<PublishResult> {
  return afterQueuedPublishes(async () => {
    const locked = await underPublishLock(db, 'wait', () => publishNow(db, options));
    if (!locked.ran) throw new Error('the publish lock was not taken');
    return locked.value;
  });
}

/** As publishDirectory, but 'busy' at once when another process holds the publish lock (scheduled ticks). */
export function publishDirectoryUnlessBusy(
  db: Kysely<Database>,
  options: PublishOptions,
): Promise<PublishResult | 'busy'> {
  return afterQueuedPublishes(async () => {
    const locked = await underPublishLock(db, 'skip', () => publishNow(db, options));
    return locked.ran ? locked.value : 'busy';
  });
}

/**
 * Makes the served folder equal the latest recorded publication: what `thiqa serve` runs
 * at start, so a publish killed between its database commit and its manifest rename (or a
 * damaged file) is mended before anyone is served.
 */
export function repairServedFiles(db: Kysely<Database>, dataDir: string): Promise<ServedFilesRepair> {
  return afterQueuedPublishes(async () => {
    const dir = publicDirectoryDir(dataDir);
    await mkdir(dir, { recursive: true });
    return repairNow(db, dir);
  });
}

async function publishNow(db: Kysely<Database>, options: PublishOptions): Promise<PublishResult> {
  if (options.keys.length === 0) {
    throw new ServiceError('unavailable', 'no signing key: run `thiqa keys generate` first');
  }
  const trace = tracer();
  const dir = publicDirectoryDir(options.dataDir);
  await mkdir(dir, { recursive: true });
  const repair = await repairNow(db, dir);
  // Parts a publish killed before its commit wrote (under this same lock: none is being written).
  await removeUnnamedParts(db);
  // An import moved in batches (merchants/import-move.ts) and not yet wholly: never half of it.
  const importing = await unfinishedImportAt(db);
  if (importing) {
    throw new ServiceError(
      'unavailable',
      `an import decided at ${importing} is not wholly written yet: publish once it is`,
    );
  }
  const latest = await latestPublication(db);
  const version = (latest?.version ?? 0) + 1;
  const publishedAt = publishedTime(options.now);
  const input = await publishInputs(db, version, publishedAt);
  trace('repair check and inputs');
  // Serializing, hashing, gzip and deltas run in a worker thread; this thread only reads
  // the registry page by page and writes the database, so requests keep being answered.
  // A small registry is built in this thread instead (publish-thread.ts: startPublishBuild).
  // The merchants' texts wait in a scratch file, not in the build's memory (merchant-texts.ts).
  // On PGlite the build keeps the records it takes in the data folder, and the next publish
  // reads from the database only the merchants written since (publish-record-cache.ts).
  const keeping = (await isEmbedded(db)) ? await KeptRecordsPlan.open(db, options.dataDir) : undefined;
  const scratchFd = openScratchFile(options.dataDir);
  const thread = await startPublishBuild(db, input, scratchFd, options.thread, keeping?.fd).catch(
    async (error: unknown) => {
      closeSync(scratchFd);
      await keeping?.end();
      throw error;
    },
  );
  let state: Awaited<ReturnType<PublishBuild['finishState']>>;
  let written: Awaited<ReturnType<PublishBuild['write']>>;
  let releaseParts: string;
  let read: MerchantRead;
  try {
    read = await readMerchantPages(db, thread, { kept: keeping?.kept });
    trace(`registry pages read (${read.fromDatabase} merchants from the database, ${read.fromKept} kept)`);
    state = await thread.finishState();
    // The records as of the read's marks, whether or not this version is then published.
    if (keeping && read.marks && state.kept) await keeping.install(db, read.marks, state.kept);
    trace('state validated and digested');
    if (options.onlyIfChanged && latest && repair.unrepairable === null && latest.digest === state.digest) {
      await thread.end();
      const renewal = await renewIfAging(db, dir, input.policy.directoryLifetimeHours, options);
      return { published: false, version: latest.version, ...renewal, repair, read };
    }
    if (options.expected && (options.expected.version !== version || options.expected.digest !== state.digest)) {
      throw new ServiceError('conflict', 'the registry changed since the preview');
    }
    // Content files first, each under its final name only once complete: a failure or a
    // crash from here leaves files no manifest names yet, which the next prune removes.
    const previous = await previousVersions(db, options.dataDir, DELTA_HISTORY);
    // The open data release goes into the database in parts (server/db/stored-parts.ts: on
    // PGlite one statement of megabytes held every request meanwhile) while the worker
    // writes the snapshot and deltas: at 100k merchants each takes about a second. Parts
    // that no committed row names are removed by the next publish.
    const releaseWriting = openDataReleaseText(db, { version, publishedAt }, state.openDataMerchants).then((text) =>
      writeParts(db, text),
    );
    const filesWriting = thread.write(dir, previous, (from) => storedSnapshotText(db, from));
    [written, releaseParts] = await bothSettled(filesWriting, releaseWriting);
    trace(`snapshot and ${written.deltas.length} deltas written, open data written in parts`);
  } finally {
    // Closed only once the worker has stopped or gone idle: nothing writes to it any more.
    await thread.end().finally(async () => {
      closeSync(scratchFd);
      await keeping?.end();
    });
  }
  await options.afterStep?.('snapshot-written');
  await keepSnapshot(options.dataDir, dir, written.snapshot.path);
  await options.afterStep?.('files-written');
  const { digest } = state;
  const expiresAt = new Date(Date.parse(publishedAt) + input.policy.directoryLifetimeHours * 3_600_000);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    formatVersion: 1,
    version,
    publishedAt,
    expiresAt: expiresAt.toISOString(),
    digest,
    snapshot: written.snapshot,
    deltas: written.deltas,
  };
  const manifestText = await signManifest(utf8(canonicalJson(manifest)), options.keys);
  trace('snapshot kept and manifest signed');
  // The snapshot as the database keeps it, in parts too, before the transaction that names them.
  const snapshotFile = await readFile(join(dir, written.snapshot.path));
  const snapshotParts = await writeParts(db, storedGzipPieces(snapshotFile, written.snapshot.sha256));
  trace('snapshot written in parts');
  await options.afterStep?.('parts-written');
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
        published_at: publishedAt,
        digest,
        // Kept to build deltas from, and to rebuild this version's files after a crash.
        snapshot: null,
        snapshot_parts: snapshotParts,
        manifest: manifestText,
      })
      .execute();
    trace('publication row inserted');
    // The open data of this version commits with it, or neither does.
    await recordOpenDataRelease(trx, { version, publishedAt }, releaseParts);
    trace('open data release recorded');
    await recordAudit(
      trx,
      {
        actor: options.actor,
        action: 'directory.publish',
        subject: `version ${version}`,
        detail: { digest, merchants: state.merchants, flagged: state.flagged },
      },
      options.now,
    );
  });
  // From here the database names version N+1: a crash before the manifest is renamed is
  // mended by the next publish or service start (repairNow).
  trace('audit recorded and committed');
  await options.afterStep?.('committed');
  await writeManifestIfLatest(db, dir, version, manifestText);
  await options.afterStep?.('manifest-written');
  await pruneOldFiles(db, dir);
  await pruneSnapshotHistory(db, options.dataDir, DELTA_HISTORY);
  // The stored snapshots no delta or repair can start from any more: this version and the
  // DELTA_HISTORY before it are kept.
  await forgetOldSnapshots(db, version, DELTA_HISTORY + 1);
  // Their parts, and those of the open data releases that fell out of those kept.
  await removeUnnamedParts(db);
  trace('manifest written, old files and parts pruned');
  await options.afterStep?.('pruned');
  return {
    published: true,
    manifest,
    files: [written.snapshot.path, ...written.deltas.map((delta) => delta.path)],
    repair,
    read,
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
