import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Merchant } from '../../src/directory/schemas.ts';
import { newMerchant } from '../../test/support/merchant-records.ts';
import { durableTestRegistry, openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { publishDirectory } from '../directory/publisher.ts';
import { generateKeyFile, loadSigningKeys } from '../directory/signing-keys.ts';
import type { MerchantRecord } from './import-map.ts';
import { moveStagedMerchants } from './import-move.ts';
import { readImportFile } from './import-read.ts';
import { type ImportOptions, importMerchants } from './import-write.ts';
import { changeMerchantStatus, editFormOf, saveMerchantEdit } from './merchant-edits.ts';

// On PGlite an import's merchants move into the registry a hundred at a time, each batch
// a transaction of its own, so that reports and /healthz are answered meanwhile
// (import-move.ts). As every reader and writer of the registry sees it, the import must
// stay what it was as one transaction: all of it or none, even across a stop.
// The batches are forced small here so that PostgreSQL (whole by default) moves in them too.

const FIRST = '2026-12-01T08:00:00.000Z';
const SECOND = '2026-12-01T09:00:00.000Z';

async function importMerchantList(
  registry: Registry,
  merchants: ReadonlyArray<Partial<Merchant>>,
  at: string,
  options: Partial<ImportOptions> = {},
) {
  const file = readImportFile('merchants.json', JSON.stringify({ merchants }));
  if ('problems' in file) throw new Error(`import file: ${JSON.stringify(file.problems)}`);
  return importMerchants(registry.db, file.rows, { now: new Date(at), actor: 'test', ...options });
}

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/** What a reader of the registry sees of its merchants, their domains and the import's audit lines. */
async function registryView(registry: Registry) {
  const { db } = registry;
  const merchants = (
    await db
      .selectFrom('merchants')
      .select(['id', 'ice', 'record', 'updated_at', 'status_since'])
      .orderBy('id')
      .execute()
  ).map((row) => ({
    ...row,
    updated_at: new Date(row.updated_at).toISOString(),
    status_since: row.status_since && new Date(row.status_since).toISOString(),
  }));
  const domains = await db.selectFrom('merchant_domains').selectAll().orderBy('domain').execute();
  const audit = (
    await db
      .selectFrom('audit_log')
      .select(['action', 'subject', 'detail'])
      .where('action', 'like', 'merchants.import%')
      .orderBy('id')
      .execute()
  ).map((row) => ({ ...row, detail: typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail }));
  return { merchants, domains, audit };
}

async function stagingTables(registry: Registry): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = current_schema() and starts_with(tablename, 'import_rows_')`.execute(registry.db);
  return rows.map((row) => row.name);
}

/** Stages merchants as an import stages its changed ones, in a table named as its are. */
async function stage(registry: Registry, merchants: ReadonlyArray<Partial<Merchant>>): Promise<string> {
  const table = `import_rows_${Date.now().toString(36)}_00aa11bb22cc`;
  await sql`create table ${sql.table(table)} (id text primary key, ice text not null, record jsonb not null)`.execute(
    registry.db,
  );
  for (const record of merchants) {
    await sql`insert into ${sql.table(table)} values (${record.id}, ${record.ice}, ${JSON.stringify(record)}::jsonb)`.execute(
      registry.db,
    );
  }
  return table;
}

const importMoves = (registry: Registry) => registry.db.selectFrom('import_moves').selectAll().execute();

/** Twenty merchants, two of them with a second domain. */
const firstImport = numbers(1, 20).map((n) => {
  const id = `test-shop-${String(n).padStart(3, '0')}`;
  return n === 4 || n === 15 ? newMerchant(n, { domains: [`${id}.test`, `${id}.ma`] }) : newMerchant(n);
});

/** The second import: domains passing both ways between merchants of different batches, a status changed, new merchants. */
const secondImport = [
  ...numbers(1, 20).map((n) => {
    if (n === 2) return newMerchant(2, { domains: ['test-shop-002.test', 'test-shop-015.test'] });
    if (n === 15) return newMerchant(15, { domains: ['test-shop-015.ma'] });
    if (n === 4) return newMerchant(4, { domains: ['test-shop-004.ma'] });
    if (n === 17) return newMerchant(17, { domains: ['test-shop-017.test', 'test-shop-004.test'] });
    if (n === 5) return newMerchant(5, { status: 'suspended' });
    if (n === 6) return newMerchant(6, { city: 'Tanger' });
    return newMerchant(n);
  }),
  ...numbers(21, 25).map((n) => newMerchant(n)),
];

describe('an import moved in batches', () => {
  let registries: Registry[] = [];
  const open = async () => {
    const registry = await openTestRegistry();
    registries.push(registry);
    return registry;
  };
  afterEach(async () => {
    await Promise.all(registries.map((registry) => registry.close()));
    registries = [];
  });

  it('leaves the registry as one transaction leaves it, domains moving both ways between batches', async () => {
    const views = [];
    const batchesMoved = [];
    for (const moveBatch of [3, 'whole'] as const) {
      const registry = await open();
      expect(await importMerchantList(registry, firstImport, FIRST, { moveBatch })).toMatchObject({ written: true });
      let moved = 0;
      const result = await importMerchantList(registry, secondImport, SECOND, {
        moveBatch,
        acceptConflicts: true,
        afterMoveBatch: async (count) => {
          moved = count;
        },
      });
      expect(result).toMatchObject({ created: 5, updated: 6, written: true });
      batchesMoved.push(moved);
      views.push(await registryView(registry));
      expect(await importMoves(registry)).toEqual([]);
      expect(await stagingTables(registry)).toEqual([]);
    }
    // 11 changed merchants, 3 a batch: 3 batches and the rest.
    expect(batchesMoved).toEqual([3, 0]);
    const [batched, whole] = views;
    expect(batched).toEqual(whole);
    const holder = (domain: string) => batched?.domains.find((row) => row.domain === domain)?.merchant_id;
    expect(holder('test-shop-015.test')).toBe('test-shop-002');
    expect(holder('test-shop-004.test')).toBe('test-shop-017');
    expect(holder('test-shop-004.ma')).toBe('test-shop-004');
    const merchant = (id: string) => batched?.merchants.find((row) => row.id === id);
    // The date of the last change of status moves only with the status.
    expect(merchant('test-shop-005')).toMatchObject({ updated_at: SECOND, status_since: SECOND });
    expect(merchant('test-shop-006')).toMatchObject({ updated_at: SECOND, status_since: FIRST });
    expect(merchant('test-shop-007')).toMatchObject({ updated_at: FIRST, status_since: FIRST });
    expect(batched?.audit.filter((line) => line.action === 'merchants.import')).toHaveLength(2);
  });

  it('refuses, with nothing written, an ICE passing between two merchants of the import', async () => {
    // The planner refuses an ICE changing merchants; were one staged, no batch may fail on it half-way.
    const registry = await open();
    await importMerchantList(
      registry,
      numbers(1, 12).map((n) => newMerchant(n)),
      FIRST,
    );
    const before = await registryView(registry);
    const ices = [newMerchant(2).ice, newMerchant(11).ice];
    const table = await stage(
      registry,
      numbers(1, 12).map((n) => {
        if (n === 2) return newMerchant(2, { ice: ices[1] as string });
        if (n === 11) return newMerchant(11, { ice: ices[0] as string });
        return newMerchant(n, { city: 'Safi' });
      }),
    );
    const audit = vi.fn(async () => {});
    await expect(moveStagedMerchants(registry.db, table, { now: new Date(SECOND), audit, batch: 3 })).rejects.toThrow(
      `the ICE ${ices[1]} belongs to merchant test-shop-011, which it did not when the import was planned: nothing was imported; import the file again`,
    );
    expect(audit).not.toHaveBeenCalled();
    expect(await registryView(registry)).toEqual(before);
    expect(await importMoves(registry)).toEqual([]);
  });

  it('goes on from where it got when a batch fails once', async () => {
    const registry = await open();
    let failed = false;
    const result = await importMerchantList(
      registry,
      numbers(1, 20).map((n) => newMerchant(n)),
      FIRST,
      {
        moveBatch: 3,
        afterMoveBatch: async (count) => {
          if (count === 2 && !failed) {
            failed = true;
            throw new Error('connection reset');
          }
        },
      },
    );
    expect(failed).toBe(true);
    expect(result).toMatchObject({ created: 20, written: true });
    const view = await registryView(registry);
    expect(view.merchants).toHaveLength(20);
    expect(view.domains).toHaveLength(20);
    expect(view.audit).toHaveLength(1);
    expect(await importMoves(registry)).toEqual([]);
  });

  it('refuses, with nothing written, a domain a merchant outside the import took since it was planned', async () => {
    const registry = await open();
    await importMerchantList(
      registry,
      numbers(1, 10).map((n) => newMerchant(n)),
      FIRST,
    );
    const before = await registryView(registry);
    // The last staged merchant claims a domain that test-shop-001 (not in the import) holds,
    // as if an edit gave it to it after the import was planned.
    const table = await stage(
      registry,
      numbers(11, 30).map((n) => newMerchant(n, n === 30 ? { domains: ['test-shop-001.test'] } : {})),
    );
    const audit = vi.fn(async () => {});
    await expect(moveStagedMerchants(registry.db, table, { now: new Date(SECOND), audit, batch: 3 })).rejects.toThrow(
      'the domain test-shop-001.test belongs to merchant test-shop-001, which it did not when the import was planned: nothing was imported; import the file again',
    );
    expect(audit).not.toHaveBeenCalled();
    expect(await registryView(registry)).toEqual(before);
    expect(await importMoves(registry)).toEqual([]);
  });

  it('keeps merchant edits and publishes out of the middle of the move', async () => {
    const registry = await open();
    const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-import-move-'));
    try {
      await generateKeyFile(dataDir);
      const keys = await loadSigningKeys(dataDir);
      await importMerchantList(
        registry,
        numbers(1, 10).map((n) => newMerchant(n)),
        FIRST,
      );
      const formOf = async (id: string) => {
        const row = await registry.db
          .selectFrom('merchants')
          .select(['record', 'updated_at'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        return editFormOf({
          record: row.record as MerchantRecord,
          stamp: new Date(row.updated_at).toISOString(),
        } as never);
      };
      const editForm = await formOf('test-shop-001');
      // The import's last merchant takes a domain that an edit, opened before, gives test-shop-001.
      const merchants = numbers(11, 30).map((n) => newMerchant(n, n === 30 ? { domains: ['wanted.test'] } : {}));
      let during: Promise<unknown>[] = [];
      const result = await importMerchantList(registry, merchants, SECOND, {
        moveBatch: 3,
        afterMoveBatch: async (count) => {
          if (count !== 1) return;
          const at = new Date('2026-12-01T09:00:01Z');
          during = [
            saveMerchantEdit(
              registry.db,
              'test-shop-001',
              { ...editForm, domains: 'test-shop-001.test\nwanted.test' },
              'moderator@thiqa.test',
              at,
            ),
            publishDirectory(registry.db, { dataDir, keys, now: at, actor: 'test' }),
          ];
          // Give them every chance to run between two batches.
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      });
      expect(result).toMatchObject({ created: 20, written: true });
      const [edit, publish] = await Promise.all(during);
      // The edit came after the whole import: the domain is test-shop-030's by then.
      expect(edit).toEqual({
        outcome: 'invalid',
        problems: [{ field: 'domains', kind: 'domain-taken', args: ['wanted.test', 'test-shop-030'] }],
      });
      expect(publish).toMatchObject({ published: true });
      // The publish saw all of the import: nothing is left to publish.
      const again = await publishDirectory(registry.db, {
        dataDir,
        keys,
        now: new Date('2026-12-01T09:05:00Z'),
        actor: 'test',
        onlyIfChanged: true,
      });
      expect(again).toMatchObject({ published: false });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a publish and merchant writes while a decided import is not wholly written', async () => {
    const registry = await open();
    const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-import-move-'));
    try {
      await generateKeyFile(dataDir);
      await importMerchantList(
        registry,
        numbers(1, 3).map((n) => newMerchant(n)),
        FIRST,
      );
      const stamp = new Date(FIRST).toISOString();
      await registry.db
        .insertInto('import_moves')
        .values({ staging_table: 'import_rows_0_00', imported_at: new Date(SECOND) })
        .execute();
      const unfinished = `an import decided at ${SECOND}`;
      await expect(
        publishDirectory(registry.db, {
          dataDir,
          keys: await loadSigningKeys(dataDir),
          now: new Date(SECOND),
          actor: 'test',
        }),
      ).rejects.toThrow(`${unfinished} is not wholly written yet: publish once it is`);
      await expect(
        changeMerchantStatus(
          registry.db,
          'test-shop-001',
          { action: 'suspend', reason: 'Plaintes', stamp },
          'moderator@thiqa.test',
          new Date(SECOND),
        ),
      ).rejects.toThrow(`${unfinished} is not wholly written: it is finished when the service next starts`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('an import stopped between two batches', () => {
  let stderr: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => stderr.mockRestore());

  it('is finished, whole and once, when the registry next opens', async () => {
    const database = await durableTestRegistry();
    try {
      const registry = await database.open();
      await importMerchantList(
        registry,
        numbers(1, 5).map((n) => newMerchant(n)),
        FIRST,
      );
      const merchants = numbers(1, 30).map((n) => newMerchant(n, { city: 'Laâyoune' }));
      // The process stops after the second batch's commit: its connection is gone.
      await expect(
        importMerchantList(registry, merchants, SECOND, {
          moveBatch: 3,
          afterMoveBatch: async (count) => {
            if (count === 2) await registry.close();
          },
        }),
      ).rejects.toThrow();

      const reopened = await database.open();
      try {
        expect(stderr).toHaveBeenCalledWith('thiqa: finished 1 interrupted import');
        const view = await registryView(reopened);
        expect(view.merchants).toHaveLength(30);
        expect(view.merchants.every((row) => (row.record as MerchantRecord).city === 'Laâyoune')).toBe(true);
        expect(view.merchants.every((row) => row.updated_at === SECOND)).toBe(true);
        expect(view.domains).toHaveLength(30);
        expect(view.audit.map((line) => line.subject)).toEqual(['5 merchants', '30 merchants']);
        expect(await importMoves(reopened)).toEqual([]);
        expect(await stagingTables(reopened)).toEqual([]);
        // Nothing is left for the next opening.
        stderr.mockClear();
      } finally {
        await reopened.close();
      }
      const third = await database.open();
      await third.close();
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      await database.remove();
    }
  });
});
