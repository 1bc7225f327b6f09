import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { visibleText } from '../../test/support/portal-form-client.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';

// The report queue in the console, as a moderator with JavaScript off uses it: reports
// sent through the public API, grouped by shop, decided one by one or several at once,
// and what shoppers then read on the portal after the next publication.

// One demo service for the file (it takes seconds to open): each test reads counts
// relative to what it found, and the grouping test, which needs an empty queue, runs first.
let service: DemoService;
let moderator: Awaited<ReturnType<typeof signedInStaff>>;
beforeAll(async () => {
  service = await openDemoService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
  moderator = await signedInStaff(service, 'moderator');
});
afterAll(async () => service.close());

/** Sends a report as a shopper's extension does, one minute after the previous one. */
async function submit(domain: string, reason: string, extra: Record<string, unknown> = {}): Promise<string> {
  service.setNow(new Date(service.now().getTime() + 60_000));
  const response = await service.send('POST', '/v1/reports', {
    url: `https://www.${domain}/produit?ref=fb`,
    reason,
    idempotencyKey: randomUUID(),
    lang: 'fr',
    clientVersion: '0.1.0',
    ...extra,
  });
  expect(response.status).toBe(201);
  return (await response.json()).receipt;
}

const reportRow = (receipt: string) =>
  service.registry.db.selectFrom('reports').selectAll().where('receipt', '=', receipt).executeTakeFirstOrThrow();

const page = (html: string) => readPortalPage(new Response(html));

/** Publishes, then reads how many open non-delivery complaints the portal's certificate shows for Atlas Électro. */
async function atlasOpenNonDelivery(): Promise<number> {
  await service.publish();
  const certificate = await readPortalPage(await service.send('GET', '/merchants/atlas-electro?lang=en'));
  const shown = certificate.text('[data-complaints="open"] [data-category="non-delivery"]') ?? '';
  expect(shown).toMatch(/^Order not delivered: \d+$/);
  return Number(shown.replace(/\D/g, ''));
}

const auditOf = (receipt: string) =>
  service.registry.db
    .selectFrom('audit_log')
    .select(['actor', 'action'])
    .where('subject', '=', receipt)
    .orderBy('id')
    .execute();

