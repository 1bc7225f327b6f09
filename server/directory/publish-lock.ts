import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';

// One publisher at a time across every process on the database. Several `thiqa serve`
// on one PostgreSQL (behind a load balancer) each run `--publish-every`, and an operator
// may run `thiqa publish` meanwhile: without a lock two of them read version N, both
// build N+1, and one fails at commit. With it, the second reads the first's version
// once the lock is its own, and finds nothing left to publish.
//
// The lock is PostgreSQL's transaction-scoped advisory lock, held by a transaction that
// does nothing else: the publish itself runs on other pool connections, and the lock is
// released when that transaction ends, or when the server sees the connection drop (a
// killed process never leaves it held). PGlite is one connection in one process, where
// the publish queue of the process already serialises: there the lock is skipped (a
// transaction holding the only connection would leave the publish none).

/** Any constant shared by every instance; spells "thiqa" + "pub" in ASCII. */
const PUBLISH_LOCK_KEY = 0x7468_6971_6170_7562n;

const singleConnection = new WeakSet<Kysely<Database>>();

/** Marks a database as PGlite's single connection (database.ts does, on opening one). */
export function markSingleConnection(db: Kysely<Database>): void {
  singleConnection.add(db);
}

/** PGlite's one connection (markSingleConnection), where a transaction holds every request. */
export function isSingleConnection(db: Kysely<Database>): boolean {
  return singleConnection.has(db);
}

export type Locked<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `work` while holding the publish lock. `wait` blocks until another publisher is
 * done (an operator's publish); `skip` returns `{ ran: false }` at once when one is busy
 * (a scheduled tick: the other instance publishes the same change).
 */
export async function underPublishLock<T>(
  db: Kysely<Database>,
  mode: 'wait' | 'skip',
  work: () => Promise<T>,
): Promise<Locked<T>> {
  if (singleConnection.has(db)) return { ran: true, value: await work() };
  return db.transaction().execute(async (trx): Promise<Locked<T>> => {
    if (mode === 'wait') {
      await sql`select pg_advisory_xact_lock(${PUBLISH_LOCK_KEY})`.execute(trx);
    } else {
      const { rows } = await sql<{ locked: boolean }>`
        select pg_try_advisory_xact_lock(${PUBLISH_LOCK_KEY}) as locked`.execute(trx);
      if (!rows[0]?.locked) return { ran: false };
    }
    return { ran: true, value: await work() };
  });
}
