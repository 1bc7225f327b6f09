import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrated, openRegistry, type Registry, registryOnPglite } from '../../server/db/database.ts';

// Service tests run on a fresh database each: a clone of a migrated in-memory PGlite,
// or, when DATABASE_URL is set, a new database created on that PostgreSQL server.

let template: Promise<PGlite> | undefined;

async function migratedTemplate(): Promise<PGlite> {
  const lite = await PGlite.create('memory://');
  // The template's own pool is never closed: closing it would close the PGlite too.
  await migrated(registryOnPglite(lite));
  return lite;
}

export async function openTestRegistry(): Promise<Registry> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) return openServerTestRegistry(serverUrl);
  template ??= migratedTemplate();
  const clone = (await (await template).clone()) as PGlite;
  return registryOnPglite(clone);
}

async function openServerTestRegistry(serverUrl: string): Promise<Registry> {
  const name = `thiqa_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const registry = await openRegistry({ databaseUrl: url.toString() });
  return {
    ...registry,
    async close() {
      await registry.close();
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
