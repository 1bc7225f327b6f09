import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { errorSummaryLinks, fieldValue } from '../../test/support/portal-form-client.ts';
import { recordAudit } from '../db/audit-log.ts';

// `/admin/audit`: every console action of the merchant and publish pages is there, found
// by person, action and shop, a page of 50 at a time, with what people typed shown inert.

let service: DemoService;
beforeAll(async () => {
  service = await openDemoService();
  service.setNow('2026-11-28T09:00:00Z');
}, 120_000);
afterAll(async () => {
  await service.registry.close();
  await rm(service.dataDir, { recursive: true, force: true });
});

/** The actions of the lines a page lists, in order. */
const actions = (html: string) => [...html.matchAll(/<tr data-audit-id="\d+" data-action="([^"]+)"/g)].map((m) => m[1]);
const ids = (html: string) => [...html.matchAll(/<tr data-audit-id="(\d+)"/g)].map((m) => Number(m[1]));

describe('the audit log', () => {
  it('holds every console action of the merchant and publish pages, filtered by person, action and shop', async () => {
    const moderator = await signedInStaff(service, 'moderator', 'auditor@thiqa.test');
    const edit = await moderator.open('/admin/merchants/atlas-electro/edit?lang=en');
    const edited = await moderator.post('/admin/merchants/atlas-electro/edit?lang=en', {
      stamp: fieldValue(edit.html, 'stamp'),
      tradeNames: 'Atlas Électro',
      city: 'Casablanca',
      phone: '0522 99 88 77',
      email: 'contact@atlas-electro.test',
      domains: 'atlas-electro.test',
      social: 'instagram:@atlas.electro.demo',
    });
    expect(edited.status).toBe(303);
    for (const [action, reason] of [
      ['suspend', 'Checking a <b>complaint</b> & its proof'],
      ['reinstate', 'Proof received'],
    ]) {
      const page = await moderator.open('/admin/merchants/atlas-electro?lang=en');
      const done = await moderator.post('/admin/merchants/atlas-electro/status?lang=en', {
        stamp: fieldValue(page.html, 'stamp'),
        action: action as string,
        reason: reason as string,
      });
      expect(done.status).toBe(303);
    }
    const publish = await moderator.open('/admin/publish?lang=en');
    expect(
      (await moderator.post('/admin/publish?lang=en', { preview: fieldValue(publish.html, 'preview') })).status,
    ).toBe(303);

    const verifier = await signedInStaff(service, 'verifier', 'reader@thiqa.test');
    const everyone = await verifier.open('/admin/audit?lang=en');
    expect(everyone.status).toBe(200);
    expect(everyone.html).toContain('<option value="auditor@thiqa.test">auditor@thiqa.test</option>');
    expect(everyone.html).toContain('<option value="demo">demo</option>');

    const byPerson = await verifier.open('/admin/audit?lang=en&actor=auditor%40thiqa.test');
    expect(actions(byPerson.html)).toEqual([
      'directory.publish',
      'merchant.reinstate',
      'merchant.suspend',
      'merchant.edit',
    ]);
    const detail = byPerson.html.slice(byPerson.html.indexOf('data-action="merchant.suspend"'));
    expect(detail).toContain('&lt;b&gt;complaint&lt;/b&gt; &amp; its proof');
    expect(byPerson.html).not.toContain('<b>complaint');

    const byAction = await verifier.open('/admin/audit?lang=en&action=merchant.suspend');
    expect(actions(byAction.html)).toEqual(['merchant.suspend']);

    // The shop in any form: its merchant's lines and the reports about its domain.
    const byShop = await verifier.open(
      `/admin/audit?lang=en&shop=${encodeURIComponent('https://WWW.Atlas-Electro.test/p?id=1')}`,
    );
    expect(byShop.status).toBe(200);
    const shopActions = actions(byShop.html);
    expect(shopActions.slice(0, 3)).toEqual(['merchant.reinstate', 'merchant.suspend', 'merchant.edit']);
    expect(shopActions).toContain('report.accept');
    expect(shopActions).not.toContain('directory.publish');
    expect(fieldValue(byShop.html, 'shop')).toBe('https://WWW.Atlas-Electro.test/p?id=1');
  });

  it('answers bad filters with a 400 and an error summary naming each field', async () => {
    const verifier = await signedInStaff(service, 'verifier', 'bad-filters@thiqa.test');
    const page = await verifier.open(
      '/admin/audit?lang=en&actor=nobody%40x.test&action=merchant.explode&shop=not%20a%20shop&before=abc',
    );
    expect(page.status).toBe(400);
    expect(errorSummaryLinks(page.html)).toEqual(['audit-actor', 'audit-action', 'audit-shop', 'audit-newest']);
    expect(actions(page.html)).toEqual([]);
  });

  it('pages 50 lines at a time by id, and shows hidden characters as visible marks', async () => {
    for (let n = 0; n < 60; n++) {
      await recordAudit(
        service.registry.db,
        {
          actor: 'bulk@thiqa.test',
          action: 'domain.flag',
          subject: `bulk-${n}.test`,
          detail: { note: `line ${n} \u202Egnp.exe` },
        },
        service.now(),
      );
    }
    const verifier = await signedInStaff(service, 'verifier', 'pager@thiqa.test');
    const first = await verifier.open('/admin/audit?lang=en&actor=bulk%40thiqa.test');
    expect(ids(first.html)).toHaveLength(50);
    expect(first.html).not.toContain('\u202E');
    expect(first.html).toContain('line 59 \uFFFDgnp.exe');
    const older = /href="(\/admin\/audit\?[^"]*before=\d+[^"]*)" rel="next"/
      .exec(first.html)?.[1]
      ?.replace(/&amp;/g, '&');
    expect(older).toBeDefined();
    const second = await verifier.open(older ?? '');
    expect(ids(second.html)).toHaveLength(10);
    expect(Math.max(...ids(second.html))).toBeLessThan(Math.min(...ids(first.html)));
    expect(second.html).not.toContain('rel="next"');
  });
});
