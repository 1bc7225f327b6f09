import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { runComplaintDeadlines } from './complaint-lifecycle.ts';
import type { MerchantNoticeKind, MerchantNotices } from './merchant-notices.ts';

// A complaint's life with the merchant on an injected clock: sent on acceptance when a
// listed merchant holds the shop, reminded while unanswered, closed as unanswered after
// the last reminder. The merchant's desk is a recording stand-in here; the whole loop
// with the real desk and mail is the e2e test's.

const START = '2026-12-01T09:00:00.000Z';
const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(START) + days * DAY);

let service: DemoService;
let notices: Array<[number, MerchantNoticeKind]>;
afterEach(async () => service.close());

async function open(options: Parameters<typeof openDemoService>[0] = {}) {
  notices = [];
  const recording: MerchantNotices = {
    async send(id, kind) {
      notices.push([id, kind]);
      return true;
    },
  };
  service = await openDemoService({ now: START, merchantNotices: recording, ...options });
}

/** A shopper's report on `domain`, accepted through the admin API. */
async function acceptReport(domain: string, extra: Record<string, unknown> = {}) {
  const sent = await service.send('POST', '/v1/reports', {
    url: `https://${domain}/produit`,
    reason: 'non-delivery',
    details: 'Commande 4411, Salma B., 0612345678',
    idempotencyKey: randomUUID(),
  });
  const { receipt } = await sent.json();
  const accepted = await service.admin('POST', `/v1/admin/reports/${receipt}/accept`, {
    category: 'non-delivery',
    ...extra,
  });
  expect(accepted.status).toBe(200);
  const body = await accepted.json();
  return { receipt: receipt as string, id: body.complaintId as number, forwarding: body.forwarding as string };
}

