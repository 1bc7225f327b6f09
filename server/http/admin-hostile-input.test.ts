import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestService, TEST_ADMIN_TOKEN, type TestService } from '../../test/support/test-service.ts';

// Every admin route, and the public report routes' path parameters, under hostile input:
// ids past PostgreSQL's integer range or not numbers at all, malformed receipts and
// percent-escapes, U+0000 and bidi overrides in every text field, wrong JSON types. The
// answer is always a 4xx problem+json naming what is wrong, never a 500 (which also wrote
// the SQL text to the log).

const HOSTILE_IDS = [
  '2147483648',
  '99999999999999999999',
  '0',
  '-1',
  '1.5',
  '1e3',
  '0x10',
  'abc',
  '%00',
  '%ZZ',
  '1%00',
  '%20',
  '%E2%80%AE1',
  '１２', // fullwidth digits
];
const HOSTILE_RECEIPTS = [
  'AAAA',
  `${'A'.repeat(21)}%00`,
  `${'A'.repeat(21)}%ZZ`,
  `${'A'.repeat(21)}%E2%80%AE`,
  '%2E%2E',
  'A'.repeat(5000), // named by its length below
];
const HOSTILE_DOMAINS = ['%00', '%ZZ', '%E2%80%AEexe.gnp.test', 'a'.repeat(300), '..', '%2F%2F'];
const HOSTILE_TEXTS: [string, unknown][] = [
  ['U+0000', 'Encaisse\u0000 et part'],
  ['a right-to-left override', 'Rien \u202etrouvé'],
  ['a lone surrogate', 'Rien \ud800 trouvé'],
  ['an ESC sequence', 'Rien\u001b[2J trouvé'],
  ['a number', 12],
  ['null', null],
  ['an object', { toString: 'x' }],
  ['100,000 characters', 'x'.repeat(100_000)],
];

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The one status this input must get; any 4xx when undefined. */
  status?: number;
}

