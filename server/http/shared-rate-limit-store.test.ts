import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { ClientRateLimiter } from './client-rate-limit.ts';
import { SharedRateLimitStore } from './shared-rate-limit-store.ts';

// Two limiters over one database stand for two `thiqa serve` instances: each has its own
// store (its own cache of the day's secret), as separate processes would.

describe('rate limits shared through the database', () => {
  let registry: Registry;
  let now: Date;
  const instance = (max: number, scope = 'reports') =>
    new ClientRateLimiter({ max, windowMs: 60_000 }, () => now, {
      store: new SharedRateLimitStore(registry.db),
      scope,
    });

  beforeEach(async () => {
    registry = await openTestRegistry();
    now = new Date('2026-11-27T10:00:10Z');
  });
  afterEach(() => registry.close());

  it('gives a client one allowance across instances, per limiter, until the window ends', async () => {
    const [a, b] = [instance(3), instance(3)];
    expect(await a.take('203.0.113.1')).toEqual({ allowed: true });
    expect(await b.take('203.0.113.1')).toEqual({ allowed: true });
    expect(await a.take('203.0.113.1')).toEqual({ allowed: true });
    now = new Date('2026-11-27T10:00:15Z');
    // Windows are aligned to the clock: this one ends at 10:01:00.
    expect(await b.take('203.0.113.1')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(await a.take('203.0.113.2')).toEqual({ allowed: true });
    expect(await instance(3, 'staff-sign-in').take('203.0.113.1')).toEqual({ allowed: true });
    now = new Date('2026-11-27T10:01:00Z');
    expect(await b.take('203.0.113.1')).toEqual({ allowed: true });
  });

  it('counts concurrent requests exactly', async () => {
    const limiters = [instance(10), instance(10)];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) => (limiters[index % 2] as ClientRateLimiter).take('2001:db8:a:b::1')),
    );
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(10);
  });

  it('counts a burst from many clients in one statement, each request in its own place', async () => {
    const store = new SharedRateLimitStore(registry.db);
    const window = Date.parse('2026-11-27T10:00:00Z');
    const take = (key: string) => store.increment('reports', key, window, 60_000, window + 10_000);
    await take('client-a');
    // Sent together: they share the statements that follow, and the first above stays counted.
    const counts = await Promise.all([take('client-a'), take('client-b'), take('client-a'), take('client-b')]);
    expect(counts).toEqual([2, 1, 3, 2]);
    const rows = await sql<{ key: string; count: number }>`
      select key, count from rate_limit_windows order by key`.execute(registry.db);
    expect(rows.rows).toEqual([
      { key: 'client-a', count: 3 },
      { key: 'client-b', count: 2 },
    ]);
  });

  it('keeps its counts in an unlogged table: a count waits for no flush to disk', async () => {
    const table = await sql<{ relpersistence: string }>`
      select relpersistence from pg_class where relname = 'rate_limit_windows'`.execute(registry.db);
    expect(table.rows).toEqual([{ relpersistence: 'u' }]);
  });

  it('keeps no address, forgets the day’s secret the next day, and purges ended windows', async () => {
    const limiter = instance(1);
    await limiter.take('203.0.113.1');
    const rows = await sql<Record<string, unknown>>`select * from rate_limit_windows`.execute(registry.db);
    expect(rows.rows).toHaveLength(1);
    expect(JSON.stringify(rows.rows)).not.toContain('203.0.113');
    // The window's start is rounded to the window, not the request's own time.
    expect(Number(rows.rows[0]?.window_start)).toBe(Date.parse('2026-11-27T10:00:00Z'));

    now = new Date('2026-11-28T00:00:05Z');
    expect(await limiter.take('203.0.113.1')).toEqual({ allowed: true });
    const secrets = await registry.db
      .selectFrom('service_secrets')
      .select('name')
      .where('name', 'like', 'rate-limit-key-%')
      .execute();
    expect(secrets.map((secret) => secret.name)).toEqual(['rate-limit-key-2026-11-28']);
    const left = await sql<{ window_start: string }>`select window_start from rate_limit_windows`.execute(registry.db);
    expect(left.rows.map((row) => Number(row.window_start))).toEqual([Date.parse('2026-11-28T00:00:00Z')]);
  });
});
