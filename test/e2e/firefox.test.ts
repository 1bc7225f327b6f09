// biome-ignore-all lint/performance/useDomNodeTextContent: innerText is the rendered text a shopper reads, which is what these tests assert
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPublication, type Publication } from '../../src/directory/publication.ts';
import { snapshotSchema } from '../../src/directory/schemas.ts';
import { generateSigningKey, importSigningKey } from '../../src/directory/signing.ts';
import { e2eDirectory, FIXTURE_SHOPS } from '../fixtures/e2e-directory.ts';
import { buildExtension } from './build-extension.ts';
import {
  type FirefoxWithExtension,
  launchFirefoxWithExtension,
  requestFromExtensionPage,
  tabIdFor,
  toolbarBadge,
} from './firefox-session.ts';
import { type DirectoryServer, type ShopServer, startDirectoryServer, startShopServer } from './fixture-servers.ts';

// The core cases of the Chromium suite in Debian's Firefox ESR, driven over WebDriver BiDi:
// the Firefox build (Manifest V2) installed as a temporary add-on, loopback shops and a
// loopback directory host publishing files signed with a key made for this run. One
// Firefox for the whole file. English: Debian's Firefox speaks its own UI language.

const ROOT = resolve(import.meta.dirname, '../..');
/** Firefox for Android opens the popup as a full page on a phone this wide. */
const PHONE = { width: 360, height: 640 };

let shops: ShopServer;
let directory: DirectoryServer;
let publication: Publication;
let firefox: FirefoxWithExtension;
let probe: Page;
/** Where the file's time goes, printed at the end (seconds). */
const timings: Record<string, number> = {};
const since = (start: number) => Math.round((Date.now() - start) / 100) / 10;

beforeAll(async () => {
  let start = Date.now();
  [shops, directory] = await Promise.all([startShopServer(), startDirectoryServer()]);
  const { info, privateJwk } = await generateSigningKey();
  const now = new Date();
  const bundled = snapshotSchema.parse(
    JSON.parse(readFileSync(resolve(ROOT, 'public/directory/snapshot.json'), 'utf8')),
  );
  const current = e2eDirectory(now, bundled.version + 1, new Date(now.getTime() - 3 * 3_600_000));
  publication = await buildPublication({
    current,
    previous: [bundled],
    keys: [await importSigningKey(privateJwk)],
  });
  directory.publish(publication);
  timings.servers = since(start);
  start = Date.now();
  // Firefox starts while the extension builds.
  const building = buildExtension('firefox-e2e', {
    browser: 'firefox',
    directoryUrl: directory.directoryUrl,
    publicKeys: info.publicKey,
  });
  firefox = await launchFirefoxWithExtension(building, { shopProxyPort: shops.port });
  timings.buildLaunchAndInstall = since(start);
  start = Date.now();
  probe = await firefox.openExtensionPage('options.html', '[data-fact="version"]');
  // The first sync (the install-time delta 1 → 2) has landed once the directory says version 2.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as {
      value?: { version: number };
    };
    if (status.value?.version === publication.manifest.version) break;
    if (Date.now() > deadline) throw new Error(`the first sync did not land: ${JSON.stringify(status)}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  timings.firstSync = since(start);
});

afterAll(async () => {
  console.log(`Firefox e2e set-up, seconds: ${JSON.stringify(timings)}`);
  await firefox?.close();
  await Promise.all([shops?.close(), directory?.close()]);
});

async function openShop(host: string, path: string): Promise<{ page: Page; tabId: number }> {
  const page = await firefox.browser.newPage();
  await page.goto(shops.urlFor(host, path));
  return { page, tabId: await tabIdFor(probe, shops.urlFor(host, '')) };
}

async function openPopup(tabId: number): Promise<Page> {
  const popup = await firefox.browser.newPage();
  await popup.setViewport(PHONE);
  return firefox.openExtensionPage(`popup.html?tab=${tabId}`, 'main.popup h1', popup);
}

const innerText = (page: Page, selector: string) =>
  page.$eval(selector, (element) => (element as HTMLElement).innerText.replace(/\s+/g, ' ').trim());

interface PhoneLayout {
  scrollWidth: number;
  /** Elements drawn past the screen's edges. */
  outside: string[];
  /** Buttons, links and form fields smaller than 24 × 24 CSS pixels (WCAG 2.2 AA, 2.5.8; a checkbox with its label). */
  smallTargets: string[];
  /** Text cut off by its own box. */
  clipped: string[];
}

/** How the popup lies out on a 360 px phone screen. */
function phoneLayout(page: Page): Promise<PhoneLayout> {
  return page.evaluate(() => {
    const name = (element: Element) =>
      `${element.localName}${element.className ? `.${String(element.className).split(' ')[0]}` : ''} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
    const width = document.documentElement.clientWidth;
    const all = [...document.querySelectorAll('main *')];
    const outside = all
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && (box.left < -0.5 || box.right > width + 0.5);
      })
      .map(name);
    const smallTargets = [...document.querySelectorAll('main a, main button, main select, main textarea, main input')]
      // A link inside a sentence is sized by the sentence's lines (WCAG's inline exception).
      .filter(
        (element) =>
          element.localName !== 'a' ||
          (element.parentElement?.textContent ?? '').trim() === element.textContent?.trim(),
      )
      .map((element) => element.closest('label') ?? element)
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width < 24 || box.height < 24;
      })
      .map(name);
    const clipped = all
      .filter((element) => {
        const style = getComputedStyle(element);
        // Text hidden on purpose for screen readers only is clipped by design.
        if (element.matches('.visually-hidden')) return false;
        const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
        return hides && element.scrollWidth > element.clientWidth + 1;
      })
      .map(name);
    return { scrollWidth: document.documentElement.scrollWidth, outside, smallTargets, clipped };
  });
}

