import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { errorSummaryLinks, fieldValue, visibleText } from '../../test/support/portal-form-client.ts';
import type { MerchantRecord } from './import-map.ts';

// The merchants of the console: found, read, edited through the import's own rules, and
// suspended, revoked or reinstated with a reason; what shoppers read after publishing.

let service: DemoService;
beforeAll(async () => {
  service = await openDemoService();
}, 120_000);
afterAll(async () => {
  await service.registry.close();
  await rm(service.dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  service.setNow('2026-11-28T09:00:00Z');
});

async function stored(id: string) {
  const row = await service.registry.db
    .selectFrom('merchants')
    .select(['record', 'status_since'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { record: row.record as MerchantRecord, statusSince: row.status_since };
}

async function auditOf(action: string, subject: string) {
  return service.registry.db
    .selectFrom('audit_log')
    .select(['actor', 'detail'])
    .where('action', '=', action)
    .where('subject', '=', subject)
    .orderBy('id', 'desc')
    .execute();
}

/** The edit form's fields as the page filled them, ready to change one and post. */
async function editForm(browser: Awaited<ReturnType<typeof signedInStaff>>, id: string) {
  const page = await browser.open(`/admin/merchants/${id}/edit?lang=en`);
  expect(page.status).toBe(200);
  const area = (name: string) =>
    (new RegExp(`<textarea[^>]*name="${name}"[^>]*>([^<]*)</textarea>`).exec(page.html)?.[1] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'");
  return {
    stamp: fieldValue(page.html, 'stamp'),
    tradeNames: area('tradeNames'),
    city: /name="city"[^>]*value="([^"]*)"/.exec(page.html)?.[1] ?? '',
    phone: /name="phone"[^>]*value="([^"]*)"/.exec(page.html)?.[1] ?? '',
    email: /name="email"[^>]*value="([^"]*)"/.exec(page.html)?.[1] ?? '',
    domains: area('domains'),
    social: area('social'),
  };
}

describe('the merchants list', () => {
  it('finds merchants by name, domain and ICE, and by status', async () => {
    const verifier = await signedInStaff(service, 'verifier', 'list-verifier@thiqa.test');
    const ids = async (query: string) => {
      const page = await verifier.open(`/admin/merchants?lang=en&${query}`);
      expect(page.status).toBe(200);
      return [...page.html.matchAll(/<tr data-merchant="([^"]+)"/g)].map((match) => match[1]);
    };
    expect(await ids('q=argan')).toEqual(['dar-argan']);
    expect(await ids('q=دار')).toEqual(['dar-argan']);
    expect(await ids(`q=${encodeURIComponent('https://www.tanger-tech.test/cart')}`)).toEqual(['tanger-tech']);
    expect(await ids('q=001520003000037')).toEqual(['atlas-electro']);
    expect(await ids('status=revoked')).toEqual(['casa-deals']);
    expect(await ids('q=100%25')).toEqual([]);
    expect((await ids('')).length).toBe(7);
  });

  it('answers a bad filter with an error summary', async () => {
    const verifier = await signedInStaff(service, 'verifier', 'list-verifier2@thiqa.test');
    const page = await verifier.open('/admin/merchants?lang=en&status=asleep');
    expect(page.status).toBe(400);
    expect(errorSummaryLinks(page.html)).toEqual(['merchants-status']);
    expect(visibleText(page.html)).toContain('Choose a status from the list');
  });
});

describe('a merchant’s page', () => {
  it('shows a verifier the record, domains, status and history, and no forms to change them', async () => {
    const verifier = await signedInStaff(service, 'verifier', 'page-verifier@thiqa.test');
    const page = await verifier.open('/admin/merchants/dar-argan?lang=en');
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Legal name');
    expect(page.html).toContain('<li data-domain="xn----rmckc0bnc8l2a.test">');
    expect(page.html).toContain('data-status="verified"');
    expect(page.html).not.toContain('/admin/merchants/dar-argan/status');
    const refused = await verifier.post('/admin/merchants/dar-argan/edit?lang=en', { city: 'Rabat' });
    expect(refused.status).toBe(403);
    expect((await stored('dar-argan')).record.city).toBe('Agadir');
  });
});

