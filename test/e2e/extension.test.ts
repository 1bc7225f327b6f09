// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText() is the rendered text a shopper reads, which is what these tests assert
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildPublication, type Publication } from '../../src/directory/publication.ts';
import { snapshotSchema } from '../../src/directory/schemas.ts';
import { generateSigningKey, importSigningKey } from '../../src/directory/signing.ts';
import type { VerdictLevel } from '../../src/directory/verdict.ts';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import { e2eDirectory, FIXTURE_SHOPS } from '../fixtures/e2e-directory.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import {
  readInPageBadge,
  requestFromExtensionPage,
  seriousAxeViolations,
  tabIdFor,
  toolbarBadge,
  toolbarBadgeColour,
} from './extension-probe.ts';
import {
  type DirectoryServer,
  type RecordedRequest,
  type ShopServer,
  startDirectoryServer,
  startShopServer,
} from './fixture-servers.ts';
import { cssRgb } from './png-pixels.ts';
import { WorkerProblems } from './worker-problems.ts';

// The built extension in Debian's Chromium against loopback shops and a loopback
// directory host publishing files signed with a key made for this run.

// Service-worker requests reach the context's 'request' event only with this set.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = resolve(ROOT, 'test-results');
const HOST_RULES = 'MAP *.test 127.0.0.1, MAP *.ma 127.0.0.1, MAP *.youcan.shop 127.0.0.1';

let extensionDir: string;
let shops: ShopServer;
let directory: DirectoryServer;
let publication: Publication;
/** Every request the browser made in each run, for the privacy checks. */
const runs: Array<{
  lang: string;
  /** Seen by the browser context, from launch on. */
  requests: Array<{ method: string; url: string; resourceType: string }>;
  firstServerRequest: number;
  /** Runs that start with a normal first sync; their sync requests must be identical. */
  comparable: boolean;
  /** Received by the directory host during the run, install-time sync included. */
  serverRequests: () => RecordedRequest[];
}> = [];
const timings: Record<string, number> = {};
/** Errors and warnings the background logs (a CSP refusal of `new Function` would show here). */
const workerProblems = new WorkerProblems();

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [shops, directory] = await Promise.all([startShopServer(), startDirectoryServer()]);
  const { info, privateJwk } = await generateSigningKey();
  const key = await importSigningKey(privateJwk);
  const now = new Date();
  // Published three hours ago, with a delta from the bundled directory (version 1).
  const bundled = snapshotSchema.parse(
    JSON.parse(readFileSync(resolve(ROOT, 'public/directory/snapshot.json'), 'utf8')),
  );
  const current = e2eDirectory(now, bundled.version + 1, new Date(now.getTime() - 3 * 3_600_000));
  publication = await buildPublication({ current, previous: [bundled], keys: [key] });
  directory.publish(publication);
  extensionDir = await buildExtension('suite', { directoryUrl: directory.directoryUrl, publicKeys: info.publicKey });
});

afterAll(async () => {
  await Promise.all([shops?.close(), directory?.close()]);
});

// Whatever a test did, the background logged no error or warning while it ran.
afterEach(() => {
  expect(workerProblems.take()).toEqual([]);
});

interface Run {
  browser: ExtensionBrowser;
  probe: Page;
  extensionUrl(path: string): string;
  firstServerRequest: number;
}

