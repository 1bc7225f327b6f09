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
  private latestNow = 0;
  /** Counts waiting for the next statement, by window. */
  private pending = new Map<string, PendingWindow>();
  private flushing = false;

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
   * Counts one request against `key` in the window starting at `windowStart` and resolves to
   * the count so far, this one included, once the database holds it.
   *
   * Requests that arrive while a count is being written go into the next statement, one row
   * per window with how many requests it adds (`count + n`); each request's own count is
   * its place in that group, so the answers are exactly those of one statement per request
   * (the count in the table is always the number of requests answered). Before, every
   * request was its own transaction on its client's one row: requests from one address
   * queued on that row's lock, each through a commit of its own (374 req/s against 2,310
   * for /healthz on the same server).
   */
  increment(scope: string, key: string, windowStart: number, windowMs: number, now: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const id = windowId({ scope, key, windowStart });
      let window = this.pending.get(id);
      if (!window) {
        window = { scope, key, windowStart, expiresAt: windowStart + windowMs, waiters: [] };
        this.pending.set(id, window);
      }
      window.waiters.push({ resolve, reject });
      this.latestNow = now;
      if (!this.flushing) {
        this.flushing = true;
        // Let the requests read in the same turn of the event loop join this statement.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.size > 0) {
      const windows = [...this.pending.values()].slice(0, MAX_WINDOWS_PER_STATEMENT);
      for (const window of windows) this.pending.delete(windowId(window));
      try {
        const counts = await this.write(windows);
        for (const window of windows) {
          const total = counts.get(windowId(window));
          if (total === undefined) throw new Error('rate limit window missing from the answer');
          // The database's count includes this whole group: its requests take the last places.
          const first = total - window.waiters.length + 1;
          for (const [place, waiter] of window.waiters.entries()) waiter.resolve(first + place);
        }
      } catch (error) {
        for (const window of windows) for (const waiter of window.waiters) waiter.reject(error);
      }
    }
    this.flushing = false;
  }

  private async write(windows: PendingWindow[]): Promise<Map<string, number>> {
    const now = this.latestNow;
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      await sql`delete from rate_limit_windows where expires_at <= ${now}`.execute(this.db);
    }
    // Rows are locked in key order, so two instances writing overlapping groups cannot deadlock.
    const result = await sql<{ scope: string; key: string; window_start: string | number; count: number }>`
      insert into rate_limit_windows (scope, key, window_start, expires_at, count)
      select * from unnest(
        ${windows.map((window) => window.scope)}::text[],
        ${windows.map((window) => window.key)}::text[],
        ${windows.map((window) => window.windowStart)}::bigint[],
        ${windows.map((window) => window.expiresAt)}::bigint[],
        ${windows.map((window) => window.waiters.length)}::integer[]
      ) as counted (scope, key, window_start, expires_at, count)
      order by scope, key, window_start
      on conflict (scope, key, window_start) do update set count = rate_limit_windows.count + excluded.count
      returning scope, key, window_start, count`.execute(this.db);
    return new Map(
      result.rows.map((row) => [
        windowId({ scope: row.scope, key: row.key, windowStart: Number(row.window_start) }),
        Number(row.count),
      ]),
    );
  }
}

interface PendingWindow {
  scope: string;
  key: string;
  windowStart: number;
  expiresAt: number;
  waiters: { resolve: (count: number) => void; reject: (error: unknown) => void }[];
}

/** One statement's rows at most; more wait for the next. */
const MAX_WINDOWS_PER_STATEMENT = 500;

function windowId(window: Pick<PendingWindow, 'scope' | 'key' | 'windowStart'>): string {
  return `${window.scope}\u0000${window.key}\u0000${window.windowStart}`;
}
