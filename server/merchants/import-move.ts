import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import { isSingleConnection } from '../directory/publish-lock.ts';
import { afterQueuedPublishes } from '../directory/publish-queue.ts';
import { ServiceError } from '../http/service-error.ts';

// The last step of an import: its changed merchants, staged in a table of the import's own
// (import-write.ts), become the registry's.
//
// On PostgreSQL that is one transaction: other connections answer meanwhile. On PGlite it
// was one too, and PGlite's one connection answered nothing else until it ended: 8.5 s at
// 218,893 merchants, during which no report was taken and /healthz did not answer. There the
// merchants now move a hundred at a time, each batch a short transaction that requests
// pass between, and the import stays whole as the registry's readers and writers see it:
//
// - Decided once: a row in `import_moves` (with the audit line) commits before the first
//   batch. From then on the import is finished even if the process dies: the next opening
//   of the registry moves the rest (finishImportMoves) before anything else runs. Every batch
//   records how far it got in the same transaction, and moving a batch twice changes nothing.
// - Checked before it is decided: a domain or an ICE that a merchant outside the import took
//   since the import was planned would fail a batch half-way; it is found first, and the
//   import is refused with nothing written, as the one transaction refused it.
// - No other write in between: from the checks to the last batch, a merchant edit, status
//   change, re-verification or approved application waits (`merchantWrite`), and one already
//   queued on the connection refuses rather than slip between two batches.
// - No publish of half of it: the move runs between this process's publishes (PGlite is one
//   process), and a publish refuses while a row of `import_moves` is left.

/**
 * Merchants a batch moves. At 20,000 merchants, load average 8.6, batches followed each other
 * every 16 ms at 100 and 24 ms at 250 (a fixed 10 ms or so a transaction): 100 keeps what a
 * report waits for short, and the move of 218,893 merchants within seconds of the import.
 */
export const MOVE_BATCH = 100;

export interface MoveOptions {
  now: Date;
  /** Writes the import's audit lines, in the transaction that decides the import. */
  audit: (trx: Transaction<Database>) => Promise<void>;
  /** Merchants a batch moves; by default whole on PostgreSQL, MOVE_BATCH on PGlite. */
  batch?: number | 'whole';
  /** Called after each batch's commit (tests: a crash between two batches). */
  afterBatch?: (moved: number) => Promise<void>;
}

/** Moves for which merchant writes wait, by database (PGlite's one process). */
const moving = new WeakMap<Kysely<Database>, Promise<unknown>>();

/**
 * Runs a write of merchants in a transaction once no import is moving: what every merchant
 * write outside imports goes through, so that none lands between two batches of a move.
 */
export async function merchantWrite<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (;;) {
    for (let move = moving.get(db); move; move = moving.get(db)) await move.catch(() => undefined);
    try {
      return await db.transaction().execute(async (trx) => {
        // Queued on the connection before a move began: wait for it rather than land between batches.
        if (moving.has(db)) throw new MoveUnderWay();
        const unfinished = await unfinishedImportAt(trx);
        if (unfinished) {
          throw new ServiceError(
            'unavailable',
            `an import decided at ${unfinished} is not wholly written: it is finished when the service next starts`,
          );
        }
        return work(trx);
      });
    } catch (error) {
      if (!(error instanceof MoveUnderWay)) throw error;
    }
  }
}

class MoveUnderWay extends Error {}

/** When an import not yet wholly moved was decided (ISO time), or null when there is none. */
export async function unfinishedImportAt(db: Kysely<Database>): Promise<string | null> {
  const row = await db.selectFrom('import_moves').select('imported_at').limit(1).executeTakeFirst();
  return row ? new Date(row.imported_at).toISOString() : null;
}

const STAGING_NAME = /^import_rows_[0-9a-z]+_[0-9a-f]+$/;

function stagingTable(name: string) {
  if (!STAGING_NAME.test(name)) throw new Error(`not an import's staging table: ${JSON.stringify(name)}`);
  return sql.table(name);
}

/** The staged ids after `after`, through `through` (to the end when null). */
function inRange(after: string, through: string | null, column: RawBuilder<unknown> = sql.ref('id')) {
  return through === null ? sql`${column} > ${after}` : sql`${column} > ${after} and ${column} <= ${through}`;
}

