import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';

// Flags in the console: add, change and remove, each shown by the portal's check page
// after the next publication; hostile domains and text answered at the field.

let service: DemoService;
let moderator: Awaited<ReturnType<typeof signedInStaff>>;
beforeAll(async () => {
  service = await openDemoService();
  moderator = await signedInStaff(service, 'moderator');
});
afterAll(async () => service.close());

const page = (html: string) => readPortalPage(new Response(html));

/** What the portal's check page says of `domain` after publishing the registry as it is. */
async function publishedCheck(domain: string) {
  await service.publish();
  return readPortalPage(await service.send('GET', `/check?q=${domain}&lang=en`));
}

const flagRow = (domain: string) =>
  service.registry.db.selectFrom('flagged_domains').selectAll().where('domain', '=', domain).executeTakeFirst();

const audit = (domain: string) =>
  service.registry.db
    .selectFrom('audit_log')
    .select(['actor', 'action'])
    .where('subject', '=', domain)
    .orderBy('id')
    .execute();

describe('flags in the console', () => {
  it('lists the flagged domains with their reason and summary', async () => {
    const list = await page((await moderator.open('/admin/flags?lang=en')).html);
    expect(list.text('tr[data-flag="promo-iphone-maroc.test"] [data-field="reason"]')).toBe('Fraud');
    expect(list.text('tr[data-flag="atlas-electr0.test"] [data-field="reason"]')).toBe('Imitates another shop');
  });

  it('adds, changes and removes a flag, each seen on the check page after publishing', async () => {
    expect(
      (await publishedCheck('faux-souk.test')).document.querySelector('.verdict')?.getAttribute('data-level'),
    ).toBe('unknown');
    await moderator.open('/admin/flags/new?lang=en');
    const added = await moderator.post('/admin/flags/new?lang=en', {
      domain: 'https://www.faux-souk.test/promo',
      reason: 'fraud',
      summary: 'Encaisse et ne livre jamais.',
      since: '2026-11-20',
    });
    expect(added.status).toBe(303);
    expect(added.location).toBe('/admin/flags?done=added&lang=en');
    expect((await moderator.open(added.location as string)).html).toContain('Domain flagged.');
    const flagged = await publishedCheck('faux-souk.test');
    expect(flagged.document.querySelector('.verdict')?.getAttribute('data-level')).toBe('danger');
    expect(flagged.text('#flag-heading + p')).toContain('Encaisse et ne livre jamais.');

    // The change form holds what the flag says; leaving the date as it is keeps it.
    const form = await page((await moderator.open('/admin/flags/faux-souk.test/edit?lang=en')).html);
    expect(form.text('#flag-reason option[selected]')).toBe('Fraud');
    expect(form.document.querySelector('#flag-summary')?.getAttribute('value')).toBe('Encaisse et ne livre jamais.');
    expect(form.document.querySelector('#flag-since')?.getAttribute('value')).toBe('2026-11-20');
    const edited = await moderator.post('/admin/flags/faux-souk.test/edit?lang=en', {
      reason: 'phishing',
      summary: 'Page de paiement qui vole les numéros de carte.',
      since: '',
    });
    expect(edited.location).toBe('/admin/flags?done=edited&lang=en');
    expect(await flagRow('faux-souk.test')).toMatchObject({ reason: 'phishing', since: '2026-11-20' });
    const changed = await publishedCheck('faux-souk.test');
    expect(changed.text('#flag-heading + p')).toContain('Page de paiement qui vole les numéros de carte.');

    // Removing asks first: the confirmation page changes nothing.
    const confirm = await moderator.open('/admin/flags/faux-souk.test/remove?lang=en');
    expect(confirm.status).toBe(200);
    expect((await page(confirm.html)).text('main form button')).toBe('Remove the flag');
    expect(await flagRow('faux-souk.test')).toBeDefined();
    const removed = await moderator.post('/admin/flags/faux-souk.test/remove?lang=en', {});
    expect(removed.location).toBe('/admin/flags?done=removed&lang=en');
    expect(await flagRow('faux-souk.test')).toBeUndefined();
    expect(
      (await publishedCheck('faux-souk.test')).document.querySelector('.verdict')?.getAttribute('data-level'),
    ).toBe('unknown');
    expect(await audit('faux-souk.test')).toEqual([
      { actor: 'moderator@thiqa.test', action: 'domain.flag' },
      { actor: 'moderator@thiqa.test', action: 'domain.flag' },
      { actor: 'moderator@thiqa.test', action: 'domain.unflag' },
    ]);
  });

  it('does not overwrite a flag when adding the same domain again', async () => {
    await moderator.open('/admin/flags/new?lang=en');
    const again = await moderator.post('/admin/flags/new?lang=en', {
      domain: 'promo-iphone-maroc.test',
      reason: 'counterfeit',
      summary: 'Autre chose.',
    });
    expect(again.status).toBe(400);
    expect((await page(again.html)).text('#flag-domain-error')).toContain('already flagged');
    expect(await flagRow('promo-iphone-maroc.test')).toMatchObject({ reason: 'fraud' });
  });

  it.each([
    ['a script address', { domain: 'javascript:alert(1)' }, 'flag-domain', "Enter a shop's domain"],
    ['an IP address', { domain: 'http://127.0.0.1/' }, 'flag-domain', "Enter a shop's domain"],
    ['a shop platform itself', { domain: 'youcan.store' }, 'flag-domain', "Enter a shop's domain"],
    ['a local name', { domain: 'localhost' }, 'flag-domain', "Enter a shop's domain"],
    ['10 KB of domain', { domain: `${'a'.repeat(10 * 1024)}.test` }, 'flag-domain', "Enter a shop's domain"],
    ['no reason', { reason: '' }, 'flag-reason', 'Choose the reason'],
    ['a forged reason', { reason: 'rude' }, 'flag-reason', 'Choose the reason'],
    [
      'a right-to-left override',
      { summary: 'Arnaque \u202Etset\u202C' },
      'flag-summary',
      'hidden or direction-changing character (character 9',
    ],
    ['10 KB of summary', { summary: 'x'.repeat(10 * 1024) }, 'flag-summary', 'too long: at most 500 characters'],
    ['a date to come', { since: '2099-01-01' }, 'flag-since', 'cannot be in the future'],
    ['a date that is none', { since: '2026-02-30' }, 'flag-since', 'not valid'],
  ])('refuses %s with a message at the field, flagging nothing', async (_, change, field, message) => {
    await moderator.open('/admin/flags/new?lang=en');
    const fields = { domain: 'arnaque-test.test', reason: 'fraud', summary: 'Encaisse sans livrer.', ...change };
    const refused = await moderator.post('/admin/flags/new?lang=en', fields);
    expect(refused.status).toBe(400);
    const shown = await page(refused.html);
    expect(shown.text(`#${field}-error`)).toContain(message);
    expect(shown.text('.error-summary')).toContain(message);
    expect(refused.html).not.toContain('\u202E');
    expect(await flagRow('arnaque-test.test')).toBeUndefined();
  });

  it('gives a verifier a 403 page on every flag page and action', async () => {
    const verifier = await signedInStaff(service, 'verifier');
    for (const path of [
      '/admin/flags',
      '/admin/flags/new',
      '/admin/flags/promo-iphone-maroc.test/edit',
      '/admin/flags/promo-iphone-maroc.test/remove',
    ]) {
      expect((await verifier.open(`${path}?lang=en`)).status).toBe(403);
    }
    await verifier.open('/admin?lang=en');
    const posts: Array<[string, Record<string, string>]> = [
      ['/admin/flags/new', { domain: 'verif.test', reason: 'fraud', summary: 'Essai de vérificateur.' }],
      ['/admin/flags/promo-iphone-maroc.test/edit', { reason: 'phishing', summary: 'Essai de vérificateur.' }],
      ['/admin/flags/promo-iphone-maroc.test/remove', {}],
    ];
    for (const [path, fields] of posts) {
      const refused = await verifier.post(`${path}?lang=en`, fields);
      expect(refused.status).toBe(403);
      expect((await page(refused.html)).text('h1')).toBe('You cannot do this');
    }
    expect(await flagRow('promo-iphone-maroc.test')).toMatchObject({ reason: 'fraud' });
    expect(await flagRow('verif.test')).toBeUndefined();
  });
});
