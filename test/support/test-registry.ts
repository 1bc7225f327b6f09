import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrated, openRegistry, pgliteOptions, type Registry, registryOnPglite } from '../../server/db/database.ts';

// Service tests run on a fresh database each: a clone of a migrated in-memory PGlite,
// or, when DATABASE_URL is set, a new database created on that PostgreSQL server.

let template: Promise<PGlite> | undefined;

async function migratedTemplate(): Promise<PGlite> {
  const lite = await PGlite.create('memory://', pgliteOptions());
  // The template's own pool is never closed: closing it would close the PGlite too.
  await migrated(registryOnPglite(lite));
  return lite;
}

export async function openTestRegistry(): Promise<Registry> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) return openServerTestRegistry(serverUrl);
  template ??= migratedTemplate();
  // PGlite's own clone() would drop the start parameters: the clone is opened from a dump.
  const dump = await (await template).dumpDataDir('none');
  const clone = await PGlite.create({ loadDataDir: dump, ...pgliteOptions() });
  return registryOnPglite(clone);
}

async function openServerTestRegistry(serverUrl: string): Promise<Registry> {
  const database = await serverTestDatabase(serverUrl);
  const registry = await openRegistry({ databaseUrl: database.url });
  return {
    ...registry,
    async close() {
      await registry.close();
      await database.remove();
    },
  };
}

/** A new database on the PostgreSQL server at `serverUrl`, and how to remove it. */
async function serverTestDatabase(serverUrl: string): Promise<{ url: string; remove(): Promise<void> }> {
  const name = `thiqa_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async remove() {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      // The pool has ended; force only covers a connection the server has not seen close yet.
      await dropper
        .query(`drop database if exists ${name}`)
        .catch(() => dropper.query(`drop database if exists ${name} with (force)`));
      await dropper.end();
    },
  };
}

/** A test database that can be closed and opened again, as a service stopped and started. */
export interface DurableTestRegistry {
  open(): Promise<Registry>;
  /** Removes the database (every registry opened on it must be closed). */
  remove(): Promise<void>;
}

/** A PGlite data directory, or, when DATABASE_URL is set, a new database on that server. */
export async function durableTestRegistry(): Promise<DurableTestRegistry> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'thiqa-durable-'));
    return {
      open: () => openRegistry({ pgliteDir: dir }),
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const database = await serverTestDatabase(serverUrl);
  return { open: () => openRegistry({ databaseUrl: database.url }), remove: () => database.remove() };
}