/** The id that ends the batch of `size` staged merchants after `after`, or null for "the rest". */
async function batchEnd(db: Kysely<Database>, table: string, after: string, size: number): Promise<string | null> {
  const { rows } = await sql<{ id: string }>`
    select id from ${stagingTable(table)} where id > ${after} order by id limit 1 offset ${size - 1}`.execute(db);
  return rows[0]?.id ?? null;
}

/**
 * Plans that look up by index, for the rest of the transaction. PGlite has no autovacuum, so
 * `merchant_domains` has no statistics and the planner read all of it for every batch (a hash
 * join: 27 ms of a 250-merchant batch at 12k domains, growing with them); with a batch's few
 * hundred keys, index lookups cost the same at any size.
 */
async function byIndex(trx: Transaction<Database>): Promise<void> {
  await sql`select set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),
    set_config('enable_mergejoin', 'off', true)`.execute(trx);
}

/** Moves the staged merchants of one range into `merchants` and `merchant_domains`. */
async function moveRange(
  trx: Transaction<Database>,
  table: string,
  after: string,
  through: string | null,
  now: Date,
): Promise<void> {
  const staged = stagingTable(table);
  await byIndex(trx);
  // A changed merchant lets go of its domains, and so does a merchant of the import that
  // holds a domain this range takes (it lets go of it anyway when its own range comes): a
  // domain moving between two merchants of the import is free when it is inserted. (Two
  // statements: one with an OR could not look up by index.)
  await sql`
    delete from merchant_domains
    where merchant_id in (select id from ${staged} where ${inRange(after, through)})`.execute(trx);
  await sql`
    delete from merchant_domains held
    where held.domain in (
        select jsonb_array_elements_text(record->'domains') from ${staged} where ${inRange(after, through)})
      and exists (select 1 from ${staged} t where t.id = held.merchant_id)`.execute(trx);
  await sql`
    insert into merchants (id, ice, record, updated_at, status_since)
    select id, ice, record, ${now}, ${now}
    from ${staged} where ${inRange(after, through)}
    on conflict (id) do update set
      ice = excluded.ice,
      record = excluded.record,
      updated_at = excluded.updated_at,
      -- The date of the last change of status, for the certificate page: kept while
      -- the status stays, moved when an import changes it. Moving a batch again keeps it.
      status_since = case when merchants.record->>'status' is distinct from excluded.record->>'status'
        then excluded.status_since else merchants.status_since end`.execute(trx);
  await sql`
    insert into merchant_domains (domain, merchant_id)
    select domain, id
    from ${staged}, jsonb_array_elements_text(record->'domains') as domain
    where ${inRange(after, through, sql.ref(`${table}.id`))}`.execute(trx);
}

/**
 * What would fail a batch half-way: a domain of the range that a merchant outside the import
 * holds (it took it after the import was planned), or an ICE of the range that another
 * merchant holds (the planner refuses an ICE changing merchants; PostgreSQL's unique check
 * refuses it row by row even in one statement, so one transaction failed on it too).
 */
async function obstacleIn(
  db: Transaction<Database>,
  table: string,
  after: string,
  through: string | null,
): Promise<{ kind: 'domain' | 'ice'; value: string; holder: string } | null> {
  const staged = stagingTable(table);
  await byIndex(db);
  const domain = await sql<{ value: string; holder: string }>`
    select held.domain as value, held.merchant_id as holder
    from ${staged} s cross join jsonb_array_elements_text(s.record->'domains') as claimed(domain)
    join merchant_domains held on held.domain = claimed.domain
    where ${inRange(after, through, sql.ref('s.id'))}
      and held.merchant_id <> s.id
      and not exists (select 1 from ${staged} t where t.id = held.merchant_id)
    limit 1`.execute(db);
  if (domain.rows[0]) return { kind: 'domain', ...domain.rows[0] };
  const ice = await sql<{ value: string; holder: string }>`
    select m.ice as value, m.id as holder
    from ${staged} s join merchants m on m.ice = s.ice and m.id <> s.id
    where ${inRange(after, through, sql.ref('s.id'))}
    limit 1`.execute(db);
  return ice.rows[0] ? { kind: 'ice', ...ice.rows[0] } : null;
}

