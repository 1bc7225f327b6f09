import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import { verdictForInput } from '../../src/directory/verdict.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { loadPublishedDirectory } from '../directory/directory-source.ts';
import { publicDirectoryDir } from '../directory/publisher.ts';

// The check page: what a shopper without the extension reads for a pasted link, from the
// directory as published, in the popup's words.

describe('the check page', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService();
  });
  afterAll(async () => service.close());

  const check = async (q: string, lang = 'fr', headers: Record<string, string> = {}) =>
    readPortalPage(await service.send('GET', `/check?${new URLSearchParams({ q, lang })}`, undefined, headers));

  it('shows a verified merchant with its reasons, identity, labels and complaints', async () => {
    const page = await check('https://www.atlas-electro.test/produit/tv-55?ref=fb#avis');
    expect(page.status).toBe(200);
    expect(page.document.querySelector('.verdict')?.getAttribute('data-level')).toBe('verified');
    expect(page.text('.verdict__level')).toBe('Commerçant vérifié');
    expect(page.text('#verdict-heading')).toContain('Atlas Électro');
    expect(page.texts('.reasons li')).toEqual([expect.stringContaining('Identité vérifiée le 14 septembre 2026')]);
    expect(page.text('[data-fact="ice"] dd')).toBe('001520003000037');
    expect(page.texts('.labels li strong')).toHaveLength(3);
    expect(page.texts('.complaints li')).toEqual([expect.stringContaining('1')]);
    const certificate = page.document.querySelector('[data-certificate]');
    expect(certificate?.getAttribute('href')).toBe('/merchants/atlas-electro?lang=fr');
    expect(page.text('.freshness')).toContain('Version 1');
  });

  it('speaks the page language with its direction', async () => {
    const arabic = await check('atlas-electro.test', 'ar');
    expect([arabic.lang, arabic.dir]).toEqual(['ar', 'rtl']);
    expect(arabic.text('.verdict__level')).toBe('تاجر موثّق');
    const english = await check('atlas-electro.test', 'en');
    expect([english.lang, english.dir]).toEqual(['en', 'ltr']);
    expect(english.text('.verdict__level')).toBe('Verified merchant');
  });

  it('finds an Arabic domain typed in Unicode or in punycode', async () => {
    const unicode = await check('https://دار-أركان.test/منتجات');
    const punycode = await check('xn----rmckc0bnc8l2a.test');
    for (const page of [unicode, punycode]) {
      expect(page.document.querySelector('.verdict')?.getAttribute('data-level')).toBe('verified');
      expect(page.text('[data-fact="legal-name"] dd')).toBe('تعاونية دار أركان للمنتجات الطبيعية');
    }
    expect(unicode.text('.verdict')).toContain('xn----rmckc0bnc8l2a.test');
  });

  it('warns of a flagged shop and says why', async () => {
    const page = await check('http://promo-iphone-maroc.test/offre', 'en');
    expect(page.document.querySelector('.verdict')?.getAttribute('data-level')).toBe('danger');
    expect(page.text('#flag-heading + p')).toContain('impossible prices');
    expect(page.document.querySelector('[data-report-link]')?.getAttribute('href')).toContain('url=');
  });

  it('says what it does not know about an unknown shop, and offers a search for a name', async () => {
    const unknown = await check('boutique-inconnue.ma');
    expect(unknown.document.querySelector('.verdict')?.getAttribute('data-level')).toBe('unknown');
    expect(unknown.text('.notice')).toContain('Thiqa ne connaît pas cette boutique');
    const name = await check('Atlas Electro');
    expect(name.document.querySelector('.verdict')?.getAttribute('data-level')).toBe('none');
    expect(name.document.querySelector('[data-search-link]')?.getAttribute('href')).toBe(
      '/merchants?q=Atlas+Electro&lang=fr',
    );
  });

  it('agrees with the extension on every shop of the published directory', async () => {
    const { snapshot } = await loadPublishedDirectory(publicDirectoryDir(service.dataDir));
    const index = new DirectoryIndex(snapshot.state);
    const shops = [
      ...snapshot.state.merchants.flatMap((merchant) => merchant.domains),
      ...snapshot.state.flagged.map((flag) => flag.domain),
      ...snapshot.state.domainComplaints.map((entry) => entry.domain),
      'atlas-e1ectro.test',
    ];
    for (const shop of shops) {
      const expected = verdictForInput(shop, index, new Date('2026-11-27T10:00:00Z')).verdict;
      const page = await check(shop, 'en');
      expect({ shop, level: page.document.querySelector('.verdict')?.getAttribute('data-level') }).toEqual({
        shop,
        level: expected.level,
      });
      expect(
        [...page.document.querySelectorAll('.reasons li')].map((item) => item.getAttribute('data-reason')),
      ).toEqual(expected.reasons.map((reason) => reason.code));
    }
  });

  it('answers an empty or overlong address with an error at the field', async () => {
    const empty = await check('   ', 'en');
    expect(empty.status).toBe(400);
    expect(empty.text('.error-summary')).toContain('Enter the address of a shop');
    expect(empty.document.querySelector('#check-q')?.getAttribute('aria-invalid')).toBe('true');
    const long = await check(`https://shop.ma/${'a'.repeat(3000)}`, 'en');
    expect(long.status).toBe(400);
    expect(long.text('.field-error')).toContain('at most 2048 characters');
  });

  it('shows hostile input as inert text', async () => {
    const response = await service.send(
      'GET',
      `/check?${new URLSearchParams({ q: '<script>alert(1)</script>\u202egnp.exe', lang: 'en' })}`,
    );
    const html = await response.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('\u202e');
    const page = await readPortalPage(new Response(html));
    expect(page.document.querySelectorAll('script')).toHaveLength(1);
    expect(page.text('h1')).toBe('Result of the check');
  });

  it('follows the browser language on a first visit, then the shopper’s choice', async () => {
    const visit = async (headers: Record<string, string>, path = '/') =>
      readPortalPage(await service.send('GET', path, undefined, headers));
    expect((await visit({ 'Accept-Language': 'en-GB,en;q=0.9,fr;q=0.8' })).lang).toBe('en');
    expect((await visit({ 'Accept-Language': 'de-DE,fr;q=0.5,en;q=0.4' })).lang).toBe('fr');
    expect((await visit({ 'Accept-Language': 'de-DE' })).lang).toBe('ar');
    expect((await visit({ 'Accept-Language': 'fr;q=0, en;q=0.1' })).lang).toBe('en');
    const chosen = await service.send('GET', '/?lang=en', undefined, { 'Accept-Language': 'ar' });
    expect(chosen.headers.get('Set-Cookie')).toMatch(/^thiqa_lang=en;.*HttpOnly/);
    expect((await visit({ 'Accept-Language': 'ar', Cookie: 'thiqa_lang=en' })).lang).toBe('en');
    expect((await visit({ Cookie: 'thiqa_lang=xx' })).lang).toBe('ar');
  });

  it('sends its security headers on every page, and keeps the API’s own', async () => {
    for (const path of ['/', '/check?q=atlas-electro.test', '/no-such-page']) {
      const response = await service.send('GET', path);
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      // Not `no-referrer`: under it a browser posts the portal's own forms with `Origin: null`.
      expect(response.headers.get('Referrer-Policy')).toBe('same-origin');
    }
    const missing = await service.send('GET', '/no-such-page', undefined, { 'Accept-Language': 'en' });
    expect(missing.status).toBe(404);
    expect((await readPortalPage(missing)).text('h1')).toBe('Page not found');
    const api = await service.send('GET', '/v1/nothing');
    expect(api.headers.get('Content-Type')).toContain('application/problem+json');
    expect(api.headers.get('Content-Security-Policy')).toBeNull();
  });

  it('serves its stylesheet under a name that changes with it', async () => {
    const page = await check('atlas-electro.test');
    const href = page.document.querySelector('link[rel="stylesheet"]')?.getAttribute('href') ?? '';
    expect(href).toMatch(/^\/assets\/portal\.[0-9a-f]{12}\.css$/);
    const css = await service.send('GET', href);
    expect(css.headers.get('Cache-Control')).toContain('immutable');
    expect(await css.text()).toContain('--danger-ink: #a40e26');
    expect((await service.send('GET', '/assets/portal.css')).status).toBe(404);
  });

  it('follows a new publication without a restart, and says when the directory is out of date', async () => {
    expect(
      (await check('atlas-e1ectro.test', 'en')).document.querySelector('.verdict')?.getAttribute('data-level'),
    ).toBe('caution');
    const flagged0 = await service.admin('PUT', '/v1/admin/flags/tanger-tech-promo.test', {
      reason: 'phishing',
      summary: 'Copies the Tanger Tech checkout page',
    });
    expect(flagged0.status).toBe(200);
    await service.publish();
    const flagged = await check('tanger-tech-promo.test', 'en');
    expect(flagged.document.querySelector('.verdict')?.getAttribute('data-level')).toBe('danger');
    expect(flagged.text('.freshness')).toContain('Version 2');
    service.setNow('2026-12-15T10:00:00Z');
    const stale = await check('atlas-electro.test', 'en');
    expect(stale.document.querySelector('.freshness')?.getAttribute('data-freshness')).toBe('expired');
    expect(stale.text('.freshness')).toContain('out of date since');
    service.setNow('2026-11-27T10:00:00Z');
  });

  it('says so when nothing is published yet', async () => {
    await rm(join(publicDirectoryDir(service.dataDir), 'manifest.json'));
    const page = await check('atlas-electro.test', 'en');
    expect(page.status).toBe(503);
    expect(page.text('[data-freshness="none"]')).toContain('has not been published yet');
    await service.publish();
  });
});

describe('the language switcher', () => {
  it('keeps the page and its question, but does not repeat a hostile 10 KB query in every link', async () => {
    const service = await openDemoService();
    try {
      const short = await readPortalPage(await service.send('GET', '/check?q=atlas-electro.test&lang=fr'));
      expect(short.document.querySelector('.languages a[hreflang="ar"]')?.getAttribute('href')).toBe(
        '/check?q=atlas-electro.test&lang=ar',
      );
      const huge = await service.send('GET', `/check?q=${'x'.repeat(10_000)}&lang=fr`);
      const html = await huge.text();
      expect(html.length).toBeLessThan(20_000);
      const page = await readPortalPage(new Response(html));
      expect(page.document.querySelector('.languages a[hreflang="ar"]')?.getAttribute('href')).toBe('/check?lang=ar');
    } finally {
      await service.close();
    }
  });
});
