import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';

// Rate limits counted in the database, so that several `thiqa serve` behind one load
// balancer give a client one allowance, not one per instance. `thiqa serve` uses it
// whenever it runs on PostgreSQL (DATABASE_URL); on PGlite, one process, memory is enough.
//
// What the table holds is as little as the in-memory limiter keeps: an HMAC of the
// client's address under a secret of the day (never the address), the window's start
// rounded to the window (never a request's own time) and a count. The day's secret lives
// in service_secrets so that every instance derives the same key; it is deleted once the
// day is over, and with it any way to tie yesterday's keys to an address.

/** How often one process deletes the windows that have run out. */
const PURGE_EVERY_MS = 60_000;

const SECRET_PREFIX = 'rate-limit-key-';

export class SharedRateLimitStore {
  private secret: { day: string; value: Promise<Buffer> } | undefined;
  private lastPurge = 0;

  constructor(private readonly db: Kysely<Database>) {}

  /** The HMAC key of the UTC day of `now`, the same for every instance on the database. */
  secretFor(now: Date): Promise<Buffer> {
    const day = now.toISOString().slice(0, 10);
    if (this.secret?.day !== day) {
      const value = this.daySecret(day);
      // A failed read is not kept: the next request asks the database again.
      value.catch(() => {
        if (this.secret?.value === value) this.secret = undefined;
      });
      this.secret = { day, value };
    }
    return this.secret.value;
  }

  private async daySecret(day: string): Promise<Buffer> {
    const name = `${SECRET_PREFIX}${day}`;
    await this.db
      .insertInto('service_secrets')
      .values({ name, value: randomBytes(32).toString('base64') })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('service_secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    // Earlier days' secrets go: their keys can no longer be recomputed by anyone.
    await this.db
      .deleteFrom('service_secrets')
      .where('name', 'like', `${SECRET_PREFIX}%`)
      .where('name', '<', name)
      .execute();
    return Buffer.from(row.value, 'base64');
  }

  /**
   * Counts one request against `key` in the window starting at `windowStart` and returns
   * the count so far, this one included. One statement: the row lock makes concurrent
   * increments from any number of instances add up exactly.
   */
  async increment(scope: string, key: string, windowStart: number, windowMs: number, now: number): Promise<number> {
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      await sql`delete from rate_limit_windows where expires_at <= ${now}`.execute(this.db);
    }
    const result = await sql<{ count: number }>`
      insert into rate_limit_windows (scope, key, window_start, expires_at, count)
      values (${scope}, ${key}, ${windowStart}, ${windowStart + windowMs}, 1)
      on conflict (scope, key, window_start) do update set count = rate_limit_windows.count + 1
      returning count`.execute(this.db);
    return Number(result.rows[0]?.count);
  }
}