/** Moves the staged merchants from after `after` to the end, a batch a transaction. */
async function moveBatches(
  db: Kysely<Database>,
  table: string,
  after: string,
  options: { now: Date; batch: number; afterBatch?: (moved: number) => Promise<void> },
): Promise<void> {
  let moved = 0;
  // A batch that ends nowhere (null) is the rest, which may be empty: the last one.
  for (;;) {
    const through = await batchEnd(db, table, after, options.batch);
    const from = after;
    await db.transaction().execute(async (trx) => {
      await moveRange(trx, table, from, through, options.now);
      if (through !== null) {
        await trx
          .updateTable('import_moves')
          .set({ moved_through: through })
          .where('staging_table', '=', table)
          .execute();
      }
    });
    if (through === null) break;
    after = through;
    moved += 1;
    await options.afterBatch?.(moved);
    // PGlite answers within the same turn: without a turn the next batch goes before any request.
    await nextTurn();
  }
  await db.deleteFrom('import_moves').where('staging_table', '=', table).execute();
}

/** Checks every range before the import is decided, a statement a range. */
async function checkBatches(db: Kysely<Database>, table: string, batch: number): Promise<void> {
  let after = '';
  for (;;) {
    const through = await batchEnd(db, table, after, batch * 8);
    const obstacle = await db.transaction().execute((trx) => obstacleIn(trx, table, after, through));
    if (obstacle) {
      const what = obstacle.kind === 'domain' ? `the domain ${obstacle.value}` : `the ICE ${obstacle.value}`;
      throw new ServiceError(
        'conflict',
        `${what} belongs to merchant ${obstacle.holder}, which it did not when the import was planned: nothing was imported; import the file again`,
      );
    }
    if (through === null) return;
    after = through;
    await nextTurn();
  }
}

/** Moves an import's staged merchants into the registry, whole as anyone sees it. */
export async function moveStagedMerchants(db: Kysely<Database>, table: string, options: MoveOptions): Promise<void> {
  const batch = options.batch ?? (isSingleConnection(db) ? MOVE_BATCH : 'whole');
  if (batch === 'whole') return moveWhole(db, table, options);
  await afterQueuedPublishes(async () => {
    const move = (async () => {
      // Let a write already queued on the connection finish first; later ones wait or refuse.
      await checkBatches(db, table, batch);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('import_moves').values({ staging_table: table, imported_at: options.now }).execute();
        await options.audit(trx);
      });
      try {
        await moveBatches(db, table, '', { now: options.now, batch, afterBatch: options.afterBatch });
      } catch (error) {
        // Decided: the import must end whole. Once more from where it got, then the next start.
        const row = await db
          .selectFrom('import_moves')
          .select('moved_through')
          .where('staging_table', '=', table)
          .executeTakeFirst()
          .catch(() => undefined);
        if (!row) throw error;
        await moveBatches(db, table, row.moved_through, { now: options.now, batch }).catch((again: Error) => {
          throw new Error(
            `the import was decided and is partly written (${again.message}): it is finished when the service next starts`,
          );
        });
      }
    })();
    moving.set(db, move);
    try {
      await move;
    } finally {
      moving.delete(db);
    }
  });
}

async function moveWhole(db: Kysely<Database>, table: string, options: MoveOptions): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await moveRange(trx, table, '', null, options.now);
    await options.audit(trx);
  });
}

/**
 * Finishes the imports a stopped process decided and did not wholly move (at the
 * registry's opening, before anything else runs), and drops their staging tables.
 * Returns how many it finished.
 */
export async function finishImportMoves(db: Kysely<Database>): Promise<number> {
  const left = await db.selectFrom('import_moves').selectAll().orderBy('imported_at').execute();
  for (const row of left) {
    try {
      await moveBatches(db, row.staging_table, row.moved_through, {
        now: new Date(row.imported_at),
        batch: MOVE_BATCH,
      });
    } catch (error) {
      throw new Error(
        `an import decided at ${new Date(row.imported_at).toISOString()} could not be finished (moved through ${JSON.stringify(row.moved_through)}): ${(error as Error).message}`,
      );
    }
    await sql`drop table if exists ${stagingTable(row.staging_table)}`.execute(db);
  }
  return left.length;
}
