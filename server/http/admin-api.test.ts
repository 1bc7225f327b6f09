import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestService, TEST_ADMIN_TOKEN, type TestService } from '../../test/support/test-service.ts';
import { generateKeyFile } from '../directory/signing-keys.ts';

describe('/v1/admin', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await openTestService();
  });
  afterAll(async () => service.close());

  const submit = async (url: string, reason = 'fraud') => {
    const response = await service.send('POST', '/v1/reports', { url, reason, idempotencyKey: randomUUID() });
    return (await response.json()).receipt as string;
  };

  it('answers 401 without a bearer token and 403 with a wrong one', async () => {
    const none = await service.send('GET', '/v1/admin/reports');
    expect(none.status).toBe(401);
    expect(none.headers.get('WWW-Authenticate')).toContain('Bearer');
    expect(none.headers.get('Content-Type')).toBe('application/problem+json');
    const wrong = await service.send('GET', '/v1/admin/reports', undefined, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(403);
    const almost = await service.send('GET', '/v1/admin/reports', undefined, {
      Authorization: `Bearer ${TEST_ADMIN_TOKEN}x`,
    });
    expect(almost.status).toBe(403);
  });

  it('lists new reports, rejects one with a reason the shopper sees, and accepts another', async () => {
    const rejected = await submit('https://bazar.youcan.shop/p/1', 'suspicious');
    const accepted = await submit('https://fake-argan.test/', 'counterfeit');
    const list = await (await service.admin('GET', '/v1/admin/reports?status=new')).json();
    expect(list.map((report: { receipt: string }) => report.receipt)).toEqual(
      expect.arrayContaining([rejected, accepted]),
    );
    const reject = await service.admin('POST', `/v1/admin/reports/${rejected}/reject`, {
      why: 'Nous n’avons trouvé aucun élément.',
    });
    expect(reject.status).toBe(200);
    expect(await (await service.send('GET', `/v1/reports/${rejected}`)).json()).toMatchObject({
      status: 'rejected',
      publicReason: 'Nous n’avons trouvé aucun élément.',
    });
    const accept = await service.admin('POST', `/v1/admin/reports/${accepted}/accept`, { category: 'counterfeit' });
    const { complaintId } = await accept.json();
    expect((await service.admin('POST', `/v1/admin/reports/${accepted}/reject`, { why: 'too late' })).status).toBe(409);
    const complaints = await (await service.admin('GET', '/v1/admin/complaints?status=open')).json();
    expect(complaints).toContainEqual(
      expect.objectContaining({ id: complaintId, domain: 'fake-argan.test', category: 'counterfeit' }),
    );
    const resolved = await service.admin('POST', `/v1/admin/complaints/${complaintId}/resolve`, {});
    expect(await resolved.json()).toEqual({ id: complaintId, domain: 'fake-argan.test', status: 'resolved' });
    expect((await service.admin('POST', `/v1/admin/complaints/${complaintId}/resolve`, {})).status).toBe(409);
  });

  it('refuses a category that is not a finding, and an unknown receipt', async () => {
    const receipt = await submit('https://shop-a.test/');
    const suspicious = await service.admin('POST', `/v1/admin/reports/${receipt}/accept`, { category: 'suspicious' });
    expect(suspicious.status).toBe(400);
    expect((await suspicious.json()).errors[0].field).toBe('category');
    const unknown = await service.admin('POST', '/v1/admin/reports/AAAAAAAAAAAAAAAAAAAAAA/accept', {
      category: 'fraud',
    });
    expect(unknown.status).toBe(404);
  });

  it('flags and unflags a domain in its canonical form, refusing a public suffix', async () => {
    const flag = await service.admin('PUT', '/v1/admin/flags/WWW.Promo-Maroc.test', {
      reason: 'phishing',
      summary: 'Copie la page de paiement CMI.',
    });
    expect(await flag.json()).toMatchObject({ domain: 'promo-maroc.test', reason: 'phishing', changed: true });
    expect(
      (await service.admin('PUT', '/v1/admin/flags/youcan.shop', { reason: 'fraud', summary: 'x x x' })).status,
    ).toBe(400);
    expect((await service.admin('DELETE', '/v1/admin/flags/promo-maroc.test')).status).toBe(200);
    expect((await service.admin('DELETE', '/v1/admin/flags/promo-maroc.test')).status).toBe(404);
  });

  it('writes every moderation action to the audit log: who, what, when', async () => {
    const receipt = await submit('https://audited.test/');
    await service.send(
      'POST',
      `/v1/admin/reports/${receipt}/accept`,
      { category: 'fraud' },
      { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'X-Thiqa-Actor': 'Salma' },
    );
    const audit = await (await service.admin('GET', '/v1/admin/audit?limit=5')).json();
    expect(audit[0]).toEqual({
      at: '2026-11-27T10:00:00.000Z',
      actor: 'Salma (admin-api)',
      action: 'report.accept',
      subject: receipt,
      detail: expect.objectContaining({ domain: 'audited.test', category: 'fraud' }),
    });
  });
});

