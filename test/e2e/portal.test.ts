import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, openDemoService } from '../support/demo-service.ts';
import { CHROMIUM_PATH } from './browser.ts';
import { seriousAxeViolations } from './extension-probe.ts';

// The public portal in real Chromium, as a shopper on a phone without the extension uses
// it: with JavaScript disabled, from the service serving the demo's published directory.

const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results');
const PHONE = { width: 360, height: 780 };
const DESKTOP = { width: 1280, height: 900 };

let service: DemoService;
let server: ReturnType<typeof serve>;
let portal: string;
let browser: Browser;
let noScript: BrowserContext;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const started = createServer(handler);
  await new Promise<void>((done) => started.listen(0, '127.0.0.1', done));
  return { server: started, url: `http://127.0.0.1:${(started.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  service = await openDemoService();
  server = await new Promise((done) => {
    const started = serve({ fetch: service.app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(started));
  });
  portal = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
  noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR', viewport: PHONE });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await service?.close();
});

const squash = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('the portal without JavaScript', () => {
  it('checks a demo shop, shows its verdict and merchant, and opens its certificate page', async () => {
    const page = await noScript.newPage();
    await page.goto(`${portal}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.locator('#check-q').fill('https://www.atlas-electro.test/produit/tv?utm_source=fb');
    await Promise.all([page.waitForURL(/\/check\?/), page.locator('main form button[type="submit"]').click()]);
    expect(await squash(page, '.verdict__level')).toBe('Commerçant vérifié');
    expect(await squash(page, '[data-fact="legal-name"] dd')).toBe('Atlas Électro SARL');
    await Promise.all([page.waitForURL(/\/merchants\/atlas-electro\?/), page.locator('[data-certificate]').click()]);
    const certificate = await squash(page, 'main');
    expect(certificate).toContain('Atlas Électro SARL');
    expect(certificate).toContain('001520003000037');
    expect(certificate).toContain('atlas-electro.test');
    await page.close();
  });

  it('says danger for a flagged shop, in Arabic from right to left', async () => {
    const page = await noScript.newPage();
    await page.goto(`${portal}/check?q=promo-iphone-maroc.test&lang=ar`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('.verdict').getAttribute('data-level')).toBe('danger');
    // The switcher keeps the page and changes the language, and the choice is remembered.
    await Promise.all([page.waitForURL(/lang=en/), page.locator('.languages a[hreflang="en"]').click()]);
    expect(await squash(page, '.verdict__level')).toBe('Danger');
    await page.goto(`${portal}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.close();
  });

  it('searches the verified merchants and opens one', async () => {
    const page = await noScript.newPage();
    await page.goto(`${portal}/merchants?lang=fr`);
    await page.locator('main input[name="q"]').fill('argan');
    await Promise.all([page.waitForURL(/q=argan/), page.locator('main form button[type="submit"]').click()]);
    const results = page.locator('main a[href^="/merchants/dar-argan"]');
    expect(await results.count()).toBeGreaterThan(0);
    await Promise.all([page.waitForURL(/\/merchants\/dar-argan/), results.first().click()]);
    expect(await squash(page, 'main')).toContain('تعاونية دار أركان للمنتجات الطبيعية');
    await page.close();
  });

  it('files a report and reads its status by the receipt', async () => {
    const page = await noScript.newPage();
    await page.goto(
      `${portal}/report?lang=fr&url=${encodeURIComponent('https://promo-iphone-maroc.test/offre?ref=wa')}`,
    );
    await page.locator('input[name="reason"][value="non-delivery"]').check();
    await page.locator('textarea[name="details"]').fill('Payé 900 DH à la livraison, colis vide.');
    await Promise.all([
      page.waitForURL(/\/report\/[A-Za-z0-9_-]{22}/),
      page.locator('main form button[type="submit"]').click(),
    ]);
    const receipt = await squash(page, '.receipt');
    expect(receipt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const stored = await service.registry.db
      .selectFrom('reports')
      .select(['url', 'reason', 'details'])
      .where('receipt', '=', receipt)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      url: 'https://promo-iphone-maroc.test/offre',
      reason: 'non-delivery',
      details: 'Payé 900 DH à la livraison, colis vide.',
    });
    const again = await noScript.newPage();
    await again.goto(`${portal}/report/${receipt}?lang=en`);
    expect(await squash(again, 'main')).toContain(receipt);
    await Promise.all([page.close(), again.close()]);
  });

  it('refuses a report posted from another site', async () => {
    const before = await service.registry.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const evil = await listen((_request, response) => {
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><form method="post" action="${portal}/report">
        <input name="url" value="https://atlas-electro.test/"><input name="reason" value="fraud">
        <input name="details" value="forged"><button>Win a prize</button></form>`);
    });
    const page = await noScript.newPage();
    await page.goto(evil.url);
    const [response] = await Promise.all([page.waitForNavigation(), page.locator('button').click()]);
    expect(response?.status()).toBe(403);
    const after = await service.registry.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    await page.close();
    evil.server.close();
  });
});

describe('the portal’s accessibility', () => {
  it('has no serious or critical axe violation on any page, in each language, at 360 px and 1280 px', async () => {
    const receipt = (
      await service.registry.db.selectFrom('reports').select('receipt').limit(1).executeTakeFirstOrThrow()
    ).receipt;
    const pages = [
      '/',
      '/check?q=https%3A%2F%2Fwww.atlas-electro.test%2F',
      '/check?q=livraison-gratuite.test',
      '/check?q=',
      '/merchants',
      '/merchants?q=casa',
      '/merchants/atlas-electro',
      '/merchants/casa-deals',
      '/report',
      `/report/${receipt}`,
      '/rights',
      '/privacy',
      '/accessibility',
      '/extension',
      '/no-such-page',
    ];
    const found: string[] = [];
    for (const viewport of [PHONE, DESKTOP]) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      for (const lang of ['ar', 'fr', 'en']) {
        for (const path of pages) {
          await page.goto(`${portal}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          // Nothing wider than the screen: a phone shopper never scrolls sideways.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 0) found.push(`${path} ${lang} ${viewport.width}px: ${overflow}px wider than the screen`);
          for (const violation of await seriousAxeViolations(page)) {
            found.push(`${path} ${lang} ${viewport.width}px: ${violation}`);
          }
        }
      }
      await context.close();
    }
    expect(found).toEqual([]);
    // Every page in three languages at two widths, axe on each: a minute on a quiet machine,
    // more while CI's PostgreSQL pass shares the two cores.
  }, 180_000);

  it('takes the README’s screenshots of the portal in Arabic and French', async () => {
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(`${portal}/check?q=souk-bladi.youcan.shop&lang=ar`);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'portal-ar-check.png'), fullPage: true });
    await page.goto(`${portal}/merchants/atlas-electro?lang=fr`);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'portal-fr-certificate.png') });
    await context.close();
  });
});
