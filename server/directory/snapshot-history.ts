import { copyFile, link, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { PreviousVersion } from './publish-worker.ts';
import { parseStoredManifest, storedSnapshotForm } from './served-files.ts';

// The snapshots deltas are built from. The served folder keeps only what the two latest
// manifests name, and the database keeps the snapshots of the latest versions (see
// forgetOldSnapshots), but reading seven of
// those back (tens of megabytes each) would hold the database and the event loop up at
// every publish. So each published snapshot file is also kept here, beside the served
// folder, for as long as a delta may start from it: the publish worker reads it from
// disk, checks it against the manifest's SHA-256, and only asks the database when it is
// missing or damaged. This folder is a cache; deleting it costs speed, nothing else.

export function snapshotHistoryDir(dataDir: string): string {
  return join(dataDir, 'publish-history');
}

/** Keeps a just-written snapshot file (a hard link where the file system allows one). */
export async function keepSnapshot(dataDir: string, servedDir: string, path: string): Promise<void> {
  const history = snapshotHistoryDir(dataDir);
  await mkdir(history, { recursive: true });
  const target = join(history, path);
  await link(join(servedDir, path), target).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return;
    await copyFile(join(servedDir, path), target);
  });
}

/** The latest `count` publications, as versions a delta starts from. */
export async function previousVersions(
  db: Kysely<Database>,
  dataDir: string,
  count: number,
): Promise<PreviousVersion[]> {
  const rows = await db
    .selectFrom('publications')
    .select(['version', 'manifest'])
    .orderBy('version', 'desc')
    .limit(count)
    .execute();
  return rows.map((row) => {
    const { snapshot } = parseStoredManifest(row.manifest, row.version);
    return { version: row.version, file: join(snapshotHistoryDir(dataDir), snapshot.path), sha256: snapshot.sha256 };
  });
}

/** Removes kept snapshots no delta of the next publish can start from. */
export async function pruneSnapshotHistory(db: Kysely<Database>, dataDir: string, count: number): Promise<void> {
  const keep = new Set(
    (await previousVersions(db, dataDir, count)).map((previous) => previous.file?.split('/').pop() ?? ''),
  );
  const history = snapshotHistoryDir(dataDir);
  for (const name of await readdir(history).catch(() => [] as string[])) {
    if (!keep.has(name)) await rm(join(history, name), { force: true });
  }
}

/** An older version's snapshot as the database keeps it, when its kept file is gone. */
export async function storedSnapshotText(db: Kysely<Database>, version: number): Promise<string> {
  const stored = await storedSnapshotForm(db, version);
  if (stored === undefined) throw new Error(`the snapshot of version ${version}, a delta's base, is not stored`);
  return stored;
}

/** Rows whose snapshot one publish forgets at most (a first run after an upgrade finds many). */
const FORGOTTEN_PER_PUBLISH = 4;

/**
 * Forgets the stored snapshot of versions older than the latest `keep` (the latest, which a
 * repair rebuilds its files from, and the versions its deltas and the next publish's start
 * from): their parts are no longer named, and the next removal of unnamed parts deletes them.
 * A few rows at a time, oldest first, so that one publish never holds the database long.
 */
export async function forgetOldSnapshots(db: Kysely<Database>, latestVersion: number, keep: number): Promise<number> {
  const result = await db
    .updateTable('publications')
    .set({ snapshot: null, snapshot_parts: null })
    .where('version', 'in', (eb) =>
      eb
        .selectFrom('publications')
        .select('version')
        .where('version', '<=', latestVersion - keep)
        .where((inner) => inner.or([inner('snapshot', 'is not', null), inner('snapshot_parts', 'is not', null)]))
        .orderBy('version')
        .limit(FORGOTTEN_PER_PUBLISH),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