async function startRun(lang: string, options: { expectSync?: boolean } = {}): Promise<Run> {
  const firstServerRequest = directory.requests.length;
  const browser = await launchWithExtension(extensionDir, { lang, hostRules: HOST_RULES });
  const requests: Array<{ method: string; url: string; resourceType: string }> = [];
  const index = runs.length;
  // A run's share of the directory host's log ends where the next run's begins.
  const serverRequests = () => directory.requests.slice(firstServerRequest, runs[index + 1]?.firstServerRequest);
  runs.push({ lang, requests, firstServerRequest, serverRequests, comparable: options.expectSync !== false });
  browser.context.on('request', (request: Request) => {
    requests.push({ method: request.method(), url: request.url(), resourceType: request.resourceType() });
  });
  workerProblems.watch(browser.context, lang);
  const extensionUrl = (path: string) => `chrome-extension://${browser.extensionId}/${path}`;
  const probe = await browser.context.newPage();
  await probe.goto(extensionUrl('options.html'));
  if (options.expectSync === false) return { browser, probe, extensionUrl, firstServerRequest };
  // The first sync (delta 1 → 2) has landed once the directory reports version 2.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as {
      value?: { version: number };
    };
    if (status.value?.version === publication.manifest.version) break;
    if (Date.now() > deadline) throw new Error(`the first sync did not land: ${JSON.stringify(status)}`);
    await probe.waitForTimeout(200);
  }
  return { browser, probe, extensionUrl, firstServerRequest };
}

/** How many report POSTs for this URL the directory host received (from request `from` on). */
function postsOfReport(url: string, from = 0): number {
  return directory.requests
    .slice(from)
    .filter(
      (request) =>
        request.method === 'POST' && request.path === '/v1/reports' && request.body.includes(`"url":"${url}"`),
    ).length;
}

async function openShop(run: Run, host: string, path = '/'): Promise<{ page: Page; tabId: number }> {
  const page = await run.browser.context.newPage();
  const url = shops.urlFor(host, path);
  const started = Date.now();
  await page.goto(url);
  const tabId = await tabIdFor(run.probe, shops.urlFor(host, ''));
  timings[host] ??= Date.now() - started;
  return { page, tabId };
}

async function waitForInPageBadge(page: Page) {
  const started = Date.now();
  await expect.poll(() => readInPageBadge(page), { timeout: 10_000 }).not.toBeNull();
  return { badge: await readInPageBadge(page), waitedMs: Date.now() - started };
}

async function openPopup(run: Run, tabId: number): Promise<Page> {
  const popup = await run.browser.context.newPage();
  await popup.setViewportSize({ width: 380, height: 900 });
  await popup.goto(run.extensionUrl(`popup.html?tab=${tabId}`));
  await popup.locator('main.popup h1').waitFor();
  return popup;
}

