import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import {
  errorSummaryLinks,
  type Fields,
  fieldValue,
  type OpenForm,
  openForm as openFormAt,
  type PostOptions,
  postForm,
  visibleText,
} from '../../test/support/portal-form-client.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { type PortalLanguage, portalWords } from './portal-words.ts';

// A shopper reports a shop from the portal, with JavaScript off: the form, its errors, the
// receipt, and every way another site or a hostile sender might try to abuse it.

const openForm = (service: DemoService, path = '/report?lang=en') => openFormAt(service, path);
const post = (service: DemoService, form: OpenForm, fields: Fields, options: PostOptions & { path?: string } = {}) =>
  postForm(service, options.path ?? '/report?lang=en', form, fields, options);

async function storedReports(service: DemoService) {
  return service.registry.db.selectFrom('reports').selectAll().orderBy('created_at').execute();
}

const words = (lang: PortalLanguage) => portalWords(lang);

describe('the report pages', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
  });
  afterAll(async () => service.close());

  it('take a report from the form to a receipt the shopper can follow', async () => {
    const form = await openForm(service);
    expect(form.status).toBe(200);
    expect(form.html).toContain('<html lang="en" dir="ltr">');
    expect(form.html).toMatch(/<form method="post" action="\/report\?lang=en"/);
    expect(form.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(form.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    // The page holds this browser's token: no cache may keep it.
    expect(form.headers.get('Cache-Control')).toBe('no-store');
    // Under `no-referrer` the browser would post this form with `Origin: null`, which is refused.
    expect(form.headers.get('Referrer-Policy')).toBe('same-origin');
    const formCookie = form.headers.getSetCookie().find((line) => line.startsWith('thiqa_form='));
    expect(formCookie).toMatch(/HttpOnly/);
    expect(formCookie).toMatch(/SameSite=Strict/);
    const text = visibleText(form.html);
    expect(text).toContain(words('en').p('report_privacyUrl'));
    for (const reason of ['Fraud', 'Order not delivered', 'Looks suspicious']) expect(text).toContain(reason);

    const sent = await post(service, form, {
      url: '  https://souk-mirage.ma/checkout/pay?order=88412&email=salma%40example.ma#card  ',
      reason: 'non-delivery',
      details: 'Paid 450 MAD on 2 November.\r\nNo parcel, no answer on WhatsApp.',
    });
    expect(sent.status).toBe(303);
    const location = sent.headers.get('Location') ?? '';
    // The page the shopper lands on holds the report's key (its edit token), for later.
    expect(location).toMatch(/^\/report\/[A-Za-z0-9_-]{22}\?key=[A-Za-z0-9_-]{43}&lang=en$/);
    const receipt = location.slice('/report/'.length, location.indexOf('?'));

    const stored = (await storedReports(service)).find((row) => row.receipt === receipt);
    // The query and the fragment (an order number, an e-mail address) are never stored.
    expect(stored).toMatchObject({
      url: 'https://souk-mirage.ma/checkout/pay',
      domain: 'souk-mirage.ma',
      reason: 'non-delivery',
      details: 'Paid 450 MAD on 2 November.\nNo parcel, no answer on WhatsApp.',
      contact: null,
      lang: 'en',
    });

    const statusPage = await readPortalPage(await service.send('GET', location));
    expect(statusPage.status).toBe(200);
    expect(statusPage.headers.get('Cache-Control')).toBe('no-store');
    expect(statusPage.text('h1')).toBe('Your report');
    expect(statusPage.text('.receipt')).toBe(receipt);
    expect(statusPage.text('.report-receipt')).toContain(words('en').p('report_receiptAdvice'));
    expect(statusPage.texts('.facts dt')).toEqual(['Status', 'Shop', 'Reason', 'Sent']);
    expect(statusPage.texts('.facts dd')).toEqual([
      'received',
      'souk-mirage.ma',
      'Order not delivered',
      'November 27, 2026 at 11:00 AM',
    ]);
  });

  it('give the same receipt when the shopper sends the form twice', async () => {
    const form = await openForm(service);
    const fields = { url: 'atlas-bargains.ma/promo', reason: 'fraud', details: 'Asked for a bank transfer.' };
    const first = await post(service, form, fields);
    const second = await post(service, form, fields);
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.get('Location')).toBe(first.headers.get('Location'));
    const rows = (await storedReports(service)).filter((row) => row.domain === 'atlas-bargains.ma');
    expect(rows).toHaveLength(1);
  });

  it('say so when the same form comes back with other answers, and offer a fresh one', async () => {
    const form = await openForm(service);
    await post(service, form, { url: 'resend-shop.ma', reason: 'fraud' });
    const changed = await post(service, form, { url: 'resend-shop.ma', reason: 'counterfeit' });
    expect(changed.status).toBe(409);
    const html = await changed.text();
    expect(visibleText(html)).toContain(words('en').p('report_alreadySent'));
    expect(fieldValue(html, 'idempotencyKey')).not.toBe(form.idempotencyKey);
    expect(html).toMatch(/value="counterfeit" checked=""/);
  });

  it('keep contact details only with consent, and refuse a contact typed without it', async () => {
    const form = await openForm(service, '/report?lang=fr');
    const withoutConsent = await post(
      service,
      form,
      { url: 'contact-shop.ma', reason: 'overcharge', contact: '0612345678' },
      { path: '/report?lang=fr' },
    );
    expect(withoutConsent.status).toBe(400);
    const html = await withoutConsent.text();
    expect(errorSummaryLinks(html)).toEqual(['report-consent']);
    expect(visibleText(html)).toContain(words('fr').p('report_consentMissing'));
    expect(html).toContain('value="0612345678"');
    expect((await storedReports(service)).filter((row) => row.domain === 'contact-shop.ma')).toHaveLength(0);

    const withConsent = await post(
      service,
      form,
      { url: 'contact-shop.ma', reason: 'overcharge', contact: '0612345678', consent: 'yes' },
      { path: '/report?lang=fr' },
    );
    expect(withConsent.status).toBe(303);
    const [row] = (await storedReports(service)).filter((report) => report.domain === 'contact-shop.ma');
    expect(row).toMatchObject({ contact: '0612345678', lang: 'fr' });
  });

  it('prefill the address from the check page without its query or fragment', async () => {
    const link = `/report?lang=en&url=${encodeURIComponent('https://souk-mirage.ma/p/12?session=abc#top')}`;
    const form = await openForm(service, link);
    expect(form.html).toContain('value="https://souk-mirage.ma/p/12"');
    expect(form.html).not.toContain('session=abc');
  });

  it.each([
    ['another site’s Origin', { Origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site', Origin: 'http://shop.localhost' }],
    ['Origin: null', { Origin: 'null' }],
  ])('refuse a post sent from another site (%s) and store nothing', async (_, headers) => {
    const form = await openForm(service, '/report?lang=ar');
    const before = (await storedReports(service)).length;
    const response = await post(
      service,
      form,
      { url: 'cross-site-victim.ma', reason: 'fraud' },
      { path: '/report?lang=ar', headers },
    );
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(visibleText(html)).toContain(words('ar').p('form_refusedTitle'));
    expect(html).toContain('href="/report?lang=ar"');
    expect(await storedReports(service)).toHaveLength(before);
  });

  it('refuse a post without the form’s cookie or token, or with a token of another browser', async () => {
    const form = await openForm(service);
    const other = await openForm(service);
    const fields = { url: 'token-less.ma', reason: 'fraud' };
    const attempts = [
      post(service, { ...form, cookie: '' }, fields),
      post(service, { ...form, token: '' }, fields),
      post(service, { ...form, token: other.token }, fields),
      post(service, { ...form, token: form.token.replace(/^./, (first) => (first === 'A' ? 'B' : 'A')) }, fields),
      post(
        service,
        form,
        {},
        {
          body: JSON.stringify({ ...fields, form_token: form.token }),
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(visibleText(await response.text())).toContain(words('en').p('form_refusedBody'));
    }
    expect((await storedReports(service)).filter((row) => row.domain === 'token-less.ma')).toHaveLength(0);
  });

  it('guard every POST the portal answers', async () => {
    const posts = service.app.routes.filter((route) => route.method === 'POST' && !route.path.startsWith('/v1/'));
    expect(posts.map((route) => route.path)).toContain('/report');
    for (const route of posts) {
      const response = await service.send('POST', route.path, 'url=x.ma', {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://evil.example',
      });
      expect(response.status, route.path).toBe(403);
    }
  });

  it.each([
    ['ar', 'rtl'],
    ['fr', 'ltr'],
    ['en', 'ltr'],
  ] as const)('answer an empty form in %s with a summary and a message at each field', async (lang, dir) => {
    const form = await openForm(service, `/report?lang=${lang}`);
    const response = await post(service, form, { details: 'Typed before the rest' }, { path: `/report?lang=${lang}` });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain(`<html lang="${lang}" dir="${dir}">`);
    expect(errorSummaryLinks(html)).toEqual(['report-url', 'report-reason-fraud']);
    const w = words(lang);
    expect(html).toMatch(new RegExp(`<title>${w.p('form_errorPrefix')} `));
    const text = visibleText(html);
    expect(text).toContain(w.p('form_errorSummary'));
    // Each message twice: in the summary, and at its field after the hidden "Error:".
    for (const key of ['report_urlEmpty', 'report_reasonMissing'] as const) {
      expect(text.split(w.p(key)).length - 1).toBe(2);
      expect(text).toContain(`${w.p('form_errorPrefix')} ${w.p(key)}`);
    }
    expect(html).toMatch(/id="report-url"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/aria-describedby="report-url-hint report-url-error"/);
    // What was typed stays, under the same key, so that the corrected form is still one report.
    expect(html).toContain('Typed before the rest</textarea>');
    expect(fieldValue(html, 'idempotencyKey')).toBe(form.idempotencyKey);
  });

  it('show the moderator’s decision on the status page', async () => {
    const form = await openForm(service, '/report?lang=fr');
    const accepted = await post(service, form, { url: 'decided-one.ma', reason: 'fraud' }, { path: '/report?lang=fr' });
    const acceptedReceipt = /\/report\/([^?]+)/.exec(accepted.headers.get('Location') ?? '')?.[1] ?? '';
    const second = await openForm(service, '/report?lang=fr');
    const rejected = await post(
      service,
      second,
      { url: 'decided-two.ma', reason: 'other' },
      { path: '/report?lang=fr' },
    );
    const rejectedReceipt = /\/report\/([^?]+)/.exec(rejected.headers.get('Location') ?? '')?.[1] ?? '';

    expect((await service.admin('POST', `/v1/admin/reports/${acceptedReceipt}/review`)).status).toBe(200);
    const underReview = visibleText(await (await service.send('GET', `/report/${acceptedReceipt}?lang=fr`)).text());
    expect(underReview).toContain("Statut en cours d'examen");
    // The decisions come a day later, at 9:30 in Casablanca.
    service.setNow('2026-11-28T08:30:00Z');
    expect(
      (await service.admin('POST', `/v1/admin/reports/${acceptedReceipt}/accept`, { category: 'fraud' })).status,
    ).toBe(200);
    const why = 'Ce site a fermé <b>avant</b> toute commande — pas de preuve.';
    expect((await service.admin('POST', `/v1/admin/reports/${rejectedReceipt}/reject`, { why })).status).toBe(200);

    const acceptedText = visibleText(await (await service.send('GET', `/report/${acceptedReceipt}?lang=fr`)).text());
    expect(acceptedText).toContain('Statut accepté');
    expect(acceptedText).toContain(words('fr').p('report_explainAccepted'));
    expect(acceptedText).toContain('Envoyé le 27 novembre 2026 à 11:00');
    expect(acceptedText).toContain('Dernier changement 28 novembre 2026 à 09:30');

    const rejectedHtml = await (await service.send('GET', `/report/${rejectedReceipt}?lang=fr`)).text();
    expect(visibleText(rejectedHtml)).toContain('Statut rejeté');
    // The reason is the moderator's text, shown as text: isolated, never markup.
    expect(rejectedHtml).toContain(
      `${words('fr').p('report_publicReasonLabel')} <bdi>Ce site a fermé &lt;b&gt;avant&lt;/b&gt; toute commande — pas de preuve.</bdi>`,
    );
    expect(rejectedHtml).not.toContain('<b>avant');
    service.setNow('2026-11-27T10:00:00Z');
  });

  it('show a reason stored before the text policy with its hidden characters spelled out', async () => {
    const form = await openForm(service);
    const sent = await post(service, form, { url: 'old-row.ma', reason: 'phishing' });
    const location = sent.headers.get('Location') ?? '';
    const receipt = location.slice('/report/'.length, location.indexOf('?'));
    await service.registry.db
      .updateTable('reports')
      .set({ status: 'rejected', public_reason: 'no\u202Eproof' })
      .where('receipt', '=', receipt)
      .execute();
    const html = await (await service.send('GET', location)).text();
    expect(html).toContain('<bdi>no\\u{202E}proof</bdi>');
    expect(html).not.toContain('\u202E');
  });

  it.each([
    ['an unknown receipt', '/report/AAAAAAAAAAAAAAAAAAAAAA?lang=fr'],
    ['a malformed receipt', '/report/not-a-receipt?lang=fr'],
    ['markup for a receipt', `/report/${encodeURIComponent('<script>x</script>')}?lang=fr`],
  ])('answer %s with the portal’s 404 page', async (_, path) => {
    const response = await service.send('GET', path);
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<html lang="fr" dir="ltr">');
    expect(visibleText(html)).toContain(words('fr').p('page_notFoundTitle'));
    expect(html).not.toContain('<script>x');
  });
});

describe('the report form behind a proxy that ends TLS (THIQA_PUBLIC_URL)', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService({ portal: { publicOrigin: 'https://thiqa.example.ma' } });
  });
  afterAll(async () => service.close());

  it('takes a post whose Origin is the public one, and refuses the origin the service sees', async () => {
    const form = await openForm(service);
    // Shoppers' browsers talk HTTPS to the proxy: the form's cookie is a Secure __Host- one.
    expect(form.headers.getSetCookie().join('\n')).toMatch(/^__Host-thiqa_form=.*Secure/m);
    const fields = { url: 'https://souk-mirage.ma/', reason: 'fraud' };
    const fromPublic = await post(service, form, fields, { headers: { Origin: 'https://thiqa.example.ma' } });
    expect(fromPublic.status).toBe(303);
    const fromInside = await post(service, await openForm(service), fields, {
      headers: { Origin: 'http://localhost' },
    });
    expect(fromInside.status).toBe(403);
  });
});