describe('editing a merchant', () => {
  it('saves what the import would take, phone normalised, with an audit line naming the change', async () => {
    const moderator = await signedInStaff(service, 'moderator', 'edit-moderator@thiqa.test');
    const form = await editForm(moderator, 'tanger-tech');
    const saved = await moderator.post('/admin/merchants/tanger-tech/edit?lang=en', {
      ...form,
      phone: '0539-11 22 33',
      tradeNames: 'Tanger Tech\nطنجة تك',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/admin/merchants/tanger-tech?done=edited&lang=en');
    const { record } = await stored('tanger-tech');
    expect(record.phone).toBe('+212539112233');
    expect(record.tradeNames).toEqual(['Tanger Tech', 'طنجة تك']);
    const [line] = await auditOf('merchant.edit', 'tanger-tech');
    expect(line?.actor).toBe('edit-moderator@thiqa.test');
    expect(line?.detail).toEqual({
      changes: {
        phone: { from: '+212539000505', to: '+212539112233' },
        tradeNames: { from: ['Tanger Tech'], to: ['Tanger Tech', 'طنجة تك'] },
      },
    });
    const page = await moderator.open(saved.location ?? '');
    expect(visibleText(page.html)).toContain('Saved. Shoppers see the change from the next publication.');
    expect(page.html).toContain('data-action="merchant.edit"');
  });

  it('refuses hostile text at its field, and a domain another merchant holds', async () => {
    const moderator = await signedInStaff(service, 'moderator', 'hostile-moderator@thiqa.test');
    const form = await editForm(moderator, 'marrakech-mode');
    const hostile = await moderator.post('/admin/merchants/marrakech-mode/edit?lang=en', {
      ...form,
      tradeNames: 'Marrakech \u202Eedom',
      domains: `${form.domains}\ncasa-deals.test`,
      phone: 'call me',
    });
    expect(hostile.status).toBe(400);
    expect(errorSummaryLinks(hostile.html)).toEqual(['merchant-tradeNames', 'merchant-phone']);
    const text = visibleText(hostile.html);
    expect(text).toContain('Remove the invisible or direction-changing character at position 11');
    expect(text).toContain('Enter a phone number like 0522 00 01 01');
    expect(hostile.html).not.toContain('\u202E');
    expect(hostile.html).toContain('aria-invalid="true"');

    const taken = await moderator.post('/admin/merchants/marrakech-mode/edit?lang=en', {
      ...form,
      domains: `${form.domains}\nhttps://www.casa-deals.test/`,
    });
    expect(taken.status).toBe(400);
    expect(errorSummaryLinks(taken.html)).toEqual(['merchant-domains']);
    expect(visibleText(taken.html)).toContain('casa-deals.test belongs to another merchant (casa-deals)');
    const { record } = await stored('marrakech-mode');
    expect(record.domains).toEqual(['marrakech-mode.test']);
    expect(record.tradeNames).toEqual(['Marrakech Mode']);
    expect(await auditOf('merchant.edit', 'marrakech-mode')).toEqual([]);
  });

  it('refuses a form opened before someone else’s change with a 409 page', async () => {
    const first = await signedInStaff(service, 'moderator', 'first@thiqa.test');
    const second = await signedInStaff(service, 'moderator', 'second@thiqa.test');
    const old = await editForm(first, 'souk-bladi');
    const fresh = await editForm(second, 'souk-bladi');
    service.setNow('2026-11-28T09:05:00Z');
    expect((await second.post('/admin/merchants/souk-bladi/edit?lang=en', { ...fresh, city: 'Salé' })).status).toBe(
      303,
    );
    const late = await first.post('/admin/merchants/souk-bladi/edit?lang=en', { ...old, email: 'x@souk-bladi.ma' });
    expect(late.status).toBe(409);
    expect(visibleText(late.html)).toContain('This merchant changed since you opened it');
    const { record } = await stored('souk-bladi');
    expect(record.city).toBe('Salé');
    expect(record.email).toBeNull();
  });
});

describe('changing a merchant’s status', () => {
  it('suspends with a reason; after publishing from the console, the certificate says suspended', async () => {
    const moderator = await signedInStaff(service, 'moderator', 'status-moderator@thiqa.test');
    const page = await moderator.open('/admin/merchants/atlas-electro?lang=en');
    const stamp = fieldValue(page.html, 'stamp');
    const noReason = await moderator.post('/admin/merchants/atlas-electro/status?lang=en', {
      stamp,
      action: 'suspend',
      reason: ' ',
    });
    expect(noReason.status).toBe(400);
    expect(errorSummaryLinks(noReason.html)).toEqual(['status-reason']);
    const suspended = await moderator.post('/admin/merchants/atlas-electro/status?lang=en', {
      stamp,
      action: 'suspend',
      reason: 'Orders unanswered since October',
    });
    expect(suspended.status).toBe(303);
    const after = await stored('atlas-electro');
    expect(after.record.status).toBe('suspended');
    expect(new Date(after.statusSince ?? 0).toISOString()).toBe('2026-11-28T09:00:00.000Z');
    const [line] = await auditOf('merchant.suspend', 'atlas-electro');
    expect(line).toEqual({
      actor: 'status-moderator@thiqa.test',
      detail: { from: 'verified', to: 'suspended', reason: 'Orders unanswered since October' },
    });

    const before = await service.send('GET', '/merchants/atlas-electro?lang=en');
    expect(await before.text()).toContain('data-status="verified"');
    const publish = await moderator.open('/admin/publish?lang=en');
    const published = await moderator.post('/admin/publish?lang=en', { preview: fieldValue(publish.html, 'preview') });
    expect(published.status).toBe(303);
    const certificate = await (await service.send('GET', '/merchants/atlas-electro?lang=en')).text();
    expect(certificate).toContain('data-status="suspended"');
    expect(visibleText(certificate)).toContain('Thiqa suspended this merchant’s verification on');
  });

  it('asks before revoking, and revokes only once confirmed', async () => {
    const moderator = await signedInStaff(service, 'moderator', 'revoke-moderator@thiqa.test');
    const page = await moderator.open('/admin/merchants/fes-cuir?lang=en');
    const fields = { stamp: fieldValue(page.html, 'stamp'), action: 'revoke', reason: 'Counterfeit goods confirmed' };
    const asked = await moderator.post('/admin/merchants/fes-cuir/status?lang=en', fields);
    expect(asked.status).toBe(200);
    expect(visibleText(asked.html)).toContain('Revoke this verification?');
    expect((await stored('fes-cuir')).record.status).toBe('suspended');
    const done = await moderator.post('/admin/merchants/fes-cuir/status?lang=en', { ...fields, confirm: 'yes' });
    expect(done.status).toBe(303);
    expect((await stored('fes-cuir')).record.status).toBe('revoked');
    expect(await auditOf('merchant.revoke', 'fes-cuir')).toHaveLength(1);
    // The same form again is stale: the merchant changed.
    const again = await moderator.post('/admin/merchants/fes-cuir/status?lang=en', { ...fields, confirm: 'yes' });
    expect(again.status).toBe(409);
  });
});