describe('in French', () => {
  let run: Run;
  beforeAll(async () => {
    run = await startRun('fr');
  });
  afterAll(async () => {
    await run?.browser.close();
  });

  it('paints the toolbar badge for each level, with the level in words in the tooltip', async () => {
    const cases: Array<[string, string, string]> = [
      [FIXTURE_SHOPS.verified, '✓', 'Thiqa : atlas-electro.test est un commerçant vérifié'],
      [FIXTURE_SHOPS.cautionExpiredLabel, '!', 'Thiqa : prudence avec marrakech-mode.test'],
      [FIXTURE_SHOPS.danger, '✕', "Thiqa : danger — promo-iphone-maroc.test est signalée ou n'est plus vérifiée"],
      [FIXTURE_SHOPS.unknown, '?', "Thiqa : boutique-inconnue.ma n'est pas dans l'annuaire"],
    ];
    for (const [host, text, title] of cases) {
      const { page, tabId } = await openShop(run, host, '/produit');
      await expect.poll(() => toolbarBadge(run.probe, tabId)).toEqual({ text, title });
      await page.close();
    }
    // An address that names no shop (a bare IP) gets no badge text and says so.
    const page = await run.browser.context.newPage();
    await page.goto(`http://127.0.0.1:${shops.port}/`);
    const tabId = await tabIdFor(run.probe, `http://127.0.0.1:${shops.port}/`);
    await expect
      .poll(() => toolbarBadge(run.probe, tabId))
      .toEqual({ text: '', title: "Thiqa : cette page n'est pas une boutique" });
    await page.close();
  });

  it('shows each level with the same mark and colour in the toolbar badge, the in-page badge and the popup', async () => {
    const cases: Array<[VerdictLevel, string]> = [
      ['verified', FIXTURE_SHOPS.verified],
      ['caution', FIXTURE_SHOPS.cautionExpiredLabel],
      ['danger', FIXTURE_SHOPS.danger],
      ['unknown', FIXTURE_SHOPS.unknown],
    ];
    for (const [level, host] of cases) {
      const { mark, ink } = VERDICT_LEVELS[level];
      const colour = cssRgb(ink);
      const shop = await openShop(run, host, '/produit');
      await expect.poll(() => toolbarBadge(run.probe, shop.tabId).then((badge) => badge.text)).toBe(mark);
      expect(await toolbarBadgeColour(run.probe, shop.tabId), `${level}: toolbar`).toBe(colour);

      const badge = (await waitForInPageBadge(shop.page)).badge;
      expect(badge?.level).toBe(level);
      expect(badge?.mark, `${level}: in-page mark`).toBe(mark);
      // The level's ink is the badge's text, background or border (danger is white on ink).
      expect(Object.values(badge?.colours ?? {}), `${level}: in-page colours`).toContain(colour);

      const popup = await openPopup(run, shop.tabId);
      expect(await popup.locator('.verdict__mark').innerText(), `${level}: popup mark`).toBe(mark);
      const header = await popup.locator('header.verdict').evaluate((element) => {
        const style = getComputedStyle(element);
        return [style.color, style.backgroundColor, style.borderTopColor];
      });
      expect(header, `${level}: popup colours`).toContain(colour);
      await Promise.all([shop.page.close(), popup.close()]);
    }
  });

  it('shows the in-page badge on shop pages, quiet when verified and prominent in danger, in a closed shadow root', async () => {
    const verified = await openShop(run, FIXTURE_SHOPS.verified, '/produit');
    const { badge, waitedMs } = await waitForInPageBadge(verified.page);
    timings['badge after load'] = waitedMs;
    expect(badge).toMatchObject({ shadowRootType: 'closed', level: 'verified', dir: 'ltr', lang: 'fr' });
    expect(badge?.text).toContain('Commerçant vérifié');
    // The badge links to the merchant's certificate on the publisher's portal, in the page's language.
    expect(badge?.certificateHref).toMatch(/^http:\/\/[^/]+\/merchants\/atlas-electro\?lang=fr$/);
    // Out of the page's flow: the page does not move when the badge appears.
    expect(
      await verified.page.evaluate(() => getComputedStyle(document.querySelector('thiqa-badge') as Element).position),
    ).toBe('fixed');
    // At the inline end of a left-to-right page: the bottom right corner.
    const width = await verified.page.evaluate(() => window.innerWidth);
    expect((badge?.box.x ?? 0) + (badge?.box.width ?? 0)).toBeGreaterThan(width - 40);
    await verified.page.screenshot({ path: resolve(SCREENSHOTS, 'in-page-badge-fr-verified.png') });

    const danger = await openShop(run, FIXTURE_SHOPS.danger, '/iphone');
    const dangerBadge = (await waitForInPageBadge(danger.page)).badge;
    expect(dangerBadge?.level).toBe('danger');
    expect(dangerBadge?.text).toContain('Danger : ne payez pas cette boutique');
    expect(dangerBadge?.text).toContain('Signalée pour fraude');
    expect(dangerBadge?.box.height).toBeGreaterThan(badge?.box.height ?? 0);
    await danger.page.screenshot({ path: resolve(SCREENSHOTS, 'in-page-badge-fr-danger.png') });
    await Promise.all([verified.page.close(), danger.page.close()]);
  });

  it('shows no in-page badge on a page that is not a shop, and one when the page becomes a shop page in place', async () => {
    const news = await openShop(run, FIXTURE_SHOPS.notAShop, '/article/prix-du-pain');
    // A shop page on the same browser gets its badge within this time; this one must not.
    await news.page.waitForTimeout(1500);
    expect(await readInPageBadge(news.page)).toBeNull();
    expect(await news.page.locator('thiqa-badge').count()).toBe(0);

    // The same site turns into a shop page without a page load (a single-page app).
    await news.page.evaluate(() => {
      const button = document.createElement('button');
      button.textContent = 'Ajouter au panier';
      const price = document.createElement('p');
      price.textContent = 'Abonnement : 99 DH';
      document.body.append(price, button);
      history.pushState(null, '', '/boutique/abonnement');
    });
    expect((await waitForInPageBadge(news.page)).badge?.level).toBe('unknown');
    await news.page.close();
  });

  it('lets the shopper hide the in-page badge on one site, and undo it in the options page', async () => {
    const shop = await openShop(run, FIXTURE_SHOPS.unknown, '/panier');
    const badge = (await waitForInPageBadge(shop.page)).badge;
    expect(badge?.level).toBe('unknown');
    if (!badge?.dismissCenter) throw new Error('the badge has no dismiss button');
    await shop.page.mouse.click(badge.dismissCenter.x, badge.dismissCenter.y);
    await expect.poll(() => readInPageBadge(shop.page)).toBeNull();
    await shop.page.reload();
    await shop.page.waitForTimeout(1500);
    expect(await readInPageBadge(shop.page)).toBeNull();

    const options = await run.browser.context.newPage();
    await options.goto(run.extensionUrl('options.html'));
    const hidden = options
      .locator(`fieldset[data-domain="${FIXTURE_SHOPS.unknown}"]`)
      .getByLabel('Masquer le badge dans la page sur ce site');
    await expect.poll(() => hidden.isChecked()).toBe(true);
    await hidden.uncheck();
    await shop.page.reload();
    expect((await waitForInPageBadge(shop.page)).badge?.level).toBe('unknown');
    await Promise.all([shop.page.close(), options.close()]);
  });

  it("shows the merchant's card: name, legal identity, who verified it, labels, complaints and freshness", async () => {
    const shop = await openShop(run, FIXTURE_SHOPS.verified, '/produit');
    const popup = await openPopup(run, shop.tabId);
    await expect.poll(() => popup.locator('h1').textContent()).toBe('Atlas Électro');
    const text = (await popup.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('atlas-electro.test');
    expect(text).toContain('Commerçant vérifié');
    expect(text).toMatch(/Identité vérifiée le .+ : registre du commerce, appel téléphonique\./);
    expect(await popup.locator('[data-fact="legal-name"] dd').innerText()).toBe('Atlas Électro SARL');
    expect(await popup.locator('a[data-certificate]').getAttribute('href')).toMatch(
      /^http:\/\/[^/]+\/merchants\/atlas-electro\?lang=fr$/,
    );
    expect(await popup.locator('footer a').first().getAttribute('href')).toMatch(/\/rights\?lang=fr$/);
    expect(await popup.locator('[data-fact="ice"] dd').innerText()).toMatch(/^\d{15}$/);
    expect(await popup.locator('[data-fact="rc"] dd').innerText()).toBe('Casablanca 456789');
    expect(await popup.locator('[data-fact="verified-by"] dd').innerText()).toBe(
      'Fédération démo des e-commerçants (FDEC)',
    );
    const eThiq = popup.locator('[data-label="e-thiq"]');
    expect(await eThiq.innerText()).toContain('Délivré par Maroc Numeric Cluster');
    expect(await eThiq.innerText()).toContain('Référence ETQ-2026-0042');
    expect(await eThiq.innerText()).toMatch(/Valable jusqu’au|Valable jusqu'au/);
    expect(await popup.locator('[data-label="cndp"]').innerText()).toContain('Référence D-W-903/2024');
    expect(await popup.locator('[data-category="non-delivery"]').innerText()).toBe('Commande non livrée : 1');
    expect(text).toContain('Annuaire mis à jour il y a 3 heures.');
    await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-fr-verified.png'), fullPage: true });

    const caution = await openShop(run, FIXTURE_SHOPS.cautionExpiredLabel, '/caftan');
    const cautionPopup = await openPopup(run, caution.tabId);
    expect(await cautionPopup.locator('[data-label="e-thiq"]').getAttribute('data-expired')).toBe('true');
    expect(await cautionPopup.locator('[data-label="e-thiq"]').innerText()).toContain('Expiré');
    expect(await cautionPopup.locator('[data-reason="label-expired"]').innerText()).toMatch(
      /Le label « Label e-thiq » a expiré le/,
    );
    await Promise.all([shop.page.close(), popup.close(), caution.page.close(), cautionPopup.close()]);
  });

  it('sends one report on one click, without query or fragment, shows the receipt, then amends the same report', async () => {
    const before = directory.reports.size;
    const shop = await openShop(run, FIXTURE_SHOPS.danger, '/iphone-15?utm_source=sms&phone=0612345678#commander');
    const popup = await openPopup(run, shop.tabId);
    await popup.getByRole('button', { name: 'Signaler cette boutique' }).click();
    await expect
      .poll(() => popup.locator('[data-receipt]').textContent())
      .toMatch(/^Signalement reçu\. Numéro de reçu : [A-Za-z0-9_-]{22}$/);
    expect(directory.reports.size).toBe(before + 1);
    const sent = [...directory.reports.values()].at(-1);
    expect(sent?.body).toMatchObject({
      url: `http://promo-iphone-maroc.test:${shops.port}/iphone-15`,
      reason: 'suspicious',
      lang: 'fr',
    });
    expect(sent?.body.details).toBeUndefined();
    expect(postsOfReport(sent?.body.url ?? '')).toBe(1);
    expect(sent?.body.contact).toBeUndefined();
    expect(await popup.locator('[data-receipt]').getAttribute('data-receipt')).toBe(sent?.receipt);

    await popup.getByLabel("Que s'est-il passé ?").selectOption('fraud');
    await popup.getByLabel('Détails (facultatif)').fill('Payé 1500 DH à la livraison, boîte vide.');
    await popup.getByRole('button', { name: 'Compléter mon signalement' }).click();
    await expect.poll(() => popup.getByText('Votre signalement a été complété.').count()).toBe(1);
    expect(sent?.amendments).toEqual([{ reason: 'fraud', details: 'Payé 1500 DH à la livraison, boîte vide.' }]);
    expect(directory.reports.size).toBe(before + 1);
    await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-fr-report.png'), fullPage: true });

    // Opened again on the same page, the popup shows that report rather than a second button.
    const again = await openPopup(run, shop.tabId);
    await expect.poll(() => again.locator('[data-receipt]').getAttribute('data-receipt')).toBe(sent?.receipt);
    expect(await again.getByRole('button', { name: 'Signaler cette boutique' }).count()).toBe(0);
    expect(await again.getByLabel("Que s'est-il passé ?").inputValue()).toBe('fraud');
    expect(directory.reports.size).toBe(before + 1);
    await Promise.all([shop.page.close(), popup.close(), again.close()]);
  });

  it('has no serious accessibility problem in the popup and the options page', async () => {
    const shop = await openShop(run, FIXTURE_SHOPS.verified, '/produit');
    const popup = await openPopup(run, shop.tabId);
    expect(await seriousAxeViolations(popup)).toEqual([]);
    const options = await run.browser.context.newPage();
    await options.goto(run.extensionUrl('options.html'));
    await options.locator('[data-fact="version"]').waitFor();
    expect(await seriousAxeViolations(options)).toEqual([]);
    await options.screenshot({ path: resolve(SCREENSHOTS, 'options-fr.png'), fullPage: true });
    await Promise.all([shop.page.close(), popup.close(), options.close()]);
  });
});

describe('in Arabic', () => {
  let run: Run;
  beforeAll(async () => {
    run = await startRun('ar');
  });
  afterAll(async () => {
    await run?.browser.close();
  });

  it('shows the popup right to left, with the Unicode and ASCII forms of an IDN shop', async () => {
    const shop = await openShop(run, FIXTURE_SHOPS.verifiedArabicIdn, '/منتج');
    const popup = await openPopup(run, shop.tabId);
    expect(await popup.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await popup.locator('html').getAttribute('lang')).toBe('ar');
    expect(await popup.locator('h1').innerText()).toBe('دار أركان');
    const text = await popup.locator('main').innerText();
    expect(text).toContain('دار-أركان.test');
    expect(text).toContain('العنوان بصيغة ASCII: xn----rmckc0bnc8l2a.test');
    expect(text).toContain('تاجر موثّق');
    expect(await popup.locator('[data-label="fnem-member"]').innerText()).toContain('عضو FNEM');
    // The mark sits at the inline start, which is the right side in Arabic.
    const mark = await popup.locator('.verdict__mark').boundingBox();
    expect(mark?.x ?? 0).toBeGreaterThan(200);
    expect(await seriousAxeViolations(popup)).toEqual([]);
    await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-ar-verified.png'), fullPage: true });
    await Promise.all([shop.page.close(), popup.close()]);
  });

  it('shows the in-page badge in Arabic at the bottom left of an Arabic page', async () => {
    const shop = await openShop(run, FIXTURE_SHOPS.caution, '/زربية');
    const badge = (await waitForInPageBadge(shop.page)).badge;
    expect(badge).toMatchObject({ level: 'caution', dir: 'rtl', lang: 'ar' });
    expect(badge?.text).toContain('انتبه: تحقّق قبل الدفع');
    expect(badge?.text).toContain('شكاوى مفتوحة: 4');
    expect(badge?.box.x ?? 999).toBeLessThan(40);
    await shop.page.screenshot({ path: resolve(SCREENSHOTS, 'in-page-badge-ar-caution.png') });
    const popup = await openPopup(run, shop.tabId);
    expect(await popup.locator('[data-category="non-delivery"]').innerText()).toBe('طلب لم يُسلَّم: 3');
    expect(await popup.locator('[data-category="overcharge"]').innerText()).toBe('أسعار مبالغ فيها: 1');
    await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-ar-caution.png'), fullPage: true });
    await Promise.all([shop.page.close(), popup.close()]);
  });

  it('shows the options page right to left with no serious accessibility problem', async () => {
    const options = await run.browser.context.newPage();
    await options.goto(run.extensionUrl('options.html'));
    await options.locator('[data-fact="version"]').waitFor();
    expect(await options.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await options.locator('h1').innerText()).toBe('إعدادات ثقة');
    expect(await options.locator('[data-fact="version"] dd').innerText()).toBe(String(publication.manifest.version));
    expect(await seriousAxeViolations(options)).toEqual([]);
    await options.screenshot({ path: resolve(SCREENSHOTS, 'options-ar.png'), fullPage: true });
    await options.close();
  });
});

describe('in English', () => {
  let run: Run;
  beforeAll(async () => {
    run = await startRun('en-US');
  });
  afterAll(async () => {
    await run?.browser.close();
  });

  it('keeps a report made while the service is unreachable and delivers it once when it is back', async () => {
    const before = directory.reports.size;
    directory.setReportsDown(true);
    const shop = await openShop(run, FIXTURE_SHOPS.unknown, '/panier?session=abc');
    const popup = await openPopup(run, shop.tabId);
    await popup.getByRole('button', { name: 'Report this shop' }).click();
    await expect
      .poll(() => popup.getByText('Your report is saved and will be sent as soon as the connection is back.').count())
      .toBe(1);
    expect(directory.reports.size).toBe(before);
    const backAt = directory.requests.length;
    directory.setReportsDown(false);
    await expect.poll(() => directory.reports.size, { timeout: 30_000, interval: 500 }).toBe(before + 1);
    const delivered = [...directory.reports.values()].at(-1);
    expect(delivered?.body.url).toBe(`http://boutique-inconnue.ma:${shops.port}/panier`);
    // Give a duplicate time to show up if the outbox were to send twice.
    await popup.waitForTimeout(2000);
    expect(directory.reports.size).toBe(before + 1);
    // Sent once: one POST reached the service after it came back (the idempotency key would
    // hide a second one from the count of reports, so count the requests themselves).
    expect(postsOfReport(delivered?.body.url ?? '', backAt)).toBe(1);

    const options = await run.browser.context.newPage();
    await options.goto(run.extensionUrl('options.html'));
    const row = options.locator(`tr[data-receipt="${delivered?.receipt}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain('received');
    expect(await seriousAxeViolations(options)).toEqual([]);
    await options.screenshot({ path: resolve(SCREENSHOTS, 'options-en.png'), fullPage: true });
    await Promise.all([shop.page.close(), popup.close(), options.close()]);
  });

  it('shows the popup in English with no serious accessibility problem', async () => {
    const shop = await openShop(run, FIXTURE_SHOPS.danger, '/iphone');
    const popup = await openPopup(run, shop.tabId);
    expect(await popup.locator('html').getAttribute('dir')).toBe('ltr');
    const text = await popup.locator('main').innerText();
    expect(text).toContain('Danger');
    expect(text).toContain('Flagged for fraud since');
    expect(await toolbarBadge(run.probe, shop.tabId)).toEqual({
      text: '✕',
      title: 'Thiqa: danger — promo-iphone-maroc.test is flagged or no longer verified',
    });
    expect(await seriousAxeViolations(popup)).toEqual([]);
    await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-en-danger.png'), fullPage: true });
    await shop.page.screenshot({ path: resolve(SCREENSHOTS, 'in-page-badge-en-danger.png') });
    await Promise.all([shop.page.close(), popup.close()]);
  });
});

describe('when the directory host is down at install', () => {
  let run: Run;
  beforeAll(async () => {
    directory.setDirectoryDown(true);
    run = await startRun('en-US', { expectSync: false });
  });
  afterAll(async () => {
    directory.setDirectoryDown(false);
    await run?.browser.close();
  });

  it('judges from the bundled directory, says it is out of date, and recovers with "Sync now"', async () => {
    const shop = await openShop(run, FIXTURE_SHOPS.verified, '/produit');
    const popup = await openPopup(run, shop.tabId);
    const consoleErrors: string[] = [];
    popup.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    // The bundled demo directory knows Atlas Électro too, and expired days ago.
    expect(await popup.locator('.verdict__level').innerText()).toBe('Verified merchant');
    expect(await popup.getByRole('alert').innerText()).toMatch(
      /^The directory is out of date since .+: verdicts may be wrong\.$/,
    );

    const options = await run.browser.context.newPage();
    await options.goto(run.extensionUrl('options.html'));
    const lastError = options.locator('[data-fact="last-error"] dd');
    await expect
      .poll(() => lastError.innerText())
      .toMatch(/^the server answered with an error \(manifest\.json: HTTP 503\)/);
    expect(await options.locator('[data-fact="version"] dd').innerText()).toBe('1');
    expect(await options.locator('[data-fact="source"] dd').innerText()).toBe('copy shipped with the extension');

    directory.setDirectoryDown(false);
    await options.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(() => options.locator('[data-fact="version"] dd').innerText())
      .toBe(String(publication.manifest.version));
    expect(await lastError.innerText()).toBe('none');
    expect(await options.locator('[data-fact="source"] dd').innerText()).toBe('downloaded and signature checked');
    await popup.reload();
    await popup.locator('main.popup h1').waitFor();
    expect(await popup.getByRole('alert').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    await Promise.all([shop.page.close(), popup.close(), options.close()]);
  });

  it('switches its pages to the language chosen in the options, right to left for Arabic', async () => {
    const options = await run.browser.context.newPage();
    await options.goto(run.extensionUrl('options.html'));
    await options.getByLabel('Language of Thiqa').selectOption('ar');
    await expect.poll(() => options.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await options.locator('h1').innerText()).toBe('إعدادات ثقة');
    await options.getByLabel('لغة ثقة').selectOption('auto');
    await expect.poll(() => options.locator('html').getAttribute('dir')).toBe('ltr');
    await options.close();
  });
});

describe('the background', () => {
  // Run alone too: it starts a browser of its own and drives the background itself.
  it('logs no error or warning through the first sync, every level of shop and its popup (no CSP refusal, no failed promise)', async () => {
    const run = await startRun('fr');
    try {
      for (const host of [FIXTURE_SHOPS.verified, FIXTURE_SHOPS.caution, FIXTURE_SHOPS.danger, FIXTURE_SHOPS.unknown]) {
        const shop = await openShop(run, host, '/produit');
        await waitForInPageBadge(shop.page);
        const popup = await openPopup(run, shop.tabId);
        await Promise.all([shop.page.close(), popup.close()]);
      }
    } finally {
      await run.browser.close();
    }
    expect(workerProblems.take()).toEqual([]);
  });
});

describe('privacy', () => {
  it('makes only sync requests, the same in every run, and the reports the tests clicked', () => {
    const directoryOrigin = `http://127.0.0.1:${directory.port}`;
    const shopHosts = Object.values(FIXTURE_SHOPS);
    const syncShapes: string[][] = [];
    for (const run of runs) {
      const extensionRequests = run.requests.filter((request) => {
        const url = new URL(request.url);
        if (url.protocol === 'chrome-extension:') return false;
        // The test's own navigations to shops (documents only: the pages load nothing else).
        if (shopHosts.includes(url.hostname as (typeof shopHosts)[number]) && request.resourceType === 'document')
          return false;
        if (url.hostname === '127.0.0.1' && url.port === String(shops.port) && request.resourceType === 'document')
          return false;
        return true;
      });
      for (const request of extensionRequests) {
        expect(request.url.startsWith(`${directoryOrigin}/`), `${run.lang}: ${request.method} ${request.url}`).toBe(
          true,
        );
        expect(new URL(request.url).search, `${run.lang}: no query string in ${request.url}`).toBe('');
      }
      const sync = extensionRequests.filter((request) => request.url.startsWith(`${directoryOrigin}/v1/directory/`));
      // The install-time sync may start before the test listens to the browser: the
      // directory host's own log has all of it.
      if (run.comparable)
        syncShapes.push(
          run
            .serverRequests()
            .filter((request) => request.path.startsWith('/v1/directory/'))
            .map((request) => `${request.method} ${request.path}`),
        );
      const other = extensionRequests.filter((request) => !sync.includes(request));
      for (const request of other)
        expect(`${request.method} ${request.url}`).toMatch(
          /^(POST|PATCH|GET) http:\/\/127\.0\.0\.1:\d+\/v1\/reports(\/[A-Za-z0-9_-]{22})?$/,
        );
    }
    // Every fresh browser syncs with exactly the same requests.
    expect(syncShapes[0]?.length).toBeGreaterThan(0);
    for (const shape of syncShapes) expect(shape).toEqual(syncShapes[0]);

    // The server side agrees: no cookies, no referrer, no query, the same headers for every sync.
    const syncRequests = directory.requests.filter((request) => request.path.startsWith('/v1/directory/'));
    const headerSets = new Set(
      syncRequests.map((request) => {
        const { 'accept-language': _language, ...headers } = request.headers;
        return JSON.stringify(Object.entries(headers).sort());
      }),
    );
    for (const request of syncRequests) {
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers.referer).toBeUndefined();
      expect(request.path).not.toContain('?');
    }
    expect(headerSets.size).toBeLessThanOrEqual(2); // manifest and file requests differ only by Accept
    // Reports: exactly those the tests clicked (one in French, one offline in English).
    expect(directory.reports.size).toBe(2);
    // Shops never hear from the extension: every request they got is a page the test opened.
    for (const request of shops.requests) expect(request.method).toBe('GET');
    console.log(`time from navigation to in-page badge: ${JSON.stringify(timings)}`);
  });
});
