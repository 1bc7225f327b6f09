import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { ServiceError } from '../http/service-error.ts';
import { KeepingFeed, KeptRecordsPlan, RECORD_CACHE_FILE } from './publish-record-cache.ts';
import { readMerchantPages } from './registry-pages.ts';

// A publish reads the merchants page by page. What it signs must be the registry as of one
// moment: on PGlite (pages read one statement at a time, so that reports go in between) a
// merchant written meanwhile stops the publish with a conflict; on PostgreSQL the pages
// are read in one repeatable-read transaction, which does not see the write.

let registry: Registry;
beforeEach(async () => {
  registry = await openTestRegistry();
});
afterEach(async () => {
  await registry.close();
});

const merchantRow = (index: number) => ({
  id: `m-${String(index).padStart(4, '0')}`,
  ice: String(index).padStart(15, '0'),
  record: JSON.stringify({ id: `m-${String(index).padStart(4, '0')}`, name: `Shop ${index}` }),
  updated_at: new Date('2026-11-30T10:00:00Z'),
});

async function addMerchants(from: number, count: number): Promise<void> {
  await registry.db
    .insertInto('merchants')
    .values(Array.from({ length: count }, (_, offset) => merchantRow(from + offset)))
    .execute();
}

/** Reads every page, running `between` once after the first page; the ids read, in order. */
async function readAll(between: () => Promise<unknown> = async () => {}): Promise<string[]> {
  const ids: string[] = [];
  let pages = 0;
  await readMerchantPages(
    registry.db,
    {
      async addMerchants(records) {
        ids.push(...records.map((record) => (JSON.parse(record.text) as { id: string }).id));
        if (++pages === 1) await between();
      },
      addKept: () => Promise.reject(new Error('nothing was kept')),
    },
    { pageSize: 10 },
  );
  return ids;
}

