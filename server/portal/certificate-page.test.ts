import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSentComplaints } from '../../test/support/answered-complaints.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { bundledMerchant, importMerchantRecords } from '../../test/support/merchant-records.ts';

// `/merchants/<id>`: the certificate a shopper reads, from the demo's registry as
// published; then a merchant revoked by an import, and what the page says before and
// after the next publication.

describe('the certificate page', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService();
  }, 120_000);
  afterAll(async () => {
    // The last test closes the database itself.
    await service.registry.close().catch(() => {});
    await rm(service.dataDir, { recursive: true, force: true });
  });

  async function certificate(id: string, lang = 'en', origin = '') {
    const response = await service.send('GET', `${origin}/merchants/${id}?lang=${lang}`);
    return { status: response.status, html: await response.text() };
  }
  /** The part of the page inside one element marked `data-<name>="<value>"`. */
  function part(html: string, marker: string): string {
    const start = html.indexOf(marker);
    expect(start, marker).toBeGreaterThan(-1);
    return html.slice(start, html.indexOf('</section>', start));
  }

  it('says who the merchant is, and who verified what, how and when', async () => {
    const { status, html } = await certificate('atlas-electro');
    expect(status).toBe(200);
    expect(html).toContain('<h1><span class="caption">Thiqa certificate</span> <bdi>Atlas Électro</bdi></h1>');
    for (const [fact, term, value] of [
      ['legal-name', 'Legal name', 'Atlas Électro SARL'],
      ['trade-names', 'Trade names', 'Atlas Électro'],
      ['ice', 'ICE', '001520003000037'],
      ['rc', 'Commercial register (RC)', 'RC Casablanca 481516'],
      ['city', 'City', 'Casablanca'],
      ['verified-by', 'Verified by', 'Fédération démo des e-commerçants (FDEC)'],
      ['verified-how', 'How', 'commercial register, phone call'],
      ['verified-when', 'When', 'September 14, 2026'],
    ]) {
      expect(html).toContain(`data-fact="${fact}"><dt>${term}</dt><dd><bdi>${value}</bdi></dd>`);
    }
    expect(html).toContain('<section class="certificate-status level--verified" data-status="verified"');
  });

  it('lists the exact shops it covers, each IDN with its punycode, and links to none of them', async () => {
    const { html } = await certificate('dar-argan');
    const domains = part(html, 'id="domains-heading"');
    expect(domains).toContain('<li data-domain="dar-argan.test"><bdi dir="ltr">dar-argan.test</bdi></li>');
    expect(domains).toContain(
      '<li data-domain="xn----rmckc0bnc8l2a.test"><bdi dir="ltr">دار-أركان.test</bdi>' +
        '<span class="label__line">Address in ASCII: xn----rmckc0bnc8l2a.test</span></li>',
    );
    expect(domains.match(/<li /g)).toHaveLength(2);
    expect(domains).not.toContain('<a ');
    expect(domains).toContain('valid for these exact addresses only');
  });

  it('shows each label with its issuer, reference and validity', async () => {
    const labels = part((await certificate('atlas-electro')).html, 'id="labels-heading"');
    expect(labels).toContain('<li data-label="e-thiq" data-expired="false"><strong>Label e-thiq</strong>');
    expect(labels).toContain('Issued by Label e-thiq (démo)');
    expect(labels).toContain('Reference ETQ-2025-0042');
    expect(labels).toContain('Valid until June 30, 2027');
    expect(labels).toContain('Reference D-W-903/2024');
    expect(labels).toContain('no expiry date');
    const expired = part((await certificate('marrakech-mode')).html, 'id="labels-heading"');
    expect(expired).toContain('data-expired="true"');
    expect(expired).toContain('<span class="tag tag--expired">Expired</span>');
  });

  it('counts complaints open and resolved, by category', async () => {
    const fes = part((await certificate('fes-cuir')).html, 'id="complaints-heading"');
    const open = fes.slice(fes.indexOf('data-complaints="open"'), fes.indexOf('data-complaints="resolved"'));
    const resolved = fes.slice(fes.indexOf('data-complaints="resolved"'));
    expect(open).toContain('<li data-category="non-delivery">Order not delivered: 2</li>');
    expect(open).toContain('<li data-category="fraud">Fraud: 1</li>');
    expect(resolved).toContain('<li data-category="non-delivery">Order not delivered: 1</li>');
    expect(resolved).not.toContain('fraud');
    const none = part((await certificate('dar-argan')).html, 'id="complaints-heading"');
    expect(none).toContain('No open complaints.');
    expect(none).toContain('No resolved complaints.');
  });

  it('shows the verdict the extension gives on the main shop', async () => {
    const caution = (await certificate('marrakech-mode')).html;
    expect(caution).toContain('What the Thiqa extension shows on marrakech-mode.test, the merchant’s main shop:');
    expect(caution).toContain('<section class="verdict level--caution" data-level="caution"');
    expect(caution).toContain('data-reason="label-expired"');
    const revoked = (await certificate('casa-deals')).html;
    expect(revoked).toContain('<section class="verdict level--danger" data-level="danger"');
    expect(revoked).toContain('data-reason="merchant-revoked"');
  });

  it('offers the badge with an HTML snippet to copy, from the address the page was asked at', async () => {
    const { html } = await certificate('atlas-electro', 'en', 'https://portal.thiqa.example');
    const badge = part(html, 'id="badge-heading"');
    expect(badge).toContain('<img src="/badge/atlas-electro.svg" alt="Thiqa certificate: Atlas Électro"');
    expect(badge).toContain('<div class="snippet" data-copy-label="Copy the code" data-copied-label="Code copied">');
    const snippet =
      '<a href="https://portal.thiqa.example/merchants/atlas-electro">' +
      '<img src="https://portal.thiqa.example/badge/atlas-electro.svg" alt="Thiqa certificate: Atlas Électro" ' +
      'width="300" height="84"></a>';
    const escaped = snippet
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;');
    expect(badge).toContain(`<code>${escaped}</code>`);
    expect(badge).toContain('A copy of the badge on another site gives itself away');
    expect(badge).not.toContain('notice--warning');
  });

  it.each([
    ['ar', 'rtl', 'شهادة ثقة', 'الوضعية'],
    ['fr', 'ltr', 'Certificat Thiqa', 'Statut'],
    ['en', 'ltr', 'Thiqa certificate', 'Status'],
  ])('speaks %s with its direction', async (lang, dir, caption, statusHeading) => {
    const { html } = await certificate('dar-argan', lang);
    expect(html).toContain(`<html lang="${lang}" dir="${dir}">`);
    expect(html).toContain(`<h1><span class="caption">${caption}</span> <bdi>دار أركان</bdi></h1>`);
    expect(html).toContain(`<h2 id="status-heading">${statusHeading}</h2>`);
  });

  it.each(['no-such-merchant', 'ATLAS-ELECTRO', 'a'.repeat(65), '%3Cscript%3E', '-atlas'])(
    'answers an unknown or malformed id (%s) with the portal’s 404 page',
    async (id) => {
      const { status, html } = await certificate(id);
      expect(status).toBe(404);
      expect(html).toContain('<h1>Page not found</h1>');
      expect(html).not.toContain('<script>');
    },
  );

  it('is where the check page’s certificate link leads', async () => {
    const check = await (await service.send('GET', '/check?q=https://atlas-electro.test/&lang=fr')).text();
    const link = /<a href="([^"]+)" data-certificate="atlas-electro">/.exec(check)?.[1];
    expect(link).toBe('/merchants/atlas-electro?lang=fr');
    expect((await service.send('GET', link ?? '')).status).toBe(200);
  });

  it('says how the merchant answers the complaints sent to it, once published, in each language', async () => {
    // Nothing before a complaint was ever sent to it.
    expect((await certificate('dar-argan')).html).not.toContain('data-answers');
    await insertSentComplaints(
      service.registry.db,
      { id: 'dar-argan', domain: 'dar-argan.test' },
      '2026-10-01T08:00:00Z',
      [
        ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((days) => ({ answeredAfterDays: days })),
        { answeredAfterDays: null, status: 'unanswered' as const },
      ],
    );
    await service.publish();
    for (const [lang, sentence] of [
      ['en', 'This merchant answered 9 of the 10 complaints Thiqa sent it, typically within 5 days.'],
      ['fr', 'Ce marchand a répondu à 9 des 10 plaintes que Thiqa lui a transmises, en général sous 5 jours.'],
      ['ar', 'ردّ هذا التاجر على 9 من أصل 10 شكاوى أرسلتها إليه ثقة، عادةً في غضون 5 أيام.'],
    ]) {
      const complaints = part((await certificate('dar-argan', lang)).html, 'id="complaints-heading"');
      expect(complaints, lang).toContain(`<p class="answers" data-answers="9/10">${sentence}</p>`);
    }
    // The check page says what the popup says.
    const check = await (await service.send('GET', '/check?q=https://dar-argan.test/&lang=en')).text();
    expect(check).toContain('typically within 5 days.</p>');
  });

  it('says a merchant is revoked, and since when, once the revocation is published', async () => {
    expect((await certificate('atlas-electro')).html).toContain('data-status="verified"');
    const revoked = { ...bundledMerchant(service.bundled, 'atlas-electro'), status: 'revoked' as const };
    await importMerchantRecords(service.registry, [revoked], '2026-11-26T15:00:00Z');
    // The page follows the publication, not the registry: nothing changes until then.
    const before = (await certificate('atlas-electro')).html;
    expect(before).toContain('data-status="verified"');
    expect(before).not.toContain('data-status="revoked"');
    expect(before).not.toContain('Revoked on');

    await service.publish();
    // The registry moves on after the publication: the published status keeps no date of a later change.
    const fesRevoked = { ...bundledMerchant(service.bundled, 'fes-cuir'), status: 'revoked' as const };
    await importMerchantRecords(service.registry, [fesRevoked], '2026-11-26T20:00:00Z');

    const after = (await certificate('atlas-electro')).html;
    expect(after).toContain(
      '<section class="certificate-status level--danger" data-status="revoked" data-since="2026-11-26T15:00:00.000Z"',
    );
    expect(after).toContain('Revoked on November 26, 2026');
    expect(after).toContain('Thiqa revoked this merchant’s verification on November 26, 2026');
    expect(after).toContain('data-reason="merchant-revoked"');
    expect(after).toContain('This merchant is not verified at present, and its badge says so.');
    expect(after).not.toContain('tag--verified');
    expect((await certificate('atlas-electro', 'fr')).html).toContain('Retiré le 26 novembre 2026');
    expect((await certificate('atlas-electro', 'ar')).html).toContain('سُحب التوثيق في 26 نونبر 2026');

    const undated = (await certificate('fes-cuir')).html;
    expect(undated).toContain('data-status="suspended"');
    expect(undated).toContain('(the date of the change was not recorded)');
    expect(undated).not.toContain('November 26, 2026');
  });

  it('answers from memory: with the database closed, the pages still answer', async () => {
    await service.registry.close();
    const { status, html } = await certificate('atlas-electro');
    expect(status).toBe(200);
    expect(html).toContain('Revoked on November 26, 2026');
    expect((await service.send('GET', '/merchants?q=atlas&lang=en')).status).toBe(200);
  });
});
