import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { ServiceError } from '../http/service-error.ts';
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
    async (texts) => {
      ids.push(...texts.map((text) => (JSON.parse(text) as { id: string }).id));
      if (++pages === 1) await between();
    },
    10,
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
