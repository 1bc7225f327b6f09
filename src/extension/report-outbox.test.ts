import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import type { Fetch } from './bounded-fetch.ts';
import { openThiqaDatabase, type ThiqaDatabase } from './database.ts';
import { createReportOutbox, type ReportOutbox } from './report-outbox.ts';

const ORIGIN = 'https://directory.example';

/**
 * The real report service (the app on a fresh PGlite database) behind a fetch that can
 * fail the way networks do: unreachable, or an answer lost after the service stored it.
 */
async function reportService() {
  const service = await openTestService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
  opened.push(service);
  const calls: Array<{ method: string; url: string; body: unknown; authorization: string | null }> = [];
  let reachable = true;
  let loseNextAnswer = false;
  const fetch: Fetch = async (url, init) => {
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({
      method: init?.method ?? 'GET',
      url,
      body,
      authorization: new Headers(init?.headers).get('authorization'),
    });
    if (!reachable) throw new TypeError('Failed to fetch');
    const response = await service.app.request(url.slice(ORIGIN.length), init, {
      incoming: { socket: { remoteAddress: '198.51.100.7', remotePort: 40000, remoteFamily: 'IPv4' } },
    });
    if (loseNextAnswer) {
      // The service stored it, but the answer never reached the browser.
      loseNextAnswer = false;
      throw new TypeError('network changed');
    }
    return response;
  };
  return {
    fetch,
    calls,
    /** The reports the service holds, by idempotency key. */
    stored: async () =>
      new Map(
        (await service.registry.db.selectFrom('reports').selectAll().execute()).map((row) => [
          row.idempotency_key,
          row,
        ]),
      ),
    review: (receipt: string) => service.admin('POST', `/v1/admin/reports/${receipt}/review`),
    setReachable: (value: boolean) => {
      reachable = value;
    },
    loseNextAnswer: () => {
      loseNextAnswer = true;
    },
  };
}

const opened: TestService[] = [];
afterEach(async () => {
  for (const service of opened.splice(0)) await service.close();
});

let counter = 0;
async function setup() {
  counter += 1;
  const db = await openThiqaDatabase(`outbox-test-${counter}`);
  const service = await reportService();
  const clock = { now: new Date('2026-11-27T10:00:00Z') };
  const retries: Date[] = [];
  let uuid = 0;
  const outboxOn = (database: ThiqaDatabase): ReportOutbox =>
    createReportOutbox({
      db: database,
      fetch: service.fetch,
      now: () => clock.now,
      reportsOrigin: ORIGIN,
      clientVersion: '0.1.0',
      randomUUID: () => `00000000-0000-4000-8000-${String(++uuid).padStart(12, '0')}`,
      random: () => 0.5,
      scheduleRetry: (at) => retries.push(at),
    });
  return { db, service, clock, retries, outbox: outboxOn(db), outboxOn };
}

const report = { url: 'https://shop.test/product', domain: 'shop.test', lang: 'fr' };

