import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSentComplaints } from '../../test/support/answered-complaints.ts';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { fieldValue, visibleText } from '../../test/support/portal-form-client.ts';
import { ComplaintBook } from '../complaints/complaint-book.ts';
import { FlaggedDomains } from '../flags/flagged-domains.ts';

// `/admin/publish`: a moderator reads what the next version changes, then publishes it;
// a preview the registry has moved past is refused, and a verifier may not publish.

let service: DemoService;
beforeAll(async () => {
  service = await openDemoService();
  service.setNow('2026-11-28T09:00:00Z');
}, 120_000);
afterAll(async () => {
  await service.registry.close();
  await rm(service.dataDir, { recursive: true, force: true });
});

const versions = async () =>
  (await service.registry.db.selectFrom('publications').select('version').orderBy('version').execute()).map(
    (row) => row.version,
  );
const flags = () => new FlaggedDomains(service.registry.db, () => service.now());
/** The part of a page marked `data-change="<name>"`, up to its section's end. */
const part = (html: string, name: string) => {
  const start = html.indexOf(`data-change="${name}"`);
  return start === -1 ? '' : html.slice(start, html.indexOf('</section>', start));
};

describe('publishing from the console', () => {
  it('says when nothing has changed, and offers no publish button', async () => {
    const moderator = await signedInStaff(service, 'moderator', 'quiet@thiqa.test');
    const page = await moderator.open('/admin/publish?lang=en');
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Latest published: version 1');
    expect(text).toContain('Nothing has changed since the latest version');
    expect(fieldValue(page.html, 'preview')).toBe('');
  });

  it('previews an added flag and changed complaint counts with the next version, then publishes it', async () => {
    await flags().flag(
      'faux-souk.test',
      { reason: 'phishing', summary: 'Copies the payment page of a bank.', since: '2026-11-27' },
      'flag-moderator@thiqa.test',
    );
    const book = new ComplaintBook(service.registry.db, () => service.now());
    const [open] = await book.list({ domain: 'livraison-gratuite.test', status: 'open' });
    await book.close(open?.id ?? 0, {}, 'flag-moderator@thiqa.test');
    // A merchant's first complaints sent to it: one answered after 2.5 days, one not yet.
    await insertSentComplaints(
      service.registry.db,
      { id: 'dar-argan', domain: 'dar-argan.test' },
      '2026-11-20T08:00:00Z',
      [{ answeredAfterDays: 2.5 }, { answeredAfterDays: null, status: 'open' }],
    );

    const moderator = await signedInStaff(service, 'moderator', 'publisher@thiqa.test');
    const page = await moderator.open('/admin/publish?lang=en');
    const text = visibleText(page.html);
    expect(text).toContain('What version 2 changes');
    expect(part(page.html, 'flags-added')).toContain('<li data-flag="faux-souk.test">');
    const counts = part(page.html, 'complaints-changed');
    expect(visibleText(counts)).toContain('livraison-gratuite.test 5 → 4 0 → 1');
    // Answer records change with complaints, not as an edit of the merchant.
    expect(visibleText(counts)).toContain('دار أركان 0 → 1 0 → 1 none sent → 1 of 2, median 2.5 days');
    const french = visibleText(part((await moderator.open('/admin/publish?lang=fr')).html, 'complaints-changed'));
    expect(french).toContain('aucune transmise → 1 sur 2, médiane 2,5 jours');
    expect(part(page.html, 'merchants-changed')).toBe('');
    expect(text).toContain('Publish version 2');

    const published = await moderator.post('/admin/publish?lang=en', { preview: fieldValue(page.html, 'preview') });
    expect(published.status).toBe(303);
    expect(published.location).toBe('/admin/publish?published=2&lang=en');
    expect(await versions()).toEqual([1, 2]);
    const [line] = await service.registry.db
      .selectFrom('audit_log')
      .select(['actor', 'subject'])
      .where('action', '=', 'directory.publish')
      .orderBy('id', 'desc')
      .execute();
    expect(line).toEqual({ actor: 'publisher@thiqa.test', subject: 'version 2' });
    const after = await moderator.open(published.location ?? '');
    expect(visibleText(after.html)).toContain('Version 2 is published.');
    expect(visibleText(after.html)).toContain('Nothing has changed since the latest version');
  });

  it('refuses a preview the registry moved past, and shows a fresh one', async () => {
    await flags().flag(
      'first-change.test',
      { reason: 'fraud', summary: 'Takes orders and never ships.', since: '2026-11-27' },
      'a@thiqa.test',
    );
    const moderator = await signedInStaff(service, 'moderator', 'stale@thiqa.test');
    const page = await moderator.open('/admin/publish?lang=en');
    await flags().flag(
      'second-change.test',
      { reason: 'fraud', summary: 'Same people, new name.', since: '2026-11-28' },
      'b@thiqa.test',
    );
    const refused = await moderator.post('/admin/publish?lang=en', { preview: fieldValue(page.html, 'preview') });
    expect(refused.status).toBe(409);
    expect(visibleText(refused.html)).toContain('The registry changed since this preview');
    expect(part(refused.html, 'flags-added')).toContain('data-flag="second-change.test"');
    expect(await versions()).toEqual([1, 2]);

    const forged = await moderator.post('/admin/publish?lang=en', { preview: `3:${'0'.repeat(64)}` });
    expect(forged.status).toBe(409);
    expect(await versions()).toEqual([1, 2]);
  });

  it('refuses a verifier, even posting directly, and publishes nothing', async () => {
    const moderator = await signedInStaff(service, 'moderator', 'helper@thiqa.test');
    const preview = fieldValue((await moderator.open('/admin/publish?lang=en')).html, 'preview');
    expect(preview).not.toBe('');
    const verifier = await signedInStaff(service, 'verifier', 'no-publish@thiqa.test');
    expect((await verifier.open('/admin/publish?lang=en')).status).toBe(403);
    await verifier.open('/admin?lang=en');
    const refused = await verifier.post('/admin/publish?lang=en', { preview });
    expect(refused.status).toBe(403);
    expect(visibleText(refused.html)).toContain('You cannot do this');
    expect(await versions()).toEqual([1, 2]);
  });
});