describe('reading the merchants for a publish', () => {
  beforeEach(async () => {
    await addMerchants(0, 35);
  });

  it('hands every merchant over once, in pages, when nothing changes', async () => {
    const ids = await readAll();
    expect(ids).toHaveLength(35);
    expect(new Set(ids).size).toBe(35);
    expect(ids[0]).toBe('m-0000');
    expect(ids.at(-1)).toBe('m-0034');
  });

  for (const [what, change] of <Array<[string, () => Promise<unknown>]>>[
    ['added', () => addMerchants(100, 1)],
    [
      'changed',
      () =>
        sql`update merchants set record = ${'{"id":"m-0020","name":"Renamed"}'} where id = 'm-0020'`.execute(
          registry.db,
        ),
    ],
    ['removed', () => sql`delete from merchants where id = 'm-0005'`.execute(registry.db)],
  ]) {
    it(`never hands over a mix of before and after when a merchant is ${what} meanwhile`, async () => {
      if (registry.engine === 'pglite') {
        const refused = await readAll(change).then(
          () => null,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(ServiceError);
        expect((refused as ServiceError).message).toBe(
          'merchants changed while the directory was being published; publish again',
        );
      } else {
        // The transaction's snapshot: the 35 merchants as they were when the read began.
        const ids = await readAll(change);
        expect(ids).toHaveLength(35);
        expect(ids).toContain('m-0005');
        expect(ids).not.toContain('m-0100');
      }
      // The next publish reads the registry as it now is.
      const again = await readAll();
      expect(again.length).toBe(what === 'added' ? 36 : what === 'removed' ? 34 : 35);
    });
  }
});

describe('keeping the records read, for the next publish (PGlite)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thiqa-kept-'));
    await addMerchants(0, 35);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * One read as a publish makes it, its records kept in `dir` (on PGlite): how it went, and
   * the texts the build took, sorted. `between` runs once the read has handed something over.
   */
  async function readKept(between: () => Promise<unknown> = async () => {}) {
    const plan = registry.engine === 'pglite' ? await KeptRecordsPlan.open(registry.db, dir) : undefined;
    const texts: string[] = [];
    const feed = new KeepingFeed((page) => void texts.push(...page), plan?.fd);
    let ran = false;
    const once = async () => {
      if (ran) return;
      ran = true;
      await between();
    };
    try {
      const { marks, ...read } = await readMerchantPages(
        registry.db,
        {
          async addMerchants(records) {
            feed.addMerchants(records);
            await once();
          },
          async addKept(kept, changed) {
            const taken = feed.addKept(kept, changed);
            if (taken !== false) await once();
            return taken;
          },
        },
        { pageSize: 10, kept: plan?.kept },
      );
      const written = feed.finishKeep();
      if (plan && marks && written) await plan.install(registry.db, marks, written);
      return { read, texts: texts.sort() };
    } finally {
      await plan?.end();
    }
  }

  /** What a read of the database alone hands over. */
  async function readFromDatabase(): Promise<string[]> {
    const texts: string[] = [];
    await readMerchantPages(
      registry.db,
      {
        addMerchants: async (records) => void texts.push(...records.map((record) => record.text)),
        addKept: () => Promise.reject(new Error('nothing was kept')),
      },
      { pageSize: 10 },
    );
    return texts.sort();
  }

  const rename = (id: string, name: string) =>
    sql`update merchants set record = ${JSON.stringify({ id, name })} where id = ${id}`.execute(registry.db);

  it('reads from the database only the merchants written since, and hands over the same records', async () => {
    const first = await readKept();
    if (registry.engine !== 'pglite') {
      // PostgreSQL's server reads the pages: nothing is kept, every read is whole.
      expect(first.read).toEqual({ read: 'all', fromDatabase: 35, fromKept: 0 });
      expect(await readdir(dir)).toEqual([]);
      return;
    }
    expect(first.read).toEqual({ read: 'all', fromDatabase: 35, fromKept: 0 });
    expect(await readdir(dir)).toEqual([RECORD_CACHE_FILE]);

    const unchanged = await readKept();
    expect(unchanged.read).toEqual({ read: 'changes', fromDatabase: 0, fromKept: 35 });
    expect(unchanged.texts).toEqual(first.texts);

    await rename('m-0020', 'Renamed');
    await rename('m-0003', 'Also renamed');
    await addMerchants(100, 2);
    const changed = await readKept();
    expect(changed.read).toEqual({ read: 'changes', fromDatabase: 4, fromKept: 33 });
    expect(changed.texts).toEqual(await readFromDatabase());
    expect(changed.texts.filter((text) => text.includes('enamed'))).toHaveLength(2);
    expect(changed.texts).not.toContain(first.texts.find((text) => text.includes('"m-0020"')));

    // The file written by the read that took the changes is itself right for the next one.
    await rename('m-0020', 'Renamed twice');
    const again = await readKept();
    expect(again.read).toEqual({ read: 'changes', fromDatabase: 1, fromKept: 36 });
    expect(again.texts).toEqual(await readFromDatabase());
    expect(await readdir(dir)).toEqual([RECORD_CACHE_FILE]);
  });

  it('reads everything when the kept file is damaged, cut short, swapped or restored with an older database', async () => {
    if (registry.engine !== 'pglite') return;
    const path = join(dir, RECORD_CACHE_FILE);
    await readKept();
    const damages: Array<[string, () => Promise<unknown>]> = [
      [
        'one byte changed',
        async () => {
          const bytes = await readFile(path);
          bytes[40] = (bytes[40] as number) ^ 1;
          await writeFile(path, bytes);
        },
      ],
      ['cut short', async () => truncate(path, 100)],
      ['removed', async () => rm(path)],
      [
        'the same size, other records',
        async () => {
          const text = await readFile(path, 'utf8');
          await writeFile(path, text.replace('Shop 1"', 'Shop 9"'));
        },
      ],
      [
        // A database restored from a backup taken before the file was last written names
        // an older file: its row no longer matches.
        'an older row',
        async () => {
          const older = await registry.db.selectFrom('publish_record_cache').selectAll().executeTakeFirstOrThrow();
          await rename('m-0011', 'Changed after the backup');
          await readKept();
          await registry.db
            .updateTable('publish_record_cache')
            .set({ sha256: older.sha256, bytes: older.bytes })
            .execute();
        },
      ],
    ];
    for (const [what, damage] of damages) {
      await damage();
      const after = await readKept();
      expect(after.read, what).toEqual({ read: 'all', fromDatabase: 35, fromKept: 0 });
      expect(after.texts, what).toEqual(await readFromDatabase());
      // Written again whole: the next read takes from it.
      expect((await readKept()).read, what).toEqual({ read: 'changes', fromDatabase: 0, fromKept: 35 });
    }
  });

  it('reads everything after a merchant is removed, and keeps no file from a read that conflicted', async () => {
    if (registry.engine !== 'pglite') return;
    await readKept();
    await sql`delete from merchants where id = 'm-0007'`.execute(registry.db);
    const removed = await readKept();
    expect(removed.read).toEqual({ read: 'all', fromDatabase: 34, fromKept: 0 });
    expect(removed.texts.some((text) => text.includes('"m-0007"'))).toBe(false);

    const kept = await registry.db.selectFrom('publish_record_cache').selectAll().executeTakeFirstOrThrow();
    const refused = await readKept(() => rename('m-0001', 'Meanwhile')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceError);
    // The last good file stays named, and no temporary file is left.
    expect(await registry.db.selectFrom('publish_record_cache').selectAll().executeTakeFirstOrThrow()).toEqual(kept);
    expect(await readdir(dir)).toEqual([RECORD_CACHE_FILE]);
    const next = await readKept();
    expect(next.read).toEqual({ read: 'changes', fromDatabase: 1, fromKept: 33 });
    expect(next.texts).toEqual(await readFromDatabase());
  });
});