const complaint = (id: number) =>
  service.registry.db.selectFrom('complaints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditOf = async (id: number) =>
  (
    await service.registry.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('subject', '=', `complaint ${id}`)
      .orderBy('id')
      .execute()
  ).map((row) => `${row.actor} ${row.action}`);
/** The complaint counts the portal's certificate page shows for atlas-electro. */
async function certificateCounts() {
  const page = await readPortalPage(await service.send('GET', '/merchants/atlas-electro?lang=en'));
  return { open: page.text('[data-complaints="open"]'), resolved: page.text('[data-complaints="resolved"]') };
}
const deadlines = () => runComplaintDeadlines(service.app.context);

describe('forwarding an accepted complaint', () => {
  it("sends it to the listed merchant holding the domain, with the moderator's summary; an unlisted shop's stays accepted", async () => {
    await open();
    const listed = await acceptReport('atlas-electro.test', {
      merchantSummary: 'Commande payée le 2 novembre,\njamais livrée.',
    });
    expect(listed.forwarding).toBe('sent');
    expect(await complaint(listed.id)).toMatchObject({
      merchant_id: 'atlas-electro',
      stage: 'sent',
      sent_at: new Date(START),
      merchant_summary: 'Commande payée le 2 novembre,\njamais livrée.',
    });
    expect(await auditOf(listed.id)).toEqual(['thiqa complaint.forward']);

    const unlisted = await acceptReport('livraison-gratuite.test');
    expect(unlisted.forwarding).toBe('unlisted');
    expect(await complaint(unlisted.id)).toMatchObject({ merchant_id: null, stage: 'accepted', sent_at: null });
    // Listed, but without any address to write to: nothing sent, nothing claimed. An account
    // made with an address the registry no longer holds is none: mail goes to the record's.
    await service.registry.db
      .insertInto('merchant_accounts')
      .values({
        merchant_id: 'souk-bladi',
        email: 'ancien@souk-bladi.test',
        password_hash: 'x',
        created_at: service.now(),
        updated_at: service.now(),
      })
      .execute();
    const unreachable = await acceptReport('souk-bladi.youcan.shop');
    expect(unreachable.forwarding).toBe('unreachable');
    expect(await complaint(unreachable.id)).toMatchObject({ merchant_id: 'souk-bladi', stage: 'accepted' });

    // A duplicate joins the complaint already sent: nothing new goes out.
    const sent = await service.send('POST', '/v1/reports', {
      url: 'https://atlas-electro.test/',
      reason: 'non-delivery',
      idempotencyKey: randomUUID(),
    });
    const { receipt } = await sent.json();
    const duplicate = await service.admin('POST', `/v1/admin/reports/${receipt}/duplicate`, {
      complaintId: listed.id,
    });
    expect(duplicate.status).toBe(200);
    expect(notices).toEqual([[listed.id, 'new']]);

    const shown = await service.send('GET', `/v1/reports/${listed.receipt}`);
    expect((await shown.json()).complaint).toMatchObject({ stage: 'sent', merchantListed: true, sentAt: START });
  });

  it('refuses a summary the text policy refuses, opening nothing', async () => {
    await open();
    const sent = await service.send('POST', '/v1/reports', {
      url: 'https://atlas-electro.test/',
      reason: 'non-delivery',
      idempotencyKey: randomUUID(),
    });
    const { receipt } = await sent.json();
    const refused = await service.admin('POST', `/v1/admin/reports/${receipt}/accept`, {
      category: 'non-delivery',
      merchantSummary: 'Livré \u202Ejamais\u202C',
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('merchantSummary');
    expect(notices).toEqual([]);
  });
});

describe('the deadlines', () => {
  it('reminds after 7 and 14 days without an answer, then closes as unanswered after 21', async () => {
    await open();
    const countsAtStart = await certificateCounts();
    const { id, receipt } = await acceptReport('atlas-electro.test');
    service.setNow(new Date(at(7).getTime() - 1));
    expect(await deadlines()).toEqual({ reminded: [], closed: [] });
    service.setNow(at(7));
    expect(await deadlines()).toEqual({ reminded: [{ id, reminder: 1 }], closed: [] });
    // Run again at the same moment: nothing is due any more.
    expect(await deadlines()).toEqual({ reminded: [], closed: [] });
    service.setNow(at(14));
    expect(await deadlines()).toEqual({ reminded: [{ id, reminder: 2 }], closed: [] });
    service.setNow(at(21));
    expect(await deadlines()).toEqual({ reminded: [], closed: [id] });
    expect(await deadlines()).toEqual({ reminded: [], closed: [] });

    expect(notices).toEqual([
      [id, 'new'],
      [id, 'reminder'],
      [id, 'reminder'],
    ]);
    expect(await complaint(id)).toMatchObject({
      status: 'unanswered',
      stage: 'closed',
      reminders: 2,
      resolved_at: at(21),
      resolved_by: 'thiqa',
    });
    expect(await auditOf(id)).toEqual([
      'thiqa complaint.forward',
      'thiqa complaint.remind',
      'thiqa complaint.remind',
      'thiqa complaint.close',
    ]);
    const shown = await (await service.send('GET', `/v1/reports/${receipt}`)).json();
    expect(shown.complaint).toMatchObject({ stage: 'closed', outcome: 'unanswered', closedAt: at(21).toISOString() });

    // Closed unanswered counts neither as open nor as resolved in the next publication.
    await service.publish();
    const counts = await certificateCounts();
    expect(counts).toEqual(countsAtStart);
    expect(counts.open).toContain('Order not delivered: 1');
  });

  it('sends one reminder when two runs go at once', async () => {
    await open();
    const { id } = await acceptReport('atlas-electro.test');
    service.setNow(at(8));
    const [first, second] = await Promise.all([deadlines(), deadlines()]);
    expect([...first.reminded, ...second.reminded]).toEqual([{ id, reminder: 1 }]);
    expect(notices.filter(([, kind]) => kind === 'reminder')).toEqual([[id, 'reminder']]);
    expect((await complaint(id)).reminders).toBe(1);
  });

  it("follows the publisher's policy, and leaves an answered complaint alone", async () => {
    await open({ policy: { reminderAfterDays: 3, maxReminders: 0 } });
    const silent = await acceptReport('atlas-electro.test');
    const answered = await acceptReport('tanger-tech.test');
    // As the merchant's desk records an answer.
    await service.registry.db
      .updateTable('complaints')
      .set({ stage: 'answered', read_at: at(1), answered_at: at(1), answer_kind: 'will-act', answer_text: 'Renvoyé.' })
      .where('id', '=', answered.id)
      .execute();
    service.setNow(at(3));
    expect(await deadlines()).toEqual({ reminded: [], closed: [silent.id] });
    expect((await complaint(answered.id)).status).toBe('open');
  });
});
