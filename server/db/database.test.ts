import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import { openRegistry, PGLITE_SHARED_BUFFERS, type Registry } from './database.ts';

describe('the registry database', () => {
  let registry: Registry | undefined;
  afterEach(async () => registry?.close());

  it('has every table after migration, and keeps Arabic text intact', async () => {
    registry = await openTestRegistry();
    await registry.db.insertInto('service_secrets').values({ name: 'probe', value: 'دار أركان' }).execute();
    const row = await registry.db.selectFrom('service_secrets').selectAll().executeTakeFirstOrThrow();
    expect(row.value).toBe('دار أركان');
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
      registry.db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['audit_log', 'complaints', 'merchants', 'publications', 'reports']),
    );
  });

  it('gives every test a fresh database, opened as the service opens PGlite', async () => {
    registry = await openTestRegistry();
    if (registry.engine === 'pglite') {
      const buffers = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(registry.db);
      expect(buffers.rows[0]?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
    }
    const rows = await registry.db.selectFrom('service_secrets').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('creates a new database on disk without keeping initdb’s memory in this process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thiqa-initdb-'));
    try {
      // PGlite's WebAssembly memory never shrinks: an initdb in this process grew it by
      // 236–316 MB for good; opening the database once made holds about 10 MB.
      const before = process.memoryUsage().arrayBuffers;
      registry = await openRegistry({ pgliteDir: dir });
      const grown = process.memoryUsage().arrayBuffers - before;
      expect(grown).toBeLessThan(64 * 2 ** 20);
      expect(await registry.db.selectFrom('service_secrets').selectAll().execute()).toEqual([]);
      await registry.close();
      // Opened again, it is the same database: the migrations it recorded are there.
      registry = await openRegistry({ pgliteDir: dir });
      const shown = await sql<{ n: string }>`select count(*) as n from kysely_migration`.execute(registry.db);
      expect(Number(shown.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await registry?.close();
      registry = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not zero-fill new WAL segments on PGlite on disk (the service’s thread would wait for it), and keeps a small buffer cache', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thiqa-wal-'));
    try {
      registry = await openRegistry({ pgliteDir: dir });
      const shown = await sql<{ wal_init_zero: string }>`show wal_init_zero`.execute(registry.db);
      expect(shown.rows[0]?.wal_init_zero).toBe('off');
      // PGlite zero-fills its whole buffer cache as it opens, in the process's own memory.
      const buffers = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(registry.db);
      expect(buffers.rows[0]?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
    } finally {
      await registry?.close();
      registry = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
