import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import {
  errorSummaryLinks,
  type Fields,
  formBody,
  openForm,
  postForm,
  visibleText,
} from '../../test/support/portal-form-client.ts';
import { portalWords } from './portal-words.ts';

// The report form against what a hostile or broken sender posts, and against floods: a
// clear message at the field, never a 500, nothing stored, nothing rendered active.

// The contract's limits, read once the service's modules are loaded: the contract's schemas
// must be built after @hono/zod-openapi has extended zod, as they are in the service.
const { MAX_CONTACT_LENGTH, MAX_DETAILS_LENGTH, MAX_REPORT_BODY_BYTES, MAX_REPORT_URL_LENGTH } = await import(
  '../../src/directory/report-contract.ts'
);
const en = portalWords('en');

async function storedCount(service: DemoService): Promise<number> {
  const rows = await service.registry.db.selectFrom('reports').select('receipt').execute();
  return rows.length;
}

describe('the report form under hostile input', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
  });
  afterAll(async () => service.close());

  const RLO = '\u202E';
  const cases: Array<[string, Fields, Record<string, string>]> = [
    [
      'markup in every field',
      {
        url: '"><script>alert(1)</script>',
        reason: '<img src=x onerror=alert(1)>',
        details: '<a href="javascript:alert(1)">x</a>',
      },
      { url: en.t('reason_noShopIdentity', [en.t('cause_invalidHost')]), reason: en.p('report_reasonUnknown') },
    ],
    [
      'a bidi override in the address and the details',
      { url: `souk${RLO}am.ma`, reason: 'fraud', details: `paid 300${RLO} MAD` },
      { url: en.p('report_urlHidden', [5]), details: en.p('report_detailsHidden', [9]) },
    ],
    [
      'a 10 KB word',
      { url: 'word-shop.ma', reason: 'fraud', details: 'x'.repeat(10_000) },
      { details: en.p('report_detailsTooLong', [MAX_DETAILS_LENGTH, 10_000]) },
    ],
    [
      'a 10 KB address and contact',
      { url: `https://${'a'.repeat(5000)}.ma/`, reason: 'fraud', contact: 'c'.repeat(5000), consent: 'yes' },
      {
        url: en.p('report_urlTooLong', [MAX_REPORT_URL_LENGTH]),
        contact: en.p('report_contactTooLong', [MAX_CONTACT_LENGTH]),
      },
    ],
    [
      'repeated fields',
      { url: ['first-shop.ma', 'second-shop.ma'], reason: ['fraud', 'phishing'], consent: ['yes', 'yes'] },
      {
        url: en.p('report_fieldRepeated'),
        reason: en.p('report_fieldRepeated'),
        consent: en.p('report_fieldRepeated'),
      },
    ],
    ['an unknown reason', { url: 'reason-shop.ma', reason: 'scam' }, { reason: en.p('report_reasonUnknown') }],
    [
      'an address that names no shop',
      { url: 'javascript:alert(1)', reason: 'fraud' },
      { url: en.t('reason_noShopIdentity', [en.t('cause_scheme')]) },
    ],
    [
      'a contact too short to reach anyone',
      { url: 'short-contact.ma', reason: 'fraud', contact: '06', consent: 'yes' },
      { contact: en.p('report_contactTooShort') },
    ],
  ];

  it.each(cases)('answers %s with a message at each field and stores nothing', async (_, fields, expected) => {
    const form = await openForm(service, '/report?lang=en');
    const before = await storedCount(service);
    const response = await postForm(service, '/report?lang=en', form, fields);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(errorSummaryLinks(html)).toEqual(
      Object.keys(expected).map((field) => (field === 'reason' ? 'report-reason-fraud' : `report-${field}`)),
    );
    const text = visibleText(html);
    for (const message of Object.values(expected)) expect(text).toContain(`${en.p('form_errorPrefix')} ${message}`);
    // Nothing the sender typed becomes markup, and no override reaches the page raw.
    expect(html).not.toMatch(/<script>alert|<img src=x|<a href="javascript/);
    expect(html).not.toContain(RLO);
    expect(await storedCount(service)).toBe(before);
  });

  it('keeps what was typed, escaped, for the shopper to correct', async () => {
    const form = await openForm(service, '/report?lang=en');
    const response = await postForm(service, '/report?lang=en', form, {
      url: '"><script>alert(1)</script>',
      details: '</textarea><script>alert(2)</script>\r\nno\u202Eproof',
      contact: ' \u0007salma@example.ma ',
    });
    const html = await response.text();
    // A refused character shows as U+FFFD where its message says it stands.
    expect(html).toContain('value="\uFFFDsalma@example.ma"');
    expect(visibleText(html)).toContain(en.p('report_contactHidden', [1]));
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;\nno\uFFFDproof</textarea>');
  });

  it.each([
    ['bytes that are not UTF-8', 'url=%FF%FE%C3&reason=%E0%A4&details=%C0%80'],
    ['a body with no fields at all', ''],
    ['fields with empty names and no values', '=&&=x&url&reason'],
  ])('answers %s with field errors, not a failure', async (_, raw) => {
    const form = await openForm(service, '/report?lang=en');
    const body = `form_token=${form.token}&idempotencyKey=${form.idempotencyKey}&${raw}`;
    const response = await postForm(service, '/report?lang=en', form, {}, { body });
    expect(response.status).toBe(400);
    expect(errorSummaryLinks(await response.text())).toContain('report-url');
  });

  it('answers a file sent as a field as a field error', async () => {
    const form = await openForm(service, '/report?lang=en');
    const body = new FormData();
    body.set('form_token', form.token);
    body.set('idempotencyKey', form.idempotencyKey);
    body.set('url', new Blob(['file-shop.ma']), 'url.txt');
    body.set('reason', 'fraud');
    const response = await service.app.request('/report?lang=en', {
      method: 'POST',
      body,
      headers: { Cookie: form.cookie, Origin: 'http://localhost' },
    });
    expect(response.status).toBe(400);
    expect(visibleText(await response.text())).toContain(en.p('report_fieldRepeated'));
  });

  it('gives a fresh key to a form whose key was altered or lost', async () => {
    const form = await openForm(service, '/report?lang=en');
    const response = await postForm(
      service,
      '/report?lang=en',
      { ...form, idempotencyKey: 'not-a-uuid' },
      {
        url: 'key-shop.ma',
        reason: 'fraud',
      },
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(errorSummaryLinks(html)).toEqual(['report-submit']);
    expect(visibleText(html)).toContain(en.p('report_formExpired'));
    expect(html).toMatch(/name="idempotencyKey" value="[0-9a-f-]{36}"/);
  });

  it('refuses a body over the limit with a 413 page, before reading it', async () => {
    const form = await openForm(service, '/report?lang=fr');
    const body = formBody({
      form_token: form.token,
      url: 'big.ma',
      reason: 'fraud',
      details: 'x'.repeat(MAX_REPORT_BODY_BYTES),
    });
    const response = await postForm(service, '/report?lang=fr', form, {}, { body });
    expect(response.status).toBe(413);
    const html = await response.text();
    expect(html).toContain('<html lang="fr" dir="ltr">');
    expect(visibleText(html)).toContain(portalWords('fr').p('form_tooLargeBody', [MAX_REPORT_BODY_BYTES / 1024]));
  });
});