describe('hostile input to the admin API', () => {
  let service: TestService;
  let receipt: string;
  let complaintId: number;

  beforeAll(async () => {
    service = await openTestService();
    const submit = async (url: string) =>
      (await (await service.send('POST', '/v1/reports', { url, reason: 'fraud', idempotencyKey: randomUUID() })).json())
        .receipt as string;
    receipt = await submit('https://hostile-admin.test/');
    const accepted = await service.admin('POST', `/v1/admin/reports/${await submit('https://other.test/')}/accept`, {
      category: 'fraud',
    });
    complaintId = (await accepted.json()).complaintId;
  });
  afterAll(async () => service.close());

  const send = (c: Case) =>
    service.send(c.method, c.path, c.body, { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...c.headers });

  const expectProblem = async (c: Case, response: Response) => {
    const text = await response.text();
    const context = `${c.method} ${c.path.slice(0, 120)} ${JSON.stringify(c.body)?.slice(0, 120)} → ${response.status} ${text.slice(0, 300)}`;
    if (c.status !== undefined) expect(response.status, context).toBe(c.status);
    expect(response.status, context).toBeGreaterThanOrEqual(400);
    expect(response.status, context).toBeLessThan(500);
    expect(response.headers.get('Content-Type'), context).toBe('application/problem+json');
    const problem = JSON.parse(text);
    expect(problem.status, context).toBe(response.status);
    return problem;
  };

  describe.each(HOSTILE_IDS)('complaint id %j', (id) => {
    it('POST /v1/admin/complaints/{id}/resolve answers 400 problem+json, not 500', async () => {
      const c = { name: id, method: 'POST', path: `/v1/admin/complaints/${id}/resolve`, body: {} };
      const problem = await expectProblem({ ...c, status: 400 }, await send(c));
      expect(problem.errors).toEqual([{ field: 'id', message: expect.stringContaining('1 to 2147483647') }]);
    });
  });

  it('resolves the largest id PostgreSQL holds as an unknown complaint (404), and a real one', async () => {
    const missing = await send({ name: '', method: 'POST', path: '/v1/admin/complaints/2147483647/resolve', body: {} });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: 'no complaint 2147483647' });
    const resolved = await send({
      name: '',
      method: 'POST',
      path: `/v1/admin/complaints/${complaintId}/resolve`,
      body: {},
    });
    expect(resolved.status).toBe(200);
  });

  describe.each(HOSTILE_RECEIPTS.map((bad) => [bad.length > 40 ? `${bad.length} characters` : bad, bad]))(
    'receipt %s',
    (_label, bad) => {
      it.each([
        ['POST', '/v1/admin/reports/{receipt}/review', undefined],
        ['POST', '/v1/admin/reports/{receipt}/accept', { category: 'fraud' }],
        ['POST', '/v1/admin/reports/{receipt}/reject', { why: 'Aucun élément.' }],
        ['GET', '/v1/reports/{receipt}', undefined],
        ['PATCH', '/v1/reports/{receipt}', { details: 'x' }],
      ])('%s %s answers a 4xx problem', async (method, route, body) => {
        const c: Case = {
          name: bad,
          method,
          path: route.replace('{receipt}', bad),
          body,
          headers: method === 'PATCH' ? { Authorization: 'Bearer x' } : {},
        };
        await expectProblem(c, await send(c));
      });
    },
  );

  describe.each(HOSTILE_DOMAINS)('domain %j', (domain) => {
    it.each([
      ['PUT', `/v1/admin/flags/${domain}`, { reason: 'fraud', summary: 'Encaisse et ne livre jamais' }],
      ['DELETE', `/v1/admin/flags/${domain}`, undefined],
      ['GET', `/v1/admin/reports?domain=${domain}`, undefined],
      ['GET', `/v1/admin/complaints?domain=${domain}`, undefined],
    ])('%s %s answers a 4xx problem', async (method, path, body) => {
      const c: Case = { name: domain, method, path, body };
      await expectProblem(c, await send(c));
    });
  });

  describe.each(HOSTILE_TEXTS)('text with %s', (_what, text) => {
    it.each([
      [
        'accept note',
        () => `/v1/admin/reports/${receipt}/accept`,
        (value: unknown) => ({ category: 'fraud', note: value }),
        'note',
      ],
      ['reject why', () => `/v1/admin/reports/${receipt}/reject`, (value: unknown) => ({ why: value }), 'why'],
      [
        'resolve note',
        () => `/v1/admin/complaints/${complaintId}/resolve`,
        (value: unknown) => ({ note: value }),
        'note',
      ],
      [
        'flag summary',
        () => '/v1/admin/flags/hostile-flag.test',
        (value: unknown) => ({ reason: 'fraud', summary: value }),
        'summary',
      ],
    ])('in the %s answers 400 naming the field', async (_field, path, body, field) => {
      const method = path().startsWith('/v1/admin/flags') ? 'PUT' : 'POST';
      const c: Case = { name: field, method, path: path(), body: body(text), status: 400 };
      const problem = await expectProblem(c, await send(c));
      expect(problem.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });

  it('still decides the report and the complaint after all that', async () => {
    expect(
      (await service.admin('POST', `/v1/admin/reports/${receipt}/reject`, { why: 'Aucun élément trouvé.' })).status,
    ).toBe(200);
    const flags = await (await service.admin('GET', '/v1/admin/flags')).json();
    expect(flags).toEqual([]);
  });

  it.each([
    ['GET', '/v1/admin/reports?limit=1e309'],
    ['GET', '/v1/admin/reports?limit=-1'],
    ['GET', '/v1/admin/reports?status=__proto__'],
    ['GET', '/v1/admin/reports?unknown=1'],
    ['GET', '/v1/admin/complaints?limit=99999999999999999999'],
    ['GET', '/v1/admin/complaints?status=%00'],
    ['GET', '/v1/admin/audit?limit=abc'],
    ['POST', '/v1/admin/publish?onlyIfChanged=%00'],
    ['POST', '/v1/admin/merchants/import?dryRun=maybe'],
    ['GET', '/v1/admin/%00'],
  ])('%s %s answers a 4xx problem', async (method, path) => {
    const c: Case = { name: path, method, path };
    await expectProblem(c, await send(c));
  });

  it.each([
    ['not JSON', '{"why":', 'application/json'],
    ['JSON of the wrong shape', '["why"]', 'application/json'],
    ['declared as text', '{"why":"Aucun élément."}', 'text/plain'],
  ])('answers a reject body that is %s with a 4xx problem', async (_what, body, contentType) => {
    const c: Case = {
      name: body,
      method: 'POST',
      path: `/v1/admin/reports/${receipt}/reject`,
      body,
      headers: { 'Content-Type': contentType },
    };
    await expectProblem(c, await send(c));
  });

  it('answers an import holding U+0000 and bidi overrides with 422 naming each row, and writes nothing', async () => {
    const csv = [
      'domains,legal_name,trade_name,ice,city,phone,status,verified_at,verified_by',
      'nul-shop.test,Nul\u0000 SARL,Nul,001520003000037,Rabat,0537112233,verified,2026-05-02,FDEC',
      'rlo-shop.test,Shop \u202egnp.exe,Rlo,002345678000031,Rabat,0537112233,verified,2026-05-02,FDEC',
      'nul\u0000.test,Nul Domain SARL,Nul,003000000000044,Rabat,0537112233,verified,2026-05-02,FDEC',
    ].join('\n');
    const c: Case = {
      name: 'import',
      method: 'POST',
      path: '/v1/admin/merchants/import',
      body: csv,
      headers: { 'Content-Type': 'text/csv' },
      status: 422,
    };
    const problem = await expectProblem(c, await send(c));
    expect(problem.errors).toEqual([
      { field: 'line 2.legal_name', message: 'contains U+0000 NULL at character 4' },
      { field: 'line 3.legal_name', message: 'contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6' },
      { field: 'line 4.domains', message: expect.stringContaining('is not a shop domain') },
    ]);
  });
});