describe('the report queue', () => {
  it('groups new reports by shop, oldest first, with counts, reasons and standing', async () => {
    await submit('promo-iphone-maroc.test', 'fraud');
    await submit('atlas-electro.test', 'non-delivery');
    await submit('atlas-electro.test', 'fraud');
    await submit('atlas-electro.test', 'non-delivery');
    await submit('xn----rmckc0bnc8l2a.test', 'counterfeit');
    const queue = await page((await moderator.open('/admin/queue?lang=en')).html);
    const rows = [...queue.document.querySelectorAll('tr[data-group]')].map((row) => row.getAttribute('data-group'));
    expect(rows).toEqual(['promo-iphone-maroc.test', 'atlas-electro.test', 'xn----rmckc0bnc8l2a.test']);
    expect(queue.text('tr[data-group="atlas-electro.test"] [data-count="reports"]')).toBe('3');
    expect(queue.texts('tr[data-group="atlas-electro.test"] .reason-counts li')).toEqual([
      'Order not delivered: 2',
      'Fraud: 1',
    ]);
    expect(queue.text('tr[data-group="atlas-electro.test"] [data-standing="merchant"]')).toContain(
      'Listed merchant atlas-electro',
    );
    expect(queue.text('tr[data-group="promo-iphone-maroc.test"] [data-standing="flagged"]')).toBe('Flagged: Fraud');
    // The Arabic shop is shown in Unicode, as the portal shows it, with its ASCII form.
    expect(queue.text('tr[data-group="xn----rmckc0bnc8l2a.test"] th a')).toBe(
      'دار-أركان.test (Address in ASCII: xn----rmckc0bnc8l2a.test)',
    );
    const arabic = await page((await moderator.open('/admin/queue?lang=ar')).html);
    expect([arabic.lang, arabic.dir, arabic.text('h1')]).toEqual(['ar', 'rtl', 'البلاغات الجديدة']);
    expect(arabic.texts('tr[data-group="atlas-electro.test"] .reason-counts li')).toEqual([
      'طلب لم يُسلَّم: 2',
      'احتيال: 1',
    ]);
    const french = await page((await moderator.open('/admin/queue/atlas-electro.test?lang=fr')).html);
    expect(french.text('h1')).toBe('Nouveaux signalements sur atlas-electro.test');
  });

  it("lists a shop's reports with the shopper's text inert and the contact only when given with consent", async () => {
    const hostile = await submit('atlas-electro.test', 'other', {
      details: 'Ligne un\n<script>alert(1)</script>\nسطر ثالث',
      contact: '+212600000000',
      consent: true,
    });
    const plain = await submit('atlas-electro.test', 'non-delivery');
    const response = await moderator.open('/admin/queue/atlas-electro.test?lang=en');
    expect(response.status).toBe(200);
    expect(response.html).not.toContain('<script>alert');
    const group = await page(response.html);
    const card = (receipt: string) => `[data-receipt="${receipt}"]`;
    expect(group.document.querySelector(`${card(hostile)} .report-details`)?.textContent).toBe(
      'Ligne un\n<script>alert(1)</script>\nسطر ثالث',
    );
    expect(group.text(`${card(hostile)} [data-fact="contact"] dd`)).toBe('+212600000000');
    expect(group.text(`${card(plain)} [data-fact="contact"]`)).toBeNull();
    expect(group.text(`${card(plain)} [data-fact="url"] dd`)).toBe('https://www.atlas-electro.test/produit');
    expect(group.text(`${card(plain)} [data-fact="language"] dd`)).toBe('fr');
    // The category is chosen from the reason when it is one.
    expect(group.text(`${card(plain)} #category-${plain} option[selected]`)).toBe('Order not delivered');
    expect(group.text(`${card(hostile)} #category-${hostile} option[selected]`)).toBe('Other');
  });

  it('accepts a report into a complaint that the portal counts after the next publication', async () => {
    const receipt = await submit('atlas-electro.test', 'non-delivery');
    const before = await atlasOpenNonDelivery();
    await moderator.open('/admin/queue/atlas-electro.test?lang=en');
    const refused = await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/accept?lang=en`, {
      category: 'non-delivery',
      merchantSummary: 'Jamais \u202Elivré',
    });
    expect(refused.status).toBe(400);
    expect((await page(refused.html)).text(`#summary-${receipt}-error`)).toContain(
      'The text for the merchant contains a hidden or direction-changing character (character 8',
    );
    expect((await reportRow(receipt)).status).toBe('received');
    const accepted = await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/accept?lang=en`, {
      category: 'non-delivery',
      merchantSummary: 'Commande payée le 2 novembre,\njamais livrée.',
    });
    expect(accepted.status).toBe(303);
    // Sent to Atlas Électro, the listed merchant of the shop, with what the moderator wrote for it.
    const complaint = await service.registry.db
      .selectFrom('complaints')
      .select(['merchant_id', 'stage', 'merchant_summary'])
      .where('id', '=', (await reportRow(receipt)).complaint_id ?? 0)
      .executeTakeFirstOrThrow();
    expect(complaint).toEqual({
      merchant_id: 'atlas-electro',
      stage: 'sent',
      merchant_summary: 'Commande payée le 2 novembre,\njamais livrée.',
    });
    expect(accepted.location).toBe('/admin/queue/atlas-electro.test?done=accepted&lang=en');
    const after = await moderator.open(accepted.location as string);
    expect(visibleText(after.html)).toContain('Report accepted: a complaint is open on this shop.');
    expect((await reportRow(receipt)).status).toBe('accepted');
    expect(await auditOf(receipt)).toEqual([{ actor: 'moderator@thiqa.test', action: 'report.accept' }]);
    expect(await atlasOpenNonDelivery()).toBe(before + 1);
  });

  it('rejects a report with a public reason the shopper reads on the report page', async () => {
    const receipt = await submit('atlas-electro.test', 'fraud');
    await moderator.open('/admin/queue/atlas-electro.test');
    const rejected = await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/reject`, {
      why: 'Commande livrée selon le transporteur.',
    });
    expect(rejected.status).toBe(303);
    const status = await readPortalPage(await service.send('GET', `/report/${receipt}?lang=fr`));
    expect(status.text('.report-public-reason bdi')).toBe('Commande livrée selon le transporteur.');
    expect(await auditOf(receipt)).toEqual([{ actor: 'moderator@thiqa.test', action: 'report.reject' }]);
  });

  it('links a duplicate to the open complaint, leaving the count unchanged', async () => {
    const receipt = await submit('atlas-electro.test', 'non-delivery');
    const open = await service.registry.db
      .selectFrom('complaints')
      .select('id')
      .where('domain', '=', 'atlas-electro.test')
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    const before = await atlasOpenNonDelivery();
    const group = await page((await moderator.open('/admin/queue/atlas-electro.test?lang=en')).html);
    expect(group.texts(`#complaint-${receipt} option`)).toEqual(
      expect.arrayContaining([expect.stringContaining(`Complaint ${open.id}: Order not delivered, opened`)]),
    );
    const linked = await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/duplicate`, {
      complaintId: String(open.id),
    });
    expect(linked.status).toBe(303);
    expect(await reportRow(receipt)).toMatchObject({ status: 'accepted', complaint_id: open.id });
    expect(await auditOf(receipt)).toEqual([{ actor: 'moderator@thiqa.test', action: 'report.duplicate' }]);
    expect(await atlasOpenNonDelivery()).toBe(before);
  });

  it('refuses a duplicate of a complaint of another shop, with a message at the field', async () => {
    const receipt = await submit('atlas-electro.test', 'non-delivery');
    const other = await service.registry.db
      .selectFrom('complaints')
      .select('id')
      .where('domain', '=', 'casa-deals.test')
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    await moderator.open('/admin/queue/atlas-electro.test?lang=en');
    const refused = await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/duplicate?lang=en`, {
      complaintId: String(other.id),
    });
    expect(refused.status).toBe(400);
    const shown = await page(refused.html);
    expect(shown.text('.error-summary')).toContain('This complaint is no longer open on this shop');
    expect(shown.text(`#complaint-${receipt}-error`)).toContain('This complaint is no longer open on this shop');
    expect((await reportRow(receipt)).status).toBe('received');
  });

  it('answers a decision on a report already decided with a 409 page', async () => {
    const receipt = await submit('atlas-electro.test', 'non-delivery');
    await moderator.open('/admin/queue/atlas-electro.test?lang=en');
    await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/accept`, { category: 'non-delivery' });
    const again = await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/reject?lang=en`, {
      why: 'Pas de preuve.',
    });
    expect(again.status).toBe(409);
    expect((await page(again.html)).text('h1')).toBe('Already decided');
    expect((await reportRow(receipt)).status).toBe('accepted');
  });

  it('refuses hostile public reasons with a message at the field, changing nothing', async () => {
    const receipt = await submit('atlas-electro.test', 'fraud');
    await moderator.open('/admin/queue/atlas-electro.test?lang=en');
    const override = await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/reject?lang=en`, {
      why: 'Livré \u202Eetanimret\u202C selon le transporteur',
    });
    expect(override.status).toBe(400);
    const shown = await page(override.html);
    expect(shown.text(`#why-${receipt}-error`)).toBe(
      'Error: The public reason contains a hidden or direction-changing character (character 7, shown as �): remove it',
    );
    expect(shown.text('.error-summary')).toContain('hidden or direction-changing character');
    expect(override.html).not.toContain('\u202E');
    expect(shown.document.querySelector(`#why-${receipt}`)?.getAttribute('value')).toContain('\uFFFD');
    const huge = await moderator.post(`/admin/queue/atlas-electro.test/${receipt}/reject?lang=en`, {
      why: 'x'.repeat(10 * 1024),
    });
    expect(huge.status).toBe(400);
    expect((await page(huge.html)).text(`#why-${receipt}-error`)).toContain('too long: at most 500 characters');
    expect((await reportRow(receipt)).status).toBe('received');
  });
});

