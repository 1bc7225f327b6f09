import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from './database.ts';

// The registry runs on PGlite or on PostgreSQL with the same code: the rows, counts and
// errors a query gives must be alike on both. On PGlite Kysely talks to it directly
// (pglite-driver.ts); on PostgreSQL through node-postgres. This file runs on either
// (DATABASE_URL picks PostgreSQL) and expects the same.

let registry: Registry;
beforeEach(async () => {
  registry = await openTestRegistry();
});
afterEach(async () => registry.close());

const merchant = (n: number) => ({
  id: `m-${n}`,
  ice: String(n).padStart(15, '0'),
  record: JSON.stringify({ id: `m-${n}`, name: `Souk ${n} سوق` }),
  updated_at: new Date('2026-12-01T10:00:00Z'),
});

describe('rows as the registry reads them, on either engine', () => {
  it('gives counts as text, timestamps as dates, JSON as objects and the rows a write changed', async () => {
    const { db } = registry;
    const inserted = await db
      .insertInto('merchants')
      .values([merchant(1), merchant(2), merchant(3)])
      .executeTakeFirstOrThrow();
    expect(inserted.numInsertedOrUpdatedRows).toBe(3n);
    const count = await db
      .selectFrom('merchants')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    // node-postgres hands int8 over as text (past 2^53 a number would be wrong).
    expect(count.n).toBe('3');
    const row = await db
      .selectFrom('merchants')
      .select(['id', 'record', 'updated_at'])
      .where('id', '=', 'm-2')
      .executeTakeFirstOrThrow();
    expect(row.updated_at).toBeInstanceOf(Date);
    expect((row.updated_at as Date).toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(row.record).toEqual({ id: 'm-2', name: 'Souk 2 سوق' });
    const updated = await db
      .updateTable('merchants')
      .set({ updated_at: new Date('2026-12-02T10:00:00Z') })
      .where('id', 'in', ['m-1', 'm-3', 'm-404'])
      .executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(2n);
    const removed = await sql`delete from merchants where id = ${'m-1'}`.execute(db);
    expect(removed.numAffectedRows).toBe(1n);
    const big = await sql<{ n: string }>`select 9007199254740993::int8 as n`.execute(db);
    expect(big.rows[0]?.n).toBe('9007199254740993');
  });

  it('runs a text of several statements without parameters, as a migration does', async () => {
    const { db } = registry;
    await sql`create table scratch_a (n integer); insert into scratch_a values (1), (2); drop table scratch_a`.execute(
      db,
    );
    const left = await sql<{ n: string }>`select count(*) as n from pg_tables where tablename = 'scratch_a'`.execute(
      db,
    );
    expect(left.rows[0]?.n).toBe('0');
  });

  it('keeps a transaction to itself: another statement waits for it, and a failure undoes all of it', async () => {
    const { db } = registry;
    const order: string[] = [];
    const failing = db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('merchants').values(merchant(10)).execute();
        order.push('transaction wrote');
        await new Promise((resolve) => setTimeout(resolve, 30));
        await trx.insertInto('merchants').values(merchant(10)).execute(); // the same id: refused
      })
      .catch((error: { code?: string }) => error.code);
    const beside = db
      .selectFrom('merchants')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
      .then((row) => {
        order.push(`beside read ${row.n}`);
      });
    expect(await failing).toBe('23505');
    await beside;
    const after = await db
      .selectFrom('merchants')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe('0');
    if (registry.engine === 'pglite') {
      // One connection: the read beside ran after the transaction, never inside it.
      expect(order).toEqual(['transaction wrote', 'beside read 0']);
    }
  });
});

describe('statements one after another on PGlite', () => {
  it('let a timer in once they have held the event loop a few milliseconds', async () => {
    if (registry.engine !== 'pglite') return;
    const { db } = registry;
    // 40 statements of 2 ms each, awaited one after the other: PGlite answers each within
    // the same turn of the event loop, so without the driver's turn a timer set before the
    // first one fired only after the last.
    let done = 0;
    let doneWhenTimerRan = -1;
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        doneWhenTimerRan = done;
        resolve();
      }, 0),
    );
    for (let i = 0; i < 40; i++) {
      await sql`select pg_sleep(0.002)`.execute(db);
      done++;
    }
    await timer;
    expect(doneWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(doneWhenTimerRan).toBeLessThan(10);
  });
});
