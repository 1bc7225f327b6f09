import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';

// The console's complaints page: open complaints per shop or per merchant, and resolving
// one, which the portal shows after the next publication.

let service: DemoService;
let moderator: Awaited<ReturnType<typeof signedInStaff>>;
beforeAll(async () => {
  service = await openDemoService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
  moderator = await signedInStaff(service, 'moderator');
});
afterAll(async () => service.close());

const page = (html: string) => readPortalPage(new Response(html));

/** A shopper's report on `domain`, accepted through the admin API: an open complaint. */
async function openComplaint(domain: string, category = 'non-delivery'): Promise<number> {
  const sent = await service.send('POST', '/v1/reports', {
    url: `https://${domain}/`,
    reason: category,
    idempotencyKey: randomUUID(),
  });
  const { receipt } = await sent.json();
  const accepted = await service.admin('POST', `/v1/admin/reports/${receipt}/accept`, { category });
  expect(accepted.status).toBe(200);
  return (await accepted.json()).complaintId;
}

const complaintIds = (html: string) =>
  [...html.matchAll(/data-complaint="(\d+)"/g)].map((match) => Number(match[1])).sort((a, b) => a - b);

describe('the complaints page', () => {
  it('counts open complaints per shop and filters by shop or by merchant (all its domains)', async () => {
    const onMain = await openComplaint('dar-argan.test');
    const onArabic = await openComplaint('xn----rmckc0bnc8l2a.test', 'counterfeit');
    const all = await page((await moderator.open('/admin/complaints?lang=en')).html);
    expect(all.text('tr[data-domain="fes-cuir.test"] [data-count="open"]')).toBe('3');
    expect(all.text('tr[data-domain="casa-deals.test"] [data-count="open"]')).toBe('4');
    const byMerchant = await moderator.open('/admin/complaints?merchant=dar-argan&lang=en');
    expect(complaintIds(byMerchant.html)).toEqual([onMain, onArabic]);
    const shown = await page(byMerchant.html);
    expect(shown.texts('.complaint-counts tbody th')).toEqual([
      'dar-argan.test',
      'دار-أركان.test (Address in ASCII: xn----rmckc0bnc8l2a.test)',
    ]);
    expect(shown.text(`[data-complaint="${onArabic}"] [data-fact="category"] dd`)).toBe('Counterfeit goods');
    expect(shown.text(`[data-complaint="${onArabic}"] [data-fact="opened-by"] dd`)).toBe('admin-api');
    const byDomain = await moderator.open('/admin/complaints?domain=https://www.dar-argan.test/x&lang=en');
    expect(complaintIds(byDomain.html)).toEqual([onMain]);
  });

  it('answers a filter it cannot read with a message at the field', async () => {
    for (const [query, field, message] of [
      ['domain=javascript:alert(1)', 'filter-domain', "Enter a shop's domain"],
      ['domain=127.0.0.1', 'filter-domain', "Enter a shop's domain"],
      ['merchant=nobody-here', 'filter-merchant', 'No merchant has this identifier'],
      ['merchant=Not%20A%20Slug', 'filter-merchant', 'lowercase letters'],
      ['domain=a.test&merchant=dar-argan', 'filter-merchant', 'not both'],
    ] as const) {
      const refused = await moderator.open(`/admin/complaints?${query}&lang=en`);
      expect(refused.status).toBe(400);
      const shown = await page(refused.html);
      expect(shown.text(`#${field}-error`)).toContain(message);
      expect(shown.text('.error-summary')).toContain(message);
    }
  });

  it('resolves a complaint with a note; the portal counts it resolved after publishing', async () => {
    const id = await openComplaint('tanger-tech.test');
    await service.publish();
    const before = await readPortalPage(await service.send('GET', '/merchants/tanger-tech?lang=en'));
    expect(before.text('[data-complaints="open"] [data-category="non-delivery"]')).toBe('Order not delivered: 1');
    await moderator.open('/admin/complaints?domain=tanger-tech.test&lang=en');
    const resolved = await moderator.post(`/admin/complaints/${id}/resolve?domain=tanger-tech.test&lang=en`, {
      note: 'Colis livré le 3 décembre,\nconfirmé par le client.',
    });
    expect(resolved.status).toBe(303);
    expect(resolved.location).toBe('/admin/complaints?domain=tanger-tech.test&done=resolved&lang=en');
    expect((await moderator.open(resolved.location as string)).html).toContain('Complaint resolved.');
    const audit = await service.registry.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('subject', '=', `complaint ${id}`)
      .execute();
    expect(audit).toEqual([
      { actor: 'thiqa', action: 'complaint.forward' },
      { actor: 'moderator@thiqa.test', action: 'complaint.close' },
    ]);
    await service.publish();
    const after = await readPortalPage(await service.send('GET', '/merchants/tanger-tech?lang=en'));
    expect(after.text('[data-complaints="open"] [data-category="non-delivery"]')).toBeNull();
    expect(after.text('[data-complaints="resolved"] [data-category="non-delivery"]')).toBe('Order not delivered: 1');

    const again = await moderator.post(`/admin/complaints/${id}/resolve?lang=en`, { note: '' });
    expect(again.status).toBe(409);
    expect((await page(again.html)).text('h1')).toBe('Already closed');
  });

  it('shows where a complaint stands with its merchant, the answer inert, and closes it as unfounded', async () => {
    const id = await openComplaint('marrakech-mode.test');
    await service.registry.db
      .updateTable('complaints')
      .set({
        stage: 'answered',
        read_at: service.now(),
        answered_at: service.now(),
        answer_kind: 'not-ours',
        answer_text: '<b>Pas notre boutique</b> \u202Eنعم',
        answer_staff_note: 'Voir le registre <script>x</script>',
      })
      .where('id', '=', id)
      .execute();
    const listed = await moderator.open('/admin/complaints?domain=marrakech-mode.test&lang=en');
    const shown = await page(listed.html);
    const fact = (name: string) => shown.text(`[data-complaint="${id}"] [data-fact="${name}"] dd`);
    expect(fact('stage')).toBe('Answered by the merchant');
    expect(fact('merchant')).toBe('marrakech-mode');
    expect(fact('sent')).not.toBeNull();
    expect(fact('answer')).toContain('Says the shop is not theirs');
    expect(fact('answer')).toContain('<b>Pas notre boutique</b>');
    expect(fact('staff-note')).toBe('Voir le registre <script>x</script>');
    expect(listed.html).not.toContain('<script>x');
    expect(listed.html).not.toContain('\u202E');

    const forged = await moderator.post(`/admin/complaints/${id}/resolve?lang=en`, { outcome: 'unanswered', note: '' });
    expect(forged.status).toBe(400);
    expect((await page(forged.html)).text(`#outcome-${id}-error`)).toContain('Choose how the complaint closes');

    const closed = await moderator.post(`/admin/complaints/${id}/resolve?domain=marrakech-mode.test&lang=en`, {
      outcome: 'unfounded',
      note: 'Domaine vendu en octobre.',
    });
    expect(closed.status).toBe(303);
    expect((await moderator.open(closed.location as string)).html).toContain('Complaint closed as unfounded.');
    const row = await service.registry.db
      .selectFrom('complaints')
      .select(['status', 'stage', 'resolved_by', 'note'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: 'unfounded',
      stage: 'closed',
      resolved_by: 'moderator@thiqa.test',
      note: 'Domaine vendu en octobre.',
    });
  });

  it('refuses a hostile note with a message at the field, resolving nothing', async () => {
    const id = await openComplaint('marrakech-mode.test', 'counterfeit');
    await moderator.open('/admin/complaints?lang=en');
    for (const [note, message] of [
      ['Vu \u202Eavec\u202C le client', 'hidden or direction-changing character (character 4'],
      ['x'.repeat(10 * 1024), 'too long: at most 2000 characters'],
    ] as const) {
      const refused = await moderator.post(`/admin/complaints/${id}/resolve?lang=en`, { note });
      expect(refused.status).toBe(400);
      expect((await page(refused.html)).text(`#note-${id}-error`)).toContain(message);
      expect(refused.html).not.toContain('\u202E');
    }
    const row = await service.registry.db
      .selectFrom('complaints')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
  });

  it('gives a verifier a 403 page, on the list and on resolving', async () => {
    const id = await openComplaint('atlas-electro.test');
    const verifier = await signedInStaff(service, 'verifier');
    expect((await verifier.open('/admin/complaints?lang=en')).status).toBe(403);
    await verifier.open('/admin?lang=en');
    const refused = await verifier.post(`/admin/complaints/${id}/resolve?lang=en`, { note: '' });
    expect(refused.status).toBe(403);
    expect((await page(refused.html)).text('h1')).toBe('You cannot do this');
    const row = await service.registry.db
      .selectFrom('complaints')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
  });
});
