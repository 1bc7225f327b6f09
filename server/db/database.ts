import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { markSingleConnection } from '../directory/publish-lock.ts';
import { finishImportMoves } from '../merchants/import-move.ts';
import { registryMigrations } from './migrations.ts';
import { pgliteDialect } from './pglite-driver.ts';
import type { Database } from './tables.ts';

// One code path for both engines: Kysely over node-postgres for a PostgreSQL server, or over
// PGlite directly (pglite-driver.ts), with the same rows either way.

export interface Registry {
  db: Kysely<Database>;
  engine: 'pglite' | 'postgresql';
  close(): Promise<void>;
}

export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError';
}

export type DatabaseLocation = { databaseUrl: string } | { pgliteDir: string } | { pgliteMemory: true };

/** Opens the registry and brings its schema up to date. */
export async function openRegistry(location: DatabaseLocation): Promise<Registry> {
  if ('databaseUrl' in location) {
    const pool = new pg.Pool({ connectionString: location.databaseUrl, max: 10 });
    // An idle connection the server drops (a restart, a failover) is replaced on next
    // use; without a listener node-postgres would take the whole process down.
    pool.on('error', (error) => console.error(`thiqa: database connection lost: ${error.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return migrated({ db, engine: 'postgresql', close: () => db.destroy() });
  }
  let release = async () => {};
  let lite: PGlite;
  if ('pgliteDir' in location) {
    await mkdir(location.pgliteDir, { recursive: true });
    release = await lockPgliteDir(location.pgliteDir);
    const dataDir = join(location.pgliteDir, 'pgdata');
    lite = await createPgliteDatabase(dataDir)
      .then(() => PGlite.create(dataDir, pgliteOptions()))
      .catch(async (error) => {
        await release();
        throw error;
      });
    // PostgreSQL fills each new 16 MB WAL segment with zeros before using it. PGlite runs in
    // the service's thread, so every report waited for that write (up to 55 ms, each time a
    // publish's stored parts filled a segment); PGlite never fsyncs its files, so the zeros
    // bought nothing. One connection: the setting holds for the registry's life.
    await lite.exec('set wal_init_zero = off');
  } else {
    lite = await PGlite.create('memory://', pgliteOptions());
  }
  return migrated(registryOnPglite(lite, release));
}

/**
 * Creates the database at `dataDir` when there is none, in a process of its own that exits
 * once it is made. PGlite runs initdb in the WebAssembly memory of the instance that finds
 * no database (PG_VERSION, as PGlite itself checks), and that memory never shrinks: a first
 * `thiqa serve` on a fresh data folder held 700–830 MB for its whole life, against 230–260 MB
 * once the folder existed. In a worker thread instead it still kept about 395 MB: the
 * allocator holds on to what the thread freed. A process gives it all back.
 */
export async function createPgliteDatabase(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [INITDB, dataDir, JSON.stringify(pgliteOptions().startParams)],
      { env: { ...process.env, NODE_OPTIONS: '' } },
      (error, _stdout, stderr) =>
        error
          ? reject(new Error(`cannot create the database in ${dataDir}: ${stderr.trim() || error.message}`))
          : resolve(),
    );
  });
}

const INITDB = fileURLToPath(new URL('./pglite-initdb.mjs', import.meta.url));

/**
 * PGlite's buffer cache lives in the process's own memory, and PGlite zero-fills all of it
 * when it starts: with PostgreSQL's default of 128 MB, opening even an empty registry held
 * about 295 MB of RSS, and a scan of 100k merchants 455 MB. The files are read through the
 * operating system's page cache either way, so a small cache here costs little: 16 MB opens in
 * about 178 MB and scans in 272 MB (docs/performance.md, "PGlite's buffer cache").
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** The options every PGlite registry opens with (tests' clones too). */
export function pgliteOptions(): { startParams: string[] } {
  return { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] };
}

/** A registry over an open PGlite instance (tests clone a migrated template this way). */
export function registryOnPglite(lite: PGlite, release: () => Promise<void> = async () => {}): Registry {
  // PGlite is one connection: the driver hands it to one statement or transaction at a time.
  const db = new Kysely<Database>({ dialect: pgliteDialect(lite) });
  markSingleConnection(db);
  return {
    db,
    engine: 'pglite',
    async close() {
      await db.destroy();
      await lite.close();
      await release();
    },
  };
}

/** Applies every migration not yet applied, then finishes an import a stopped process left half moved. */
export async function migrated(registry: Registry): Promise<Registry> {
  const migrator = new Migrator({ db: registry.db, provider: registryMigrations });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await registry.close();
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`);
  }
  // An import decided before the process stopped, not wholly moved: finished before anything reads.
  try {
    const finished = await finishImportMoves(registry.db);
    if (finished > 0) console.error(`thiqa: finished ${finished} interrupted import${finished > 1 ? 's' : ''}`);
  } catch (finishing) {
    await registry.close();
    throw finishing;
  }
  return registry;
}

/**
 * PGlite runs inside one process: a second process opening the same files would corrupt
 * them. A lock file naming the owner's pid turns that into a clear error.
 */
async function lockPgliteDir(dir: string): Promise<() => Promise<void>> {
  const lockPath = join(dir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseBusyError(
          `the database in ${dir} is in use by process ${owner} (thiqa serve?); ` +
            'stop it or use the admin API (/v1/admin/...) while it runs',
        );
      }
      // The owner is gone (a crash or kill -9): the lock is stale.
      await rm(lockPath, { force: true });
    }
  }
  throw new DatabaseBusyError(`cannot lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