describe('bulk actions on one shop', () => {
  const complaintsOn = async (domain: string) =>
    (await service.registry.db.selectFrom('complaints').select('id').where('domain', '=', domain).execute()).length;

  it('accepts the selected reports as one complaint: the first opens it, the others are linked', async () => {
    const receipts = [
      await submit('atlas-electro.test', 'non-delivery'),
      await submit('atlas-electro.test', 'non-delivery'),
      await submit('atlas-electro.test', 'fraud'),
    ];
    const before = await atlasOpenNonDelivery();
    await moderator.open('/admin/queue/atlas-electro.test?lang=en');
    const done = await moderator.post('/admin/queue/atlas-electro.test/bulk?lang=en', {
      receipt: receipts,
      bulk: 'accept',
      category: 'non-delivery',
      why: '',
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/admin/queue/atlas-electro.test?done=bulk-accepted&lang=en');
    const rows = await Promise.all(receipts.map(reportRow));
    expect(rows.map((row) => row.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(new Set(rows.map((row) => row.complaint_id)).size).toBe(1);
    expect((await Promise.all(receipts.map(auditOf))).map((lines) => lines.map((line) => line.action))).toEqual([
      ['report.accept'],
      ['report.duplicate'],
      ['report.duplicate'],
    ]);
    expect(await atlasOpenNonDelivery()).toBe(before + 1);
  });

  it('changes nothing when one selected report cannot be decided', async () => {
    const decided = await submit('atlas-electro.test', 'fraud');
    await moderator.open('/admin/queue/atlas-electro.test?lang=en');
    await moderator.post(`/admin/queue/atlas-electro.test/${decided}/reject`, { why: 'Aucun élément vérifiable.' });
    const fresh = [await submit('atlas-electro.test', 'fraud'), await submit('atlas-electro.test', 'fraud')];
    const otherShop = await submit('casa-deals.test', 'fraud');
    const complaints = await complaintsOn('atlas-electro.test');
    await moderator.open('/admin/queue/atlas-electro.test?lang=en');
    const conflict = await moderator.post('/admin/queue/atlas-electro.test/bulk?lang=en', {
      receipt: [...fresh, decided],
      bulk: 'accept',
      category: 'fraud',
    });
    expect(conflict.status).toBe(409);
    expect((await page(conflict.html)).text('h1')).toBe('Already decided');
    const foreign = await moderator.post('/admin/queue/atlas-electro.test/bulk?lang=en', {
      receipt: [...fresh, otherShop],
      bulk: 'reject',
      why: 'Aucun élément vérifiable.',
    });
    expect(foreign.status).toBe(404);
    for (const receipt of [...fresh, otherShop]) {
      expect(await reportRow(receipt)).toMatchObject({ status: 'received', complaint_id: null, public_reason: null });
      expect(await auditOf(receipt)).toEqual([]);
    }
    expect(await complaintsOn('atlas-electro.test')).toBe(complaints);
  });

  it('rejects the selected reports with one public reason, each shopper reading it', async () => {
    const receipts = [await submit('tanger-tech.test', 'overcharge'), await submit('tanger-tech.test', 'other')];
    await moderator.open('/admin/queue/tanger-tech.test?lang=en');
    const done = await moderator.post('/admin/queue/tanger-tech.test/bulk?lang=en', {
      receipt: receipts,
      bulk: 'reject',
      category: '',
      why: 'Prix affiché conforme au prix payé.',
    });
    expect(done.status).toBe(303);
    for (const receipt of receipts) {
      const status = await readPortalPage(await service.send('GET', `/report/${receipt}?lang=fr`));
      expect(status.text('.report-public-reason bdi')).toBe('Prix affiché conforme au prix payé.');
      expect((await auditOf(receipt)).map((line) => line.action)).toEqual(['report.reject']);
    }
  });

  it('asks for a selection and a category, keeping what was chosen', async () => {
    const receipt = await submit('tanger-tech.test', 'fraud');
    await moderator.open('/admin/queue/tanger-tech.test?lang=en');
    const none = await moderator.post('/admin/queue/tanger-tech.test/bulk?lang=en', {
      bulk: 'accept',
      category: 'fraud',
    });
    expect(none.status).toBe(400);
    expect((await page(none.html)).text('#bulk-selection')).toBe('Error: Select at least one report');
    const noCategory = await moderator.post('/admin/queue/tanger-tech.test/bulk?lang=en', {
      receipt,
      bulk: 'accept',
      category: '',
    });
    expect(noCategory.status).toBe(400);
    const shown = await page(noCategory.html);
    expect(shown.text('#bulk-category-error')).toBe("Error: Choose the complaint's category");
    expect(shown.document.querySelector(`#select-${receipt}`)?.hasAttribute('checked')).toBe(true);
    expect((await reportRow(receipt)).status).toBe('received');
  });
});

describe('a verifier in the queue', () => {
  it('gets a 403 page on every page and every action, even posted straight to it', async () => {
    const receipt = await submit('atlas-electro.test', 'fraud');
    const verifier = await signedInStaff(service, 'verifier');
    for (const path of ['/admin/queue?lang=en', '/admin/queue/atlas-electro.test?lang=en']) {
      const refused = await verifier.open(path);
      expect(refused.status).toBe(403);
      expect((await page(refused.html)).text('h1')).toBe('You cannot do this');
    }
    await verifier.open('/admin?lang=en');
    const posts: Array<[string, Record<string, string | string[]>]> = [
      [`${receipt}/accept`, { category: 'fraud' }],
      [`${receipt}/reject`, { why: 'Aucun élément vérifiable.' }],
      [`${receipt}/duplicate`, { complaintId: '1' }],
      ['bulk', { receipt: [receipt], bulk: 'accept', category: 'fraud' }],
    ];
    for (const [action, fields] of posts) {
      const refused = await verifier.post(`/admin/queue/atlas-electro.test/${action}?lang=en`, fields);
      expect(refused.status).toBe(403);
      expect((await page(refused.html)).text('h1')).toBe('You cannot do this');
    }
    expect((await reportRow(receipt)).status).toBe('received');
    expect(await auditOf(receipt)).toEqual([]);
  });
});
