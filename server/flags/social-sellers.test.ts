import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { currentDirectoryState } from '../directory/directory-state.ts';

// Social sellers through the service: a moderator flags a WhatsApp number and an Instagram
// profile by pasting their address; shoppers report them; the queue, the complaint and the
// published directory all name the seller by its social key, never by wa.me or instagram.com.

let service: DemoService;
let moderator: Awaited<ReturnType<typeof signedInStaff>>;
beforeAll(async () => {
  service = await openDemoService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
  moderator = await signedInStaff(service, 'moderator');
});
afterAll(async () => service.close());

const page = (html: string) => readPortalPage(new Response(html));

async function publishedLevel(address: string): Promise<string | null | undefined> {
  await service.publish();
  const check = await readPortalPage(await service.send('GET', `/check?q=${encodeURIComponent(address)}&lang=en`));
  return check.document.querySelector('.verdict')?.getAttribute('data-level');
}

async function report(url: string): Promise<string> {
  service.setNow(new Date(service.now().getTime() + 60_000));
  const response = await service.send('POST', '/v1/reports', {
    url,
    reason: 'non-delivery',
    idempotencyKey: randomUUID(),
    lang: 'fr',
  });
  expect(response.status).toBe(201);
  return (await response.json()).receipt;
}

const reportRow = (receipt: string) =>
  service.registry.db.selectFrom('reports').selectAll().where('receipt', '=', receipt).executeTakeFirstOrThrow();

describe('social sellers in the service', () => {
  it('flags a WhatsApp number pasted in any form, and every extension then says danger', async () => {
    expect(await publishedLevel('https://wa.me/212700000001')).toBe('unknown');
    await moderator.open('/admin/flags/new?lang=en');
    const added = await moderator.post('/admin/flags/new?lang=en', {
      domain: 'https://api.whatsapp.com/send?phone=+212%20700%2000%2000%2001&text=salam',
      reason: 'non-delivery',
      summary: 'Encaisse à la livraison, colis vide.',
      since: '2026-11-20',
    });
    expect(added.status).toBe(303);
    const row = await service.registry.db
      .selectFrom('flagged_domains')
      .selectAll()
      .where('domain', '=', 'wa.me/212700000001')
      .executeTakeFirst();
    expect(row).toMatchObject({ reason: 'non-delivery' });
    const list = await page((await moderator.open('/admin/flags?lang=en')).html);
    expect(list.text('tr[data-flag="wa.me/212700000001"] [data-field="reason"]')).toBe('Order not delivered');
    // The key has a `/`: its pages are reached with it encoded, as the list links them.
    const edit = await moderator.open('/admin/flags/wa.me%2F212700000001/edit?lang=en');
    expect(edit.status).toBe(200);
    expect(await publishedLevel('https://wa.me/0700000001')).toBe('danger');
    expect(await publishedLevel('https://api.whatsapp.com/send?phone=212700000001')).toBe('danger');
  });

  it('refuses a network page or a bad number as a flag, naming the field', async () => {
    for (const typed of ['https://www.instagram.com/explore/', 'https://wa.me/2126', 'instagram.com']) {
      const refused = await moderator.post('/admin/flags/new?lang=en', {
        domain: typed,
        reason: 'fraud',
        summary: 'x',
        since: '',
      });
      expect(refused.status, typed).toBe(400);
      expect((await page(refused.html)).text('#flag-domain-error'), typed).toBeTruthy();
    }
  });

  it('keeps the phone of a WhatsApp report as the canonical wa.me address, and nothing else', async () => {
    const receipt = await report('https://api.whatsapp.com/send/?phone=212700000002&text=Commande%20n%C2%B0%20553');
    expect(await reportRow(receipt)).toMatchObject({
      domain: 'wa.me/212700000002',
      url: 'https://wa.me/212700000002',
    });
    const status = await (await service.send('GET', `/v1/reports/${receipt}`)).json();
    expect(status.domain).toBe('wa.me/212700000002');
    const refused = await service.send('POST', '/v1/reports', {
      url: 'https://www.instagram.com/p/Cx12AbC/',
      reason: 'fraud',
      idempotencyKey: randomUUID(),
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('social-platform');
  });

  it('queues, accepts and counts a report on a merchant’s Instagram as the merchant’s complaint', async () => {
    const openOf = async () =>
      (await currentDirectoryState(service.registry.db)).merchants.find((merchant) => merchant.id === 'atlas-electro')
        ?.complaints.open['non-delivery'] ?? 0;
    const before = await openOf();
    const receipt = await report('https://www.instagram.com/Atlas.Electro.Demo/?igsh=abc');
    expect(await reportRow(receipt)).toMatchObject({
      domain: 'instagram.com/atlas.electro.demo',
      url: 'https://instagram.com/atlas.electro.demo',
    });
    const queue = await page((await moderator.open('/admin/queue?lang=en')).html);
    expect(queue.document.body.textContent).toContain('instagram.com/atlas.electro.demo');
    const group = await moderator.open('/admin/queue/instagram.com%2Fatlas.electro.demo?lang=en');
    expect(group.status).toBe(200);
    const accepted = await moderator.post(`/admin/queue/instagram.com%2Fatlas.electro.demo/${receipt}/accept?lang=en`, {
      category: 'non-delivery',
      merchantSummary: 'Commande payée, jamais livrée.',
    });
    expect(accepted.status).toBe(303);
    expect(accepted.location).toBe('/admin/queue/instagram.com%2Fatlas.electro.demo?done=accepted&lang=en');
    const complaint = await service.registry.db
      .selectFrom('complaints')
      .select(['merchant_id', 'domain'])
      .where('id', '=', (await reportRow(receipt)).complaint_id ?? 0)
      .executeTakeFirstOrThrow();
    expect(complaint).toEqual({ merchant_id: 'atlas-electro', domain: 'instagram.com/atlas.electro.demo' });
    // Published as the merchant's count, not as an unknown shop's.
    const state = await currentDirectoryState(service.registry.db);
    expect(state.domainComplaints.map((entry) => entry.domain)).not.toContain('instagram.com/atlas.electro.demo');
    expect(await openOf()).toBe(before + 1);
    expect(await publishedLevel('https://www.instagram.com/atlas.electro.demo')).toBe('verified');
  });
});
