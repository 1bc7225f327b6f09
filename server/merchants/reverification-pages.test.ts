import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import type { MerchantRecord } from './import-map.ts';

// The re-verification list and form on the demo registry. Verifications there date from
// 2024-05-06 (tanger-tech) to 2026-10-02 (dar-argan); the policy turns a verdict to
// caution after 365 days. On 2027-08-10: tanger-tech and souk-bladi are past it,
// marrakech-mode has 9 days left, atlas-electro (36 days) is not listed yet.

let service: DemoService;
beforeAll(async () => {
  service = await openDemoService();
});
afterAll(async () => service.close());
beforeEach(() => service.setNow('2027-08-10T10:00:00Z'));

const doc = (html: string) => parseHTML(html).document;
const recordOf = async (id: string) =>
  (await service.registry.db.selectFrom('merchants').select('record').where('id', '=', id).executeTakeFirstOrThrow())
    .record as MerchantRecord;
const listed = (html: string) =>
  [...doc(html).querySelectorAll('tr[data-merchant]')].map((row) => [
    row.getAttribute('data-merchant'),
    Number(row.getAttribute('data-days-left')),
  ]);

describe('the re-verification list', () => {
  it('lists verifications about to turn to caution and those past it, oldest first, with the days left', async () => {
    const verifier = await signedInStaff(service, 'verifier', 'list@thiqa.test');
    const page = await verifier.open('/admin/reverify?lang=en');
    expect(page.status).toBe(200);
    expect(listed(page.html)).toEqual([
      ['tanger-tech', -825],
      ['souk-bladi', -40],
      ['marrakech-mode', 9],
    ]);
    const cells = [...doc(page.html).querySelectorAll('tr[data-merchant="marrakech-mode"] td')].map((cell) =>
      (cell.textContent ?? '').trim(),
    );
    expect(cells).toEqual(['August 18, 2026', 'August 19, 2027', 'The verdict turns to caution in 9 days']);
    expect(doc(page.html).querySelector('tr[data-merchant="souk-bladi"] td:last-child')?.textContent).toBe(
      'Already caution: the verdict turned 40 days ago',
    );

    // Six days later atlas-electro has 30 days left: it joins the list, last.
    service.setNow('2027-08-16T08:00:00Z');
    const later = await signedInStaff(service, 'verifier', 'later@thiqa.test');
    expect(listed((await later.open('/admin/reverify?lang=en')).html).map(([id]) => id)).toEqual([
      'tanger-tech',
      'souk-bladi',
      'marrakech-mode',
      'atlas-electro',
    ]);
  });

  it('renews a verification when the register matches and the representative confirms', async () => {
    const verifier = await signedInStaff(service, 'verifier', 'renew@thiqa.test');
    const form = await verifier.open('/admin/reverify/marrakech-mode?lang=en');
    expect(form.status).toBe(200);
    // Prefilled from the registry: the court and number of its RC, its phone.
    expect(doc(form.html).querySelector('#check-court')?.getAttribute('value')).toBe('Marrakech');
    expect(doc(form.html).querySelector('#check-number')?.getAttribute('value')).toBe('12077');
    expect(doc(form.html).querySelector('#check-phone')?.getAttribute('value')).toBe('+212524000404');

    const done = await verifier.post('/admin/reverify/marrakech-mode?lang=en', {
      court: 'Marrakech',
      number: '12077',
      outcome: 'matches',
      phone: '+212524000404',
      phoneOutcome: 'confirmed',
    });
    expect(done.status).toBe(303);
    expect((await recordOf('marrakech-mode')).verification).toEqual({
      at: '2027-08-10',
      by: 'Test verifier',
      methods: ['commercial-register', 'phone-call'],
    });
    const list = await verifier.open(done.location ?? '');
    expect(listed(list.html).map(([id]) => id)).toEqual(['tanger-tech', 'souk-bladi']);
    expect(doc(list.html).querySelector('[data-done="renewed"]')?.textContent).toContain('marrakech-mode');
    const audit = await service.registry.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'merchant.reverify')
      .where('subject', '=', 'marrakech-mode')
      .execute();
    expect(audit.map((line) => [line.actor, (line.detail as { renewed: boolean; previous: string }).previous])).toEqual(
      [['renew@thiqa.test', '2026-08-18']],
    );
  });

  it('renews nothing when the call is not confirmed, and says so', async () => {
    const verifier = await signedInStaff(service, 'verifier', 'noanswer@thiqa.test');
    await verifier.open('/admin/reverify/souk-bladi?lang=fr');
    const page = await verifier.post('/admin/reverify/souk-bladi?lang=fr', {
      court: 'Rabat',
      number: '99031',
      outcome: 'matches',
      phone: '0537 00 03 03',
      phoneOutcome: 'no-answer',
    });
    expect(page.status).toBe(422);
    expect(doc(page.html).querySelector('[data-not-renewed]')?.textContent).toContain('non renouvelé');
    expect((await recordOf('souk-bladi')).verification.at).toBe('2026-06-30');
    const audit = await service.registry.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'merchant.reverify')
      .where('subject', '=', 'souk-bladi')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ renewed: false, phone: { number: '+212537000303', outcome: 'no-answer' } });
  });

  it('says what is missing from the form, and re-verifies only verified merchants', async () => {
    const verifier = await signedInStaff(service, 'verifier', 'form@thiqa.test');
    await verifier.open('/admin/reverify/tanger-tech?lang=en');
    const page = await verifier.post('/admin/reverify/tanger-tech?lang=en', { court: 'Tanger', number: '70412' });
    expect(page.status).toBe(400);
    expect([...doc(page.html).querySelectorAll('.error-summary a')].map((link) => link.textContent)).toEqual([
      'Choose an outcome.',
      'Enter: Number called.',
      'Choose an outcome.',
    ]);
    expect((await verifier.open('/admin/reverify/casa-deals?lang=en')).status).toBe(409);
    expect((await verifier.open('/admin/reverify/no-such-shop?lang=en')).status).toBe(404);
    expect((await verifier.open('/admin/reverify/..%2Fetc?lang=en')).status).toBe(404);
  });

  it('answers a moderator 403, GET or POST, and changes nothing', async () => {
    const moderator = await signedInStaff(service, 'moderator', 'mod@thiqa.test');
    expect((await moderator.open('/admin/reverify?lang=en')).status).toBe(403);
    expect((await moderator.open('/admin/reverify/tanger-tech?lang=en')).status).toBe(403);
    await moderator.open('/admin?lang=en');
    const post = await moderator.post('/admin/reverify/tanger-tech?lang=en', {
      court: 'Tanger',
      number: '70412',
      outcome: 'matches',
      phone: '+212539000505',
      phoneOutcome: 'confirmed',
    });
    expect(post.status).toBe(403);
    expect((await recordOf('tanger-tech')).verification.at).toBe('2024-05-06');
  });
});