describe('the report form under a flood', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService({ reportRateLimit: { max: 3, windowMs: 60_000 } });
  });
  afterAll(async () => service.close());

  it('shares the API’s allowance and answers 429 with the form kept and the wait in words', async () => {
    const from = '203.0.113.50';
    // Two reports through the API and one through the form spend the allowance of three.
    for (const idempotencyKey of [crypto.randomUUID(), crypto.randomUUID()]) {
      const api = await service.send(
        'POST',
        '/v1/reports',
        { url: 'api.ma', reason: 'fraud', idempotencyKey },
        {},
        from,
      );
      expect(api.status).toBe(201);
    }
    const form = await openForm(service, '/report?lang=ar');
    const fields = { url: 'flood-shop.ma', reason: 'fraud', details: 'تفاصيل الطلب' };
    expect((await postForm(service, '/report?lang=ar', form, fields, { from })).status).toBe(303);

    const second = await openForm(service, '/report?lang=ar');
    const refused = await postForm(service, '/report?lang=ar', second, fields, { from });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('60');
    const html = await refused.text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(visibleText(html)).toContain(portalWords('ar').p('report_tooMany', ['خلال 60 ثانية']));
    expect(html).toContain('تفاصيل الطلب</textarea>');
    // Another client is not held back; a cross-site post spends nothing.
    expect((await postForm(service, '/report?lang=ar', second, fields, { from: '203.0.113.51' })).status).toBe(303);
    const other = await openForm(service, '/report?lang=ar');
    const crossSite = await postForm(service, '/report?lang=ar', other, fields, {
      from: '203.0.113.52',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    for (let attempt = 0; attempt < 3; attempt++) {
      const fresh = await openForm(service, '/report?lang=ar');
      const sent = await postForm(service, '/report?lang=ar', fresh, fields, { from: '203.0.113.52' });
      expect(sent.status).toBe(303);
    }
  });

  // The outcome and withdraw forms write rows and audit lines as the API's outcome and
  // withdrawal do: they spend the same allowance, or one client writes as much as it likes.
  it('holds the outcome and withdraw forms to the same allowance, changing nothing once spent', async () => {
    const from = '203.0.113.60';
    const created = await service.send(
      'POST',
      '/v1/reports',
      { url: 'https://atlas-electro.test/', reason: 'non-delivery', idempotencyKey: crypto.randomUUID() },
      {},
      from,
    );
    expect(created.status).toBe(201);
    const { receipt, editToken } = (await created.json()) as { receipt: string; editToken: string };
    const { complaintId } = await service.app.context.reportQueue.accept(
      receipt,
      { category: 'non-delivery' },
      'moderator@thiqa.test',
    );
    await service.registry.db
      .updateTable('complaints')
      .set({ stage: 'answered', answered_at: service.now(), answer_kind: 'will-act', answer_text: 'Remboursé.' })
      .where('id', '=', complaintId)
      .execute();
    const stored = () =>
      service.registry.db
        .selectFrom('reports')
        .select(['status', 'rating'])
        .where('receipt', '=', receipt)
        .executeTakeFirstOrThrow();

    const page = await openForm(service, `/report/${receipt}?key=${editToken}&lang=fr`);
    const outcome = (rating: string) =>
      postForm(service, `/report/${receipt}/outcome?lang=fr`, page, { key: editToken, rating }, { from });
    // The report spent one of three; two ratings spend the rest.
    expect((await outcome('satisfied')).status).toBe(303);
    expect((await outcome('neutral')).status).toBe(303);
    const refused = await outcome('not-satisfied');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('60');
    const wait = portalWords('fr').p('report_tooManyRequests', ['dans 60 secondes']);
    const refusedPage = await refused.text();
    expect(errorSummaryLinks(refusedPage)).toEqual(['outcome-submit']);
    expect(visibleText(refusedPage)).toContain(wait);
    expect(await stored()).toEqual({ status: 'accepted', rating: 'neutral' });

    const withdrawal = await openForm(service, `/report/${receipt}/withdraw?key=${editToken}&lang=fr`);
    const withdraw = (client: string) =>
      postForm(service, `/report/${receipt}/withdraw?lang=fr`, withdrawal, { key: editToken }, { from: client });
    const held = await withdraw(from);
    expect(held.status).toBe(429);
    expect(held.headers.get('Retry-After')).toBe('60');
    expect(visibleText(await held.text())).toContain(wait);
    expect(await stored()).toEqual({ status: 'accepted', rating: 'neutral' });
    // Another client is not held back.
    expect((await withdraw('203.0.113.61')).status).toBe(303);
    expect((await stored()).status).toBe('withdrawn');
  });
});
