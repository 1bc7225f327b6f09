import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { importMerchantRecords, newMerchant } from '../../test/support/merchant-records.ts';

// `/merchants?q=`: what a shopper finds, in which order, on which page, from the demo's
// registry plus 24 merchants of Oujda (so that the list runs to two pages), the last two
// with an Arabic name written with the article, and with accents in the name only.

const EXTRA = 24;

describe('searching the merchants', () => {
  let service: DemoService;
  beforeAll(async () => {
    service = await openDemoService();
    const extra = Array.from({ length: EXTRA - 2 }, (_, index) => newMerchant(index + 1));
    extra.push(newMerchant(EXTRA - 1, { legalName: 'الأطلس للتجارة', tradeNames: [] }));
    extra.push(newMerchant(EXTRA, { legalName: 'Épicerie Hélène SARL', tradeNames: ['Épicerie Hélène'] }));
    await importMerchantRecords(service.registry, extra, '2026-11-26T09:00:00Z');
    await service.publish();
  }, 120_000);
  afterAll(async () => service.close());

  async function search(params: Record<string, string>) {
    const response = await service.send('GET', `/merchants?${new URLSearchParams({ lang: 'en', ...params })}`);
    const html = await response.text();
    const ids = [...html.matchAll(/<li data-merchant="([^"]+)"/g)].map((match) => match[1]);
    return { status: response.status, html, ids };
  }
  const found = async (q: string) => (await search({ q })).ids;

  it.each([
    ['دار اركان', 'bare alef for أ'],
    ['دَارُ أَرْكَانْ', 'with harakat'],
    ['تعاونيه دار', 'heh for teh marbuta, words in any order'],
    ['dar argan', 'its Latin trade name'],
  ])('finds the Arabic-named merchant by %j (%s)', async (q) => {
    expect(await found(q)).toEqual(['dar-argan']);
  });

  it.each(['أطلس', 'الاطلس', 'تجارة', 'للتجاره'])('finds an Arabic word with or without its article: %j', async (q) => {
    expect(await found(q)).toEqual(['test-shop-023']);
  });

  it.each([
    ['atlas electro', ['atlas-electro']],
    ['ATLAS ÉLECTRO sarl', ['atlas-electro']],
    ['fes cuir', ['fes-cuir']],
    ['Fès', ['fes-cuir']],
    ['epicerie helene', ['test-shop-024']],
    ['ÉPICERIE HÉLÈNE', ['test-shop-024']],
  ])('finds a French name whatever its accents and case: %j', async (q, ids) => {
    expect(await found(q)).toEqual(ids);
  });

  it.each([
    ['دار-أركان.test', 'dar-argan'],
    ['xn----rmckc0bnc8l2a.test', 'dar-argan'],
    ['https://www.atlas-electro.test/produits?id=7', 'atlas-electro'],
    ['souk-bladi.youcan.shop', 'souk-bladi'],
  ])('finds the merchant of a domain or link, Unicode or punycode: %j', async (q, id) => {
    expect(await found(q)).toEqual([id]);
  });

  it('answers a query of one short word repeated a hundred times as it answers the word once', async () => {
    // Every ICE starts with 0: each repetition once cost another pass over every merchant.
    const once = await search({ q: '0' });
    const repeated = await search({ q: Array.from({ length: 100 }, () => '0').join(' ') });
    expect(repeated.status).toBe(200);
    expect(repeated.ids).toEqual(once.ids);
    expect(await found('cas casa casablanca casab')).toEqual(await found('casablanca'));
  });

  it('finds the merchants of a city, alphabetically', async () => {
    expect(await found('casablanca')).toEqual(['atlas-electro', 'casa-deals']);
    expect(await found('Agadir')).toEqual(['dar-argan']);
  });

  it('finds a merchant by its ICE, typed with spaces, whole or in part', async () => {
    expect(await found('002 610 004 000 004')).toEqual(['dar-argan']);
    expect(await found('0026 1000')).toEqual(['dar-argan']);
  });

  it.each([
    ['CNDP', ['atlas-electro', 'dar-argan']],
    ['FNEM', ['dar-argan']],
    ['e-thiq', ['atlas-electro', 'marrakech-mode']],
    ['CMI', ['atlas-electro', 'tanger-tech']],
    ['paiement en ligne', ['atlas-electro', 'tanger-tech']],
    ['الأداء الإلكتروني', ['atlas-electro', 'tanger-tech']],
  ])('finds the holders of a label by its name in any language: %j', async (q, ids) => {
    expect(await found(q)).toEqual(ids);
  });

  it('lists revoked and suspended merchants, marked in danger colours, never as verified', async () => {
    const revoked = await search({ q: 'casa deals' });
    expect(revoked.ids).toEqual(['casa-deals']);
    expect(revoked.html).toContain('<span class="tag tag--danger" data-status="revoked">');
    expect(revoked.html).toContain('Verification revoked');
    expect(revoked.html).not.toContain('tag--verified');
    const suspended = await search({ q: 'fes cuir', lang: 'fr' });
    expect(suspended.html).toContain('<span class="tag tag--danger" data-status="suspended">');
    expect(suspended.html).toContain('Vérification suspendue');
  });

  it('marks a verified merchant the extension warns about, as the extension does', async () => {
    const { html } = await search({ q: 'souk bladi' });
    expect(html).toContain('data-status="verified"');
    expect(html).toContain('<span class="tag tag--caution" data-level="caution">');
    expect((await search({ q: 'atlas electro' })).html).not.toContain('tag--caution');
  });

  it('shows each result’s name, city, shops, labels and a link to its certificate', async () => {
    const { html } = await search({ q: 'dar argan' });
    expect(html).toContain('<a href="/merchants/dar-argan?lang=en"><bdi>دار أركان</bdi></a>');
    expect(html).toContain('<bdi>Agadir</bdi>');
    expect(html).toContain('<bdi dir="ltr" data-domain="xn----rmckc0bnc8l2a.test">دار-أركان.test</bdi>');
    expect(html).toContain('FNEM member, CNDP declaration (law 09-08)');
  });

  it('lists every merchant alphabetically in the page’s language when nothing is typed, 20 a page', async () => {
    const first = await search({ q: '' });
    expect(first.status).toBe(200);
    expect(first.html).toContain('All merchants, from A to Z');
    expect(first.html).toContain(`Results: ${7 + EXTRA}`);
    expect(first.html).toContain('Page 1 of 2');
    expect(first.ids).toHaveLength(20);
    expect(first.ids.slice(0, 9)).toEqual([
      'atlas-electro',
      'casa-deals',
      'test-shop-024',
      'fes-cuir',
      'marrakech-mode',
      'souk-bladi',
      'tanger-tech',
      'test-shop-001',
      'test-shop-002',
    ]);
    expect(first.html).toContain('<a href="/merchants?page=2&amp;lang=en" rel="next">Next page</a>');
    expect(first.html).not.toContain('rel="prev"');

    const second = await search({ page: '2' });
    expect(second.ids).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `test-shop-0${i + 14}`),
      'test-shop-023',
      'dar-argan',
    ]);
    expect(second.html).toContain('Page 2 of 2');
    expect(second.html).toContain('<a href="/merchants?page=1&amp;lang=en" rel="prev">Previous page</a>');
    expect(second.html).not.toContain('rel="next"');

    // Arabic collation puts the Arabic names first.
    expect((await search({ lang: 'ar' })).ids.slice(0, 3)).toEqual(['test-shop-023', 'dar-argan', 'atlas-electro']);
  });

  it('pages through the results of a query, keeping the query in the links', async () => {
    const second = await search({ q: 'Oujda', page: '2' });
    expect(second.html).toContain(`Results: ${EXTRA}`);
    expect(second.ids).toHaveLength(EXTRA - 20);
    expect(second.html).toContain('<a href="/merchants?q=Oujda&amp;page=1&amp;lang=en" rel="prev">');
  });

  it('shows the last page for a page past the end', async () => {
    const past = await search({ q: 'Oujda', page: '99' });
    expect(past.status).toBe(200);
    expect(past.html).toContain('Page 2 of 2');
    expect(past.ids).toHaveLength(EXTRA - 20);
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '99999999'])(
    'answers a junk page number (%j) with a clear error',
    async (page) => {
      const { status, html, ids } = await search({ q: 'Oujda', page });
      expect(status).toBe(400);
      expect(html).toContain('<div class="error-summary" role="alert"');
      expect(html).toContain(`“${page}” is not a page number. Go to the first page of results`);
      expect(html).toContain('<a href="/merchants?q=Oujda&amp;lang=en">');
      expect(ids).toEqual([]);
    },
  );

  it('says when nothing matches and offers to check the address instead', async () => {
    const { status, html, ids } = await search({ q: 'zzqx boutique' });
    expect(status).toBe(200);
    expect(ids).toEqual([]);
    expect(html).toContain('Results: 0');
    expect(html).toContain('No merchant matches your search.');
    expect(html).toContain('<a href="/check?q=zzqx+boutique&amp;lang=en">');
  });

  it('echoes the query into the form, which works without JavaScript (GET)', async () => {
    const { html } = await search({ q: 'Atlas' });
    expect(html).toMatch(/<form method="get" action="\/merchants">/);
    expect(html).toContain('<input type="hidden" name="lang" value="en"/>');
    expect(html).toContain('name="q" value="Atlas"');
    expect(html).toContain('<label for="merchants-q">Search for a merchant</label>');
  });

  it('renders markup in a query inert', async () => {
    const q = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const { status, html } = await search({ q });
    expect(status).toBe(200);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows bidi and invisible characters of a query as replacement marks, never as they are', async () => {
    const { html } = await search({ q: 'atlas\u202e\u2066\u200b' });
    expect(html).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b]/);
    expect(html).toContain('atlas\ufffd\ufffd\ufffd');
  });

  it('refuses a 10 KB query with an error at the field, echoing no more than the limit', async () => {
    const { status, html } = await search({ q: `${'a'.repeat(10_240)}<b>` });
    expect(status).toBe(400);
    expect(html).toContain('<a href="#merchants-q">The search is too long: at most 200 characters</a>');
    expect(html).toContain('aria-invalid="true"');
    // The page's own content; the language switcher's links carry the address as it came.
    const main = html.slice(html.indexOf('<main'));
    expect(main.includes(`value="${'a'.repeat(200)}"`)).toBe(true);
    expect(main.includes('a'.repeat(201))).toBe(false);
    expect(html.includes('<b>')).toBe(false);
  });

  it.each([
    ['ar', 'rtl', 'التجار الموثَّقون', 'عدد النتائج: 1'],
    ['fr', 'ltr', 'Marchands vérifiés', 'Résultats : 1'],
    ['en', 'ltr', 'Verified merchants', 'Results: 1'],
  ])('speaks %s with its direction', async (lang, dir, title, count) => {
    const { html } = await search({ q: 'tanger', lang });
    expect(html).toContain(`<html lang="${lang}" dir="${dir}">`);
    expect(html).toContain(`<h1>${title}</h1>`);
    expect(html).toContain(count);
  });
});
