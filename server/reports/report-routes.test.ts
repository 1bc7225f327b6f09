import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';

const report = (overrides: Record<string, unknown> = {}) => ({
  url: 'https://www.casa-deals.test/promo/iphone?ref=fb&utm_source=x#buy',
  reason: 'non-delivery',
  details: 'Payé à la livraison, colis vide. الطرد فارغ',
  idempotencyKey: randomUUID(),
  lang: 'fr',
  clientVersion: '0.1.0',
  ...overrides,
});

describe('POST /v1/reports', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await openTestService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
  });
  afterAll(async () => service.close());

  it('stores a report and answers 201 with an unguessable receipt and an edit token', async () => {
    const response = await service.send('POST', '/v1/reports', report());
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toEqual({ receipt: expect.any(String), status: 'received', editToken: expect.any(String) });
    // 22 base64url characters: 128 random bits.
    expect(body.receipt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const status = await (await service.send('GET', `/v1/reports/${body.receipt}`)).json();
    expect(status).toMatchObject({ status: 'received', reason: 'non-delivery', domain: 'casa-deals.test' });
    const stored = await service.registry.db
      .selectFrom('reports')
      .selectAll()
      .where('receipt', '=', body.receipt)
      .executeTakeFirstOrThrow();
    expect(stored.url).toBe('https://www.casa-deals.test/promo/iphone');
    expect(stored.details).toBe('Payé à la livraison, colis vide. الطرد فارغ');
    expect(stored.contact).toBeNull();
  });

  it('answers the same receipt for the same idempotency key and stores nothing twice', async () => {
    const sent = report();
    const first = await (await service.send('POST', '/v1/reports', sent)).json();
    const again = await service.send('POST', '/v1/reports', sent);
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await again.json()).toEqual(first);
    const rows = await service.registry.db
      .selectFrom('reports')
      .select('receipt')
      .where('idempotency_key', '=', sent.idempotencyKey)
      .execute();
    expect(rows).toHaveLength(1);
    const reused = await service.send('POST', '/v1/reports', { ...sent, reason: 'fraud' });
    expect(reused.status).toBe(409);
  });

  it('stores each of many concurrent reports once, even the same one sent five times at once', async () => {
    const repeated = report();
    const responses = await Promise.all([
      ...Array.from({ length: 20 }, () => service.send('POST', '/v1/reports', report())),
      ...Array.from({ length: 5 }, () => service.send('POST', '/v1/reports', repeated)),
    ]);
    expect(responses.map((response) => response.status)).toEqual(Array(25).fill(201));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(new Set(bodies.slice(0, 20).map((body) => body.receipt)).size).toBe(20);
    expect(new Set(bodies.slice(20).map((body) => body.receipt)).size).toBe(1);
    const rows = await service.registry.db
      .selectFrom('reports')
      .select('receipt')
      .where('idempotency_key', '=', repeated.idempotencyKey)
      .execute();
    expect(rows).toEqual([{ receipt: bodies[20].receipt }]);
  });

  it('keeps contact details only with consent', async () => {
    const refused = await service.send('POST', '/v1/reports', report({ contact: '+212600000000' }));
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toEqual([
      { field: 'contact', message: 'contact details are kept only with consent: true' },
    ]);
    const kept = await service.send('POST', '/v1/reports', report({ contact: '+212600000000', consent: true }));
    expect(kept.status).toBe(201);
    // A contact field left blank is no contact at all.
    const blank = await service.send('POST', '/v1/reports', report({ contact: '', consent: false }));
    expect(blank.status).toBe(201);
  });

  it.each([
    ['an unknown field', { shop: 'x' }, 'shop', 'unknown field'],
    ['a reason that is not on the list', { reason: 'rude' }, 'reason', ''],
    ['details over 2,000 characters', { details: 'x'.repeat(2001) }, 'details', ''],
    ['a URL that is no shop', { url: 'javascript:alert(1)' }, 'url', 'not the address of a shop'],
    ['an idempotency key that is no UUID', { idempotencyKey: '42' }, 'idempotencyKey', ''],
    // PostgreSQL text cannot hold U+0000: these were 500s (found by the report fuzz test).
    ['a NUL character in details', { details: 'a\u0000b' }, 'details', 'NUL'],
    ['a NUL character in contact', { contact: '\u0000\u0000\u0000', consent: true }, 'contact', 'NUL'],
    ['a NUL character in a URL without scheme', { url: 'casa-deals.test/a\u0000b' }, 'url', 'NUL'],
  ])('answers 400 problem+json naming the field for %s', async (_, overrides, field, message) => {
    const response = await service.send('POST', '/v1/reports', report(overrides));
    expect(response.status).toBe(400);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    const body = await response.json();
    expect(body).toMatchObject({ status: 400, title: 'Bad request' });
    expect(body.errors).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it('stores the good reports that share an INSERT with a row the database refuses', async () => {
    // Reports are written in multi-row INSERTs with those that arrived meanwhile. A row the
    // schema let through but the database refuses (here through a constraint added for the
    // test) must fail alone, not take the other shoppers' reports down with it.
    await sql`alter table reports add constraint refuse_for_test check (details is distinct from 'refused')`.execute(
      service.registry.db,
    );
    try {
      const good = Array.from({ length: 5 }, () => report());
      const responses = await Promise.all([
        ...good.map((body) => service.send('POST', '/v1/reports', body)),
        service.send('POST', '/v1/reports', report({ details: 'refused' })),
      ]);
      expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201, 500]);
      const stored = await service.registry.db
        .selectFrom('reports')
        .select('idempotency_key')
        .where(
          'idempotency_key',
          'in',
          good.map((body) => body.idempotencyKey),
        )
        .execute();
      expect(stored).toHaveLength(5);
    } finally {
      await sql`alter table reports drop constraint refuse_for_test`.execute(service.registry.db);
    }
  });

  it('answers 400 to a body that is not JSON, 415 to one that is not declared JSON', async () => {
    const broken = await service.send('POST', '/v1/reports', '{"url": ', {});
    expect(broken.status).toBe(400);
    expect(broken.headers.get('Content-Type')).toBe('application/problem+json');
    const form = await service.send('POST', '/v1/reports', undefined, { 'Content-Type': 'text/plain' });
    expect(form.status).toBe(415);
  });

  it('answers 413 to a body over 16 KB', async () => {
    const response = await service.send('POST', '/v1/reports', report({ details: 'x'.repeat(17 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
  });

  it('lets the shopper amend reason and details with the edit token, and nobody else', async () => {
    const { receipt, editToken } = await (await service.send('POST', '/v1/reports', report())).json();
    const path = `/v1/reports/${receipt}`;
    const amendment = { reason: 'fraud', details: 'Ils ont aussi encaissé par virement.' };
    expect((await service.send('PATCH', path, amendment)).status).toBe(400);
    expect((await service.send('PATCH', path, amendment, { Authorization: 'Bearer wrong' })).status).toBe(403);
    const amended = await service.send('PATCH', path, amendment, { Authorization: `Bearer ${editToken}` });
    expect(amended.status).toBe(200);
    expect(await amended.json()).toMatchObject({ reason: 'fraud', status: 'received' });
  });

  it('answers 404 for an unknown receipt and 400 for a malformed one', async () => {
    expect((await service.send('GET', '/v1/reports/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await service.send('GET', '/v1/reports/nope')).status).toBe(400);
  });

  it('allows CORS from extension origins only', async () => {
    const preflight = (origin: string) =>
      service.send('OPTIONS', '/v1/reports', undefined, {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      });
    const chrome = await preflight('chrome-extension://abcdefghijklmnopabcdefghijklmnop');
    expect(chrome.headers.get('Access-Control-Allow-Origin')).toBe(
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    );
    const firefox = await preflight('moz-extension://0b6c1d7e-3f2a-4e3b-9c8d-1a2b3c4d5e6f');
    expect(firefox.headers.get('Access-Control-Allow-Origin')).toBe(
      'moz-extension://0b6c1d7e-3f2a-4e3b-9c8d-1a2b3c4d5e6f',
    );
    const page = await preflight('https://evil.example');
    expect(page.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('report rate limit', () => {
  it('answers 429 with Retry-After past the limit, per client, and never stores the address', async () => {
    const service = await openTestService({ reportRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await service.send('POST', '/v1/reports', report(), {}, '203.0.113.9')).status).toBe(201);
      }
      const limited = await service.send('POST', '/v1/reports', report(), {}, '203.0.113.9');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(limited.headers.get('Content-Type')).toBe('application/problem+json');
      // Another client is not affected, and the window passes.
      expect((await service.send('POST', '/v1/reports', report(), {}, '203.0.113.10')).status).toBe(201);
      service.setNow('2026-11-27T10:01:01Z');
      expect((await service.send('POST', '/v1/reports', report(), {}, '203.0.113.9')).status).toBe(201);
      const rows = await service.registry.db.selectFrom('reports').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain('203.0.113');
    } finally {
      await service.close();
    }
  });
});
