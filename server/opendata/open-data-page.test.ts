import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenDataService, openOpenDataService, PERSONAL_MARKERS } from '../../test/support/open-data-registry.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { openTestService } from '../../test/support/test-service.ts';
import { portalWords } from '../portal/portal-words.ts';

// /open-data as a shopper reads it with scripts off: three charts, each named for a screen
// reader and beside a table of the same numbers, suppressed counts said in words, the
// files to download; in Arabic, French and English.

let service: OpenDataService;

beforeAll(async () => {
  service = await openOpenDataService();
}, 60_000);
afterAll(() => service.close());

describe('/open-data', () => {
  it.each(['ar', 'fr', 'en'] as const)('draws the charts beside their tables in %s', async (lang) => {
    const words = portalWords(lang);
    const response = await service.send('GET', `/open-data?lang=${lang}`);
    const html = await response.clone().text();
    const page = await readPortalPage(response);
    expect(page.status).toBe(200);
    expect([page.lang, page.dir]).toEqual([lang, lang === 'ar' ? 'rtl' : 'ltr']);
    expect(page.text('h1')).toBe(words.p('opendata_title'));
    expect(html).not.toMatch(/\sstyle=/);

    const charts = [...page.document.querySelectorAll('svg')];
    expect(charts.map((svg) => svg.querySelector('title')?.textContent)).toEqual([
      words.p('opendata_complaintsChartTitle'),
      words.p('opendata_answersChartTitle'),
      words.p('opendata_moderationChartTitle'),
    ]);
    for (const svg of charts) {
      expect(svg.getAttribute('role')).toBe('img');
      expect(svg.getAttribute('width')).toBe('100%');
      expect(svg.getAttribute('viewBox')).toMatch(/^0 0 400 \d+$/);
      const [titleId, descId] = (svg.getAttribute('aria-labelledby') ?? '').split(' ');
      expect(svg.querySelector(`#${titleId}`)?.tagName.toLowerCase()).toBe('title');
      expect(svg.querySelector(`#${descId}`)?.textContent).not.toBe('');
      // Every number a bar is labelled with is in the table that follows the chart.
      const table = svg.nextElementSibling?.querySelector('table');
      const cells = [...(table?.querySelectorAll('tbody td') ?? [])].map((cell) => cell.textContent);
      const values = [...svg.querySelectorAll('text.chart__value')].map((text) => text.textContent);
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(cells).toContain(value);
    }

    for (const table of page.document.querySelectorAll('table')) {
      expect(table.querySelector('caption')?.textContent).not.toBe('');
      for (const th of table.querySelectorAll('th')) expect(['col', 'row']).toContain(th.getAttribute('scope'));
    }
    // September's 3 fraud complaints and 2 rejections: said, not counted.
    const september = new Intl.DateTimeFormat(`${lang}-MA`, {
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date('2026-09-15T12:00:00Z'));
    const fraudRow = [...page.document.querySelectorAll('tbody tr')].find(
      (row) =>
        row.querySelector('th')?.textContent === september && row.textContent?.includes(words.t('reportReason_fraud')),
    );
    expect(fraudRow?.querySelectorAll('td')[1]?.textContent).toBe(words.p('opendata_withheld'));

    const links = [...page.document.querySelectorAll('a[href^="/v1/open-data/"]')].map((a) => a.getAttribute('href'));
    expect(links).toEqual([
      '/v1/open-data/2/open-data.json',
      '/v1/open-data/2/complaints-by-month.csv',
      '/v1/open-data/2/merchants.csv',
      '/v1/open-data/2/moderation.csv',
      '/v1/open-data/2/contests.csv',
      '/v1/open-data/schema.json',
    ]);
    for (const marker of Object.values(PERSONAL_MARKERS)) expect(html).not.toContain(marker);
    expect(page.texts('footer a')).toContain(words.p('opendata_footerLink'));
  });

  it('puts the labels on the right in Arabic', async () => {
    const page = await readPortalPage(await service.send('GET', '/open-data?lang=ar'));
    const label = page.document.querySelector('text.chart__label');
    expect(label?.getAttribute('direction')).toBe('rtl');
    expect(Number(label?.getAttribute('x'))).toBeGreaterThan(300);
    const english = await readPortalPage(await service.send('GET', '/open-data?lang=en'));
    expect(Number(english.document.querySelector('text.chart__label')?.getAttribute('x'))).toBeLessThan(120);
  });

  it('says that nothing is published yet before the first publication', async () => {
    const fresh = await openTestService();
    try {
      const page = await readPortalPage(await fresh.send('GET', '/open-data?lang=fr'));
      expect(page.status).toBe(200);
      expect(page.text('main')).toContain(portalWords('fr').p('opendata_empty'));
      expect(page.document.querySelector('svg')).toBeNull();
      expect((await fresh.send('GET', '/v1/open-data/latest/open-data.json')).status).toBe(404);
    } finally {
      await fresh.close();
    }
  });
});
