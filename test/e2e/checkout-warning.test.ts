import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPublication } from '../../src/directory/publication.ts';
import { snapshotSchema } from '../../src/directory/schemas.ts';
import { generateSigningKey, importSigningKey } from '../../src/directory/signing.ts';
import { e2eDirectory } from '../fixtures/e2e-directory.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { readCheckoutWarning } from './checkout-probe.ts';
import { readInPageBadge, requestFromExtensionPage } from './extension-probe.ts';
import { type DirectoryServer, type ShopServer, startDirectoryServer, startShopServer } from './fixture-servers.ts';

// The checkout warning in the built extension in Chromium: above the order form of shops
// nobody verified or in caution, in the shopper's language, never in the way of the order,
// silenced per site by "continue"; never on a verified merchant's checkout.

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = resolve(ROOT, 'test-results');
const HOST_RULES = 'MAP *.test 127.0.0.1, MAP *.ma 127.0.0.1, MAP *.youcan.shop 127.0.0.1';
const FRENCH_COD = 'montres-cod.ma';
const ARABIC_COD = 'hanout-darna.ma';
const CAUTION_CARD = 'paiement.souk-bladi.youcan.shop';
const VERIFIED_CHECKOUT = 'paiement.atlas-electro.test';
/** A phone screen: the warning must fit it. */
const PHONE = { width: 360, height: 780 };

let shops: ShopServer;
let directory: DirectoryServer;
let browser: ExtensionBrowser;
let probe: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [shops, directory] = await Promise.all([startShopServer(), startDirectoryServer()]);
  const { info, privateJwk } = await generateSigningKey();
  const bundled = snapshotSchema.parse(
    JSON.parse(readFileSync(resolve(ROOT, 'public/directory/snapshot.json'), 'utf8')),
  );
  const now = new Date();
  const current = e2eDirectory(now, bundled.version + 1, new Date(now.getTime() - 3_600_000));
  const publication = await buildPublication({
    current,
    previous: [bundled],
    keys: [await importSigningKey(privateJwk)],
  });
  directory.publish(publication);
  const extensionDir = await buildExtension('checkout', {
    directoryUrl: directory.directoryUrl,
    publicKeys: info.publicKey,
  });
  browser = await launchWithExtension(extensionDir, { lang: 'fr', hostRules: HOST_RULES });
  probe = await browser.context.newPage();
  await probe.goto(`chrome-extension://${browser.extensionId}/options.html`);
  // The test directory (with the caution and verified merchants) has landed.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as {
      value?: { version: number };
    };
    if (status.value?.version === publication.manifest.version) break;
    if (Date.now() > deadline) throw new Error(`the first sync did not land: ${JSON.stringify(status)}`);
    await probe.waitForTimeout(200);
  }
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([shops?.close(), directory?.close()]);
});

async function openShop(host: string, path = '/'): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(shops.urlFor(host, path));
  return page;
}

async function waitForWarning(page: Page) {
  await expect.poll(() => readCheckoutWarning(page), { timeout: 10_000 }).not.toBeNull();
  const warning = await readCheckoutWarning(page);
  if (!warning) throw new Error('the warning went away');
  return warning;
}

/** Fits the phone's width: nothing cut off at either side. */
function expectOnScreen(box: { x: number; width: number }) {
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
}