describe('report outbox', () => {
  it('sends a report at once and keeps its receipt', async () => {
    const { outbox, service } = await setup();
    const sent = await outbox.enqueue(report);
    expect(sent).toMatchObject({ delivery: 'sent', status: 'received', reason: 'suspicious' });
    expect(sent.receipt).toBe((await service.stored()).get(sent.idempotencyKey)?.receipt);
    expect(service.calls).toHaveLength(1);
    expect(service.calls[0]?.body).toEqual({
      url: 'https://shop.test/product',
      reason: 'suspicious',
      idempotencyKey: sent.idempotencyKey,
      lang: 'fr',
      clientVersion: '0.1.0',
    });
  });

  it('keeps a report made offline across a worker restart and delivers it once, with backoff', async () => {
    const { db, outbox, outboxOn, service, clock, retries } = await setup();
    service.setReachable(false);
    const queued = await outbox.enqueue(report);
    expect(queued).toMatchObject({ delivery: 'queued', attempts: 1, receipt: null });
    expect(retries.at(-1)?.getTime()).toBe(clock.now.getTime() + 5_000);

    // Not due yet: a flush before the retry time sends nothing.
    await outbox.flush();
    expect(service.calls).toHaveLength(1);
    clock.now = new Date(clock.now.getTime() + 6_000);
    await outbox.flush();
    expect(retries.at(-1)?.getTime()).toBe(clock.now.getTime() + 10_000);
    // The network came back (the browser says so): waiting reports go now, not at their retry time.
    await outbox.flush({ evenIfNotDue: true });
    expect(service.calls).toHaveLength(3);

    // A new worker, same database: before the retry is due it only asks to be woken then.
    const restartedEarly = outboxOn(db);
    retries.length = 0;
    await restartedEarly.flush();
    expect(service.calls).toHaveLength(3);
    expect(retries.map((at) => at.toISOString())).toEqual([
      (await restartedEarly.get(queued.idempotencyKey))?.nextAttemptAt,
    ]);

    // Network back, retry due.
    service.setReachable(true);
    clock.now = new Date(clock.now.getTime() + 60_000);
    const restarted = outboxOn(db);
    await restarted.flush();
    await restarted.flush();
    const stored = await service.stored();
    expect(stored.size).toBe(1);
    expect((await restarted.get(queued.idempotencyKey))?.receipt).toBe(stored.get(queued.idempotencyKey)?.receipt);
    expect(service.calls.filter((call) => call.method === 'POST')).toHaveLength(4);
  });

  it('sends every waiting report once one gets through: the service is back', async () => {
    const { outbox, service, clock } = await setup();
    service.setReachable(false);
    const first = await outbox.enqueue(report);
    clock.now = new Date(clock.now.getTime() + 3_000);
    const second = await outbox.enqueue({ ...report, url: 'https://shop.test/other' });
    // The service returns; only the first report's retry is due.
    service.setReachable(true);
    clock.now = new Date(clock.now.getTime() + 2_500);
    await outbox.flush();
    const stored = await service.stored();
    expect(stored.size).toBe(2);
    expect((await outbox.get(first.idempotencyKey))?.receipt).toBe(stored.get(first.idempotencyKey)?.receipt);
    expect((await outbox.get(second.idempotencyKey))?.receipt).toBe(stored.get(second.idempotencyKey)?.receipt);
  });

  it('sends the same idempotency key again when an answer was lost, so the service keeps one report', async () => {
    const { outbox, service, clock } = await setup();
    service.loseNextAnswer();
    const queued = await outbox.enqueue(report);
    expect(queued.delivery).toBe('queued');
    clock.now = new Date(clock.now.getTime() + 60_000);
    await outbox.flush();
    const stored = await service.stored();
    expect(stored.size).toBe(1);
    expect((await outbox.get(queued.idempotencyKey))?.receipt).toBe(stored.get(queued.idempotencyKey)?.receipt);
  });

  it('amends a sent report with its edit token, and a queued one before it leaves', async () => {
    const { outbox, service, clock } = await setup();
    const sent = await outbox.enqueue(report);
    const amended = await outbox.amend(sent.idempotencyKey, {
      reason: 'non-delivery',
      details: ' Paid, never delivered. ',
    });
    expect(amended).toMatchObject({
      reason: 'non-delivery',
      details: 'Paid, never delivered.',
      pendingAmendment: null,
    });
    const patch = service.calls.find((call) => call.method === 'PATCH');
    expect(patch).toMatchObject({
      authorization: `Bearer ${sent.editToken}`,
      body: { reason: 'non-delivery', details: 'Paid, never delivered.' },
    });
    expect((await service.stored()).get(sent.idempotencyKey)).toMatchObject({
      reason: 'non-delivery',
      details: 'Paid, never delivered.',
    });

    service.setReachable(false);
    const offline = await outbox.enqueue({ ...report, url: 'https://other.test/' });
    await outbox.amend(offline.idempotencyKey, { reason: 'fraud', details: null });
    service.setReachable(true);
    clock.now = new Date(clock.now.getTime() + 60_000);
    await outbox.flush();
    expect((await service.stored()).get(offline.idempotencyKey)).toMatchObject({
      reason: 'fraud',
      url: 'https://other.test/',
    });
  });

  it('does not retry a report the service refused', async () => {
    const { db } = await setup();
    let posts = 0;
    const outbox = createReportOutbox({
      db,
      fetch: async () => {
        posts += 1;
        return Response.json({ error: 'bad url' }, { status: 400 });
      },
      now: () => new Date('2026-11-27T10:00:00Z'),
      reportsOrigin: ORIGIN,
      clientVersion: '0.1.0',
      randomUUID: () => '00000000-0000-4000-8000-000000000001',
      scheduleRetry: () => {},
    });
    expect((await outbox.enqueue(report)).delivery).toBe('refused');
    await outbox.flush();
    expect(posts).toBe(1);
  });

  it('waits as long as the service asks when it is busy (429 with Retry-After)', async () => {
    const { db } = await setup();
    const retries: Date[] = [];
    const outbox = createReportOutbox({
      db,
      fetch: async () => new Response(null, { status: 429, headers: { 'Retry-After': '120' } }),
      now: () => new Date('2026-11-27T10:00:00Z'),
      reportsOrigin: ORIGIN,
      clientVersion: '0.1.0',
      randomUUID: () => '00000000-0000-4000-8000-000000000009',
      random: () => 0.5,
      scheduleRetry: (at) => retries.push(at),
    });
    const queued = await outbox.enqueue(report);
    expect(queued).toMatchObject({
      delivery: 'queued',
      nextAttemptAt: '2026-11-27T10:02:00.000Z',
      lastError: 'HTTP 429',
    });
  });

  it('refreshes the status of sent reports', async () => {
    const { outbox, service } = await setup();
    const sent = await outbox.enqueue(report);
    await outbox.refreshStatuses();
    expect((await outbox.list())[0]?.status).toBe('received');
    expect((await service.review(sent.receipt as string)).status).toBe(200);
    await outbox.refreshStatuses();
    expect((await outbox.list())[0]?.status).toBe('under-review');
  });
});