describe('POST /v1/admin/merchants/import', () => {
  it('imports a CSV upload all or nothing, naming each bad row', async () => {
    const service = await openTestService();
    try {
      const csv = [
        'domains;legal_name;ice;city;phone;status;verified_at;verified_by',
        'hanout-bio.test;Hanout Bio SARL;001520003000037;Rabat;0537112233;verified;2026-05-02;FDEC',
        'bad.test;Bad SARL;123;Rabat;0537112233;verified;2026-05-02;FDEC',
      ].join('\r\n');
      const upload = (query: string) =>
        service.send('POST', `/v1/admin/merchants/import${query}`, csv, {
          Authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          'Content-Type': 'text/csv; charset=utf-8',
        });
      const refused = await upload('');
      expect(refused.status).toBe(422);
      expect((await refused.json()).errors).toEqual([
        { field: 'line 3.ice', message: '123 is not a valid ICE (15 digits, divisible by 97)' },
      ]);
      const partial = await upload('?partial=true');
      expect(await partial.json()).toMatchObject({ created: 1, skipped: 1, written: true });
      const flags = await (await service.admin('GET', '/v1/admin/audit?limit=1')).json();
      expect(flags[0]).toMatchObject({ action: 'merchants.import', actor: 'admin-api' });
    } finally {
      await service.close();
    }
  });
});

describe('POST /v1/admin/merchants/import: conflicts', () => {
  it('refuses a domain moving to another legal entity with 422 naming it, and never accepts it over HTTP', async () => {
    const service = await openTestService();
    try {
      const upload = (rows: string[]) =>
        service.send(
          'POST',
          '/v1/admin/merchants/import',
          ['domains;legal_name;ice;city;phone;status;verified_at;verified_by', ...rows].join('\n'),
          { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'Content-Type': 'text/csv' },
        );
      const first = await upload([
        'hanout-bio.test;Hanout Bio SARL;001520003000037;Rabat;0537112233;verified;2026-05-02;FDEC',
      ]);
      expect(first.status).toBe(200);
      const takeover = await upload([
        'hanout-bio.test;Autre Société SARL;002345678000031;Rabat;0537112233;verified;2026-05-02;FDEC',
      ]);
      expect(takeover.status).toBe(422);
      const problem = await takeover.json();
      expect(problem.errors).toHaveLength(1);
      expect(problem.errors[0].field).toBe('line 2');
      expect(problem.errors[0].message).toContain('001520003000037');
      expect(problem.errors[0].message).toContain('002345678000031');
      const dry = await service.send(
        'POST',
        '/v1/admin/merchants/import?dryRun=true',
        'domains;legal_name;ice;city;phone;status;verified_at;verified_by\nhanout-bio.test;Autre Société SARL;002345678000031;Rabat;0537112233;verified;2026-05-02;FDEC',
        { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'Content-Type': 'text/csv' },
      );
      expect(await dry.json()).toMatchObject({
        written: false,
        conflicting: 1,
        conflicts: [
          { kind: 'legal-entity-change', registry: { ice: '001520003000037' }, file: { ice: '002345678000031' } },
        ],
      });
    } finally {
      await service.close();
    }
  });
});

describe('POST /v1/admin/publish', () => {
  it('says when it renewed an unchanged directory’s freshness instead of publishing', async () => {
    const service = await openTestService({ now: '2026-11-01T00:00:00Z' });
    try {
      await generateKeyFile(service.dataDir);
      const first = await (await service.admin('POST', '/v1/admin/publish?onlyIfChanged=true')).json();
      expect(first).toMatchObject({ published: true, version: 1, renewed: false, restored: [] });
      service.setNow('2026-11-01T01:00:00Z');
      const fresh = await (await service.admin('POST', '/v1/admin/publish?onlyIfChanged=true')).json();
      expect(fresh).toMatchObject({ published: false, version: 1, renewed: false, expiresAt: first.expiresAt });
      service.setNow('2026-11-02T00:00:00Z');
      const renewed = await (await service.admin('POST', '/v1/admin/publish?onlyIfChanged=true')).json();
      expect(renewed).toMatchObject({ published: false, version: 1, renewed: true });
      expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    } finally {
      await service.close();
    }
  });
});

describe('service endpoints', () => {
  it('serves an OpenAPI 3.1 document built from the schemas, and a health check', async () => {
    const service = await openTestService();
    try {
      const doc = await (await service.send('GET', '/v1/openapi.json')).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/v1/reports', '/v1/reports/{receipt}', '/v1/admin/reports/{receipt}/accept']),
      );
      const body = doc.paths['/v1/reports'].post.requestBody.content['application/json'].schema;
      expect(body.additionalProperties).toBe(false);
      expect(body.properties.reason.enum).toContain('non-delivery');
      expect(await (await service.send('GET', '/healthz')).json()).toEqual({ ok: true });
    } finally {
      await service.close();
    }
  });
});