describe('checkout warning', () => {
  it('warns above a cash-on-delivery form added after load, and the order still goes through', async () => {
    const page = await openShop(FRENCH_COD);
    const warning = await waitForWarning(page);
    expect(warning).toMatchObject({
      shadowRootType: 'closed',
      role: 'alert',
      level: 'unknown',
      kind: 'cash-on-delivery',
      lang: 'fr',
      dir: 'ltr',
      beforeFormId: 'cod-form',
      startSide: 'left',
    });
    // It lines up with the form it warns about, and the corner badge has stepped aside.
    expect(warning.box.x).toBe(await page.locator('#cod-form').evaluate((form) => form.getBoundingClientRect().x));
    expect(await readInPageBadge(page)).toBeNull();
    expect(warning.text).toContain('Avant de commander : personne n’a vérifié cette boutique');
    expect(warning.text).toContain('ouvrez et vérifiez le colis devant le livreur');
    expect(warning.text).toContain('Ne versez jamais d’acompte');
    expect(warning.text).toContain('Continuer ma commande');
    expect(new URL(warning.reportHref ?? '').searchParams.get('url')).toBe(shops.urlFor(FRENCH_COD, '/'));
    expectOnScreen(warning.box);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'checkout-warning-fr-360.png') });

    // Never blocking: the shopper orders with the warning on screen.
    await page.getByLabel('Nom complet').fill('Salma Idrissi');
    await page.getByLabel('Téléphone').fill('0612345678');
    await page.getByLabel('Ville').fill('Rabat');
    await page.getByLabel('Adresse').fill('12 rue Oqba, Agdal');
    await page.getByRole('button', { name: 'Commander maintenant' }).click();
    await page.getByText('Merci ! Votre commande est enregistrée').waitFor();
    expect(shops.requests.map((request) => request.path)).toContainEqual(
      `${FRENCH_COD}/merci?nom=Salma+Idrissi&telephone=0612345678&ville=Rabat&adresse=12+rue+Oqba%2C+Agdal`,
    );
    await page.close();
  });

  it('"continue" hides it, and it stays hidden on that site after a reload until undone, not on another site', async () => {
    const page = await openShop(FRENCH_COD);
    await waitForWarning(page);
    // On a phone the corner badge may cover the warning's bottom: the shopper scrolls it up first.
    await page.evaluate(() => document.querySelector('thiqa-checkout')?.scrollIntoView({ block: 'center' }));
    const warning = await waitForWarning(page);
    await page.mouse.click(warning.continueCenter.x, warning.continueCenter.y);
    await expect.poll(() => readCheckoutWarning(page)).toBeNull();
    // The form is untouched by the warning's going.
    expect(await page.locator('#cod-form button').isEnabled()).toBe(true);

    await page.reload();
    await page.locator('#cod-form').waitFor();
    expect((await readInPageBadge(page))?.level).toBe('unknown');
    // The other site below gets its warning within this time; this one must not.
    await page.waitForTimeout(1_500);
    expect(await page.locator('thiqa-checkout').count()).toBe(0);

    // The options page lists the choice, and unticking it brings the warning back.
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const continued = options
      .locator(`fieldset[data-domain="${FRENCH_COD}"]`)
      .getByLabel('Pas d’avertissement avant de commander sur ce site');
    await expect.poll(() => continued.isChecked()).toBe(true);
    await continued.uncheck();
    await page.reload();
    expect((await waitForWarning(page)).level).toBe('unknown');
    await Promise.all([page.close(), options.close()]);

    // Another site, in the shopper's other language.
    await requestFromExtensionPage(probe, { type: 'setLanguage', language: 'ar' });
    const arabic = await openShop(ARABIC_COD);
    const other = await waitForWarning(arabic);
    expect(other).toMatchObject({ level: 'unknown', lang: 'ar', dir: 'rtl', beforeFormId: 'cod-form' });
    expect(other.text).toContain('قبل أن تطلب: لم يتحقّق أحد من هذا المتجر');
    expect(other.text).toContain('افتح الطرد وتحقّق منه أمام عامل التوصيل');
    expect(other.text).toContain('متابعة طلبي');
    expectOnScreen(other.box);
    // Right to left: the warning's start edge (its thick border) is on the right.
    expect(other.startSide).toBe('right');
    await arabic.screenshot({ path: resolve(SCREENSHOTS, 'checkout-warning-ar-360.png') });
    await arabic.close();
  });

  it('warns above a card payment form of a shop in caution, card advice first', async () => {
    const page = await openShop(CAUTION_CARD, '/checkout');
    const warning = await waitForWarning(page);
    expect(warning).toMatchObject({ level: 'caution', kind: 'card-payment', beforeFormId: 'card-form' });
    expect(warning.text).toContain('قبل أن تطلب: ثقة تنصحك بالحذر مع هذا المتجر');
    expect(warning.text.indexOf('البطاقة:')).toBeLessThan(warning.text.indexOf('الدفع عند الاستلام:'));
    await page.close();
    await requestFromExtensionPage(probe, { type: 'setLanguage', language: 'fr' });
  });

  it("says nothing on a verified merchant's checkout", async () => {
    const page = await openShop(VERIFIED_CHECKOUT, '/checkout');
    await expect.poll(async () => (await readInPageBadge(page))?.level, { timeout: 10_000 }).toBe('verified');
    // Unknown and caution checkouts got their warning within this time; this one must not.
    await page.waitForTimeout(1_500);
    expect(await page.locator('thiqa-checkout').count()).toBe(0);
    await page.close();
  });
});
