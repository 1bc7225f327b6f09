import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import { niceByThread } from '../../test/support/thread-nice.ts';
import type { Registry } from '../db/database.ts';
import { importFileInWorker } from './import-in-worker.ts';
import { readImportFile } from './import-read.ts';
import { importMerchants } from './import-write.ts';

// Issue 15: an import must not hold the registry's connection from its first write to its
// last. On PGlite there is one connection: while an import wrote its merchants in one long
// transaction, every report and /healthz waited for all of it (22 s for a 50 MB file).

const NOW = new Date('2026-12-01T10:00:00Z');
const MERCHANTS = 6_000;

function merchantsCsv(count: number, city = 'Fès'): string {
  const lines = ['domains,legal_name,trade_name,ice,city,phone,status,verified_at,verified_by,methods'];
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(5, '0');
    lines.push(
      `boutique-${n}.ma,Boutique ${n} SARL,Boutique ${n},${iceWithCheckDigits(`0020${n}0000`)},${city},+212522${String(i).padStart(6, '0')},verified,2026-11-01,FDEC,phone-call`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('an import beside other requests', () => {
  let registry: Registry;
  /** The registry's own tables, before anything is imported. */
  let registryTables: string[] = [];
  const tables = async () =>
    (
      await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(
        registry.db,
      )
    ).rows.map((row) => row.name);
  /** Tables other than the registry's own (an import stages its records in one). */
  const stagingTables = async () => (await tables()).filter((name) => !registryTables.includes(name));
  beforeEach(async () => {
    registry = await openTestRegistry();
    registryTables = await tables();
  });
  afterEach(async () => registry.close());

  it('lets other statements through while it writes, and still writes all of it or none', async () => {
    // As the admin API imports: the file on disk, planned in a worker thread.
    const dir = await mkdtemp(join(tmpdir(), 'thiqa-import-beside-'));
    const path = join(dir, 'merchants.csv');
    await writeFile(path, merchantsCsv(MERCHANTS));
    const { db } = registry;

    // A request's one statement, every few milliseconds, while the import runs.
    let importing = true;
    const waits: number[] = [];
    const prober = (async () => {
      while (importing) {
        const started = performance.now();
        await db
          .selectFrom('merchants')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        waits.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const started = performance.now();
    const outcome = await importFileInWorker(db, path, 'merchants.csv', { now: NOW, actor: 'test' }).finally(() =>
      rm(dir, { recursive: true, force: true }),
    );
    const importMs = performance.now() - started;
    importing = false;
    await prober;
    if (!('result' in outcome)) throw new Error(JSON.stringify(outcome.fileProblems));
    const { result } = outcome;

    expect(result).toMatchObject({ created: MERCHANTS, written: true });
    const count = await db
      .selectFrom('merchants')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(MERCHANTS);
    const domains = await db
      .selectFrom('merchant_domains')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirst();
    expect(Number(domains?.n)).toBe(MERCHANTS);
    // Nothing of the import is left on its way in.
    expect(await stagingTables()).toEqual([]);
    // The longest any statement waited is a small part of the import, however fast the
    // machine: one transaction for every write made a statement wait for most of it on
    // PGlite. (On PostgreSQL other connections never waited for it.)
    const longest = Math.max(...waits);
    expect(waits.length).toBeGreaterThan(3);
    expect(longest / importMs).toBeLessThan(0.1);
  });

  it.runIf(process.platform === 'linux')(
    'plans in a thread at nice 10 while the service’s thread keeps its priority',
    async () => {
      // The planning worker reads and checks every row: background work, as a publish is
      // (publish-priority.test.ts). It ends with its plan, so its nice value is read while it runs.
      const dir = await mkdtemp(join(tmpdir(), 'thiqa-import-nice-'));
      const path = join(dir, 'merchants.csv');
      await writeFile(path, merchantsCsv(2_000));
      const before = niceByThread();
      const seen = new Map<string, number>();
      const poll = setInterval(() => {
        for (const [tid, nice] of niceByThread())
          if (!before.has(tid)) seen.set(tid, Math.max(nice, seen.get(tid) ?? 0));
      }, 1);
      const outcome = await importFileInWorker(registry.db, path, 'merchants.csv', { now: NOW, actor: 'test' }).finally(
        () => {
          clearInterval(poll);
          return rm(dir, { recursive: true, force: true });
        },
      );
      expect(outcome).toHaveProperty('result.created', 2_000);
      // A thread that was not there before ran at nice 10: the planning worker.
      expect([...seen.values()].filter((nice) => nice >= 10).length).toBeGreaterThanOrEqual(1);
      const after = niceByThread();
      for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice);
      expect(after.get(String(process.pid))).toBe(before.get(String(process.pid)));
    },
  );

  it('writes nothing when its last statement fails, and leaves nothing staged', async () => {
    const { db } = registry;
    const first = readImportFile('merchants.csv', merchantsCsv(50));
    if ('problems' in first) throw new Error('bad file');
    await importMerchants(db, first.rows, { now: NOW, actor: 'test' });
    const before = await db.selectFrom('merchants').select(['id', 'record']).orderBy('id').execute();
    // Every merchant moves to Meknès; the audit line, written last in the transaction,
    // fails (PostgreSQL's text holds no NUL character) after every merchant was written.
    const again = readImportFile('merchants.csv', merchantsCsv(50, 'Meknès'));
    if ('problems' in again) throw new Error('bad file');
    await expect(importMerchants(db, again.rows, { now: NOW, actor: 'test\u0000' })).rejects.toThrow();
    expect(await db.selectFrom('merchants').select(['id', 'record']).orderBy('id').execute()).toEqual(before);
    expect(await stagingTables()).toEqual([]);
  });

  it('drops what an import that never finished left a day ago, and not what one running now stages', async () => {
    const { db } = registry;
    const old = `import_rows_${(Date.now() - 25 * 3_600_000).toString(36)}_0a0b0c0d0e0f`;
    const running = `import_rows_${Date.now().toString(36)}_0f0e0d0c0b0a`;
    for (const name of [old, running]) await sql`create table ${sql.table(name)} (id text primary key)`.execute(db);
    const file = readImportFile('merchants.csv', merchantsCsv(5));
    if ('problems' in file) throw new Error('bad file');
    await importMerchants(db, file.rows, { now: NOW, actor: 'test' });
    expect(await stagingTables()).toEqual([running]);
  });
});