describe('the extension in Firefox ESR', () => {
  it('paints the toolbar badge for each level, with the level in words in the tooltip', async () => {
    const cases: Array<[string, string, string]> = [
      [FIXTURE_SHOPS.verified, '✓', 'Thiqa: atlas-electro.test is a verified merchant'],
      [FIXTURE_SHOPS.cautionExpiredLabel, '!', 'Thiqa: caution with marrakech-mode.test'],
      [FIXTURE_SHOPS.danger, '✕', 'Thiqa: danger — promo-iphone-maroc.test is flagged or no longer verified'],
      [FIXTURE_SHOPS.unknown, '?', 'Thiqa: boutique-inconnue.ma is not in the directory'],
    ];
    for (const [host, text, title] of cases) {
      const { page, tabId } = await openShop(host, '/produit');
      await expect.poll(() => toolbarBadge(probe, tabId)).toEqual({ text, title });
      await page.close();
    }
  });

  it('shows the in-page badge on a shop page, its claims read by the background', async () => {
    // The content script finds a shop page, hands the page's facts over and draws the badge.
    const { page, tabId } = await openShop(FIXTURE_SHOPS.unknown, '/produit');
    await page.waitForSelector('thiqa-badge', { timeout: 15_000 });
    const view = (await requestFromExtensionPage(probe, { type: 'getTabView', tabId })) as {
      value?: { page: { checklist: unknown[] } | null };
    };
    expect(view.value?.page?.checklist.length).toBe(8);
    await page.close();
  });

  it("shows a verified shop's card and a dangerous shop's warning in the popup, laid out for a 360 px phone", async () => {
    const verified = await openShop(FIXTURE_SHOPS.verified, '/produit');
    const popup = await openPopup(verified.tabId);
    expect(await innerText(popup, 'h1')).toBe('Atlas Électro');
    expect(await popup.$eval('header.verdict', (header) => header.getAttribute('data-level'))).toBe('verified');
    expect(await innerText(popup, '.verdict__level')).toBe('Verified merchant');
    expect(await innerText(popup, '[data-fact="legal-name"] dd')).toBe('Atlas Électro SARL');
    const layout = await phoneLayout(popup);
    expect(layout).toMatchObject({ outside: [], smallTargets: [], clipped: [] });
    expect(layout.scrollWidth).toBeLessThanOrEqual(PHONE.width);

    const danger = await openShop(FIXTURE_SHOPS.danger, '/iphone');
    const dangerPopup = await openPopup(danger.tabId);
    expect(await dangerPopup.$eval('header.verdict', (header) => header.getAttribute('data-level'))).toBe('danger');
    expect(await innerText(dangerPopup, '.verdict__level')).toBe('Danger');
    expect(await innerText(dangerPopup, 'main')).toContain('Why this shop is flagged');
    expect(await phoneLayout(dangerPopup)).toMatchObject({ outside: [], smallTargets: [], clipped: [] });
    await Promise.all([verified.page.close(), popup.close(), danger.page.close(), dangerPopup.close()]);
  });

  it('sends one report from the popup, without query or fragment, and shows the receipt', async () => {
    const before = directory.reports.size;
    const shop = await openShop(FIXTURE_SHOPS.danger, '/iphone-15?utm_source=sms#commander');
    const popup = await openPopup(shop.tabId);
    const button = await popup.waitForSelector('::-p-xpath(//button[normalize-space()="Report this shop"])');
    await button?.click();
    await expect
      .poll(() => popup.$eval('[data-receipt]', (element) => element.textContent).catch(() => null))
      .toMatch(/^Report received\. Receipt number: [A-Za-z0-9_-]{22}$/);
    expect(directory.reports.size).toBe(before + 1);
    const sent = [...directory.reports.values()].at(-1);
    expect(sent?.body).toMatchObject({
      url: `http://promo-iphone-maroc.test:${shops.port}/iphone-15`,
      reason: 'suspicious',
      lang: 'en',
    });
    expect(await popup.$eval('[data-receipt]', (element) => element.getAttribute('data-receipt'))).toBe(sent?.receipt);
    await Promise.all([shop.page.close(), popup.close()]);
  });

  it("links the popup's help to the portal's rights page online, and shows the bundled copy in Arabic, right to left", async () => {
    const shop = await openShop(FIXTURE_SHOPS.unknown, '/panier');
    const popup = await openPopup(shop.tabId);
    const help = await popup.$eval('footer a[data-help]', (link) => [link.getAttribute('data-help'), link.href]);
    expect(help).toEqual(['portal', expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/rights\?lang=en$/)]);
    // Offline (BiDi's network emulation): the same link leads to the bundled copy.
    await popup.setOfflineMode(true);
    const helpLink = () =>
      popup.$eval('footer a[data-help]', (link) => [link.getAttribute('data-help'), link.getAttribute('href')]);
    await expect.poll(helpLink).toEqual(['bundled', '/help.html']);
    await popup.setOfflineMode(false);
    await expect.poll(helpLink).toEqual(['portal', expect.stringContaining('/rights?lang=en')]);

    await requestFromExtensionPage(probe, { type: 'setLanguage', language: 'ar' });
    const page = await firefox.openExtensionPage('help.html', 'main.help h2');
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'ar',
      'rtl',
    ]);
    expect(await innerText(page, 'h1')).toBe('حقوقك عند الشراء عبر الإنترنت');
    const headings = await page.$$eval('h2', (all) => all.map((heading) => heading.textContent?.trim()));
    expect(headings).toContain('إذا غيّرت رأيك: 7 أيام للتراجع');
    // Right to left: the title's text sits against the right edge of the column.
    const title = await page.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('h1') as Element);
      const text = range.getBoundingClientRect();
      const column = (document.querySelector('main') as Element).getBoundingClientRect();
      return { fromRight: column.right - text.right, fromLeft: text.left - column.left };
    });
    expect(title.fromRight).toBeLessThan(30);
    expect(title.fromLeft).toBeGreaterThan(100);
    await requestFromExtensionPage(probe, { type: 'setLanguage', language: 'auto' });
    await Promise.all([shop.page.close(), popup.close(), page.close()]);
  });
});
