// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText() is the rendered text a shopper reads
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPublication } from '../../src/directory/publication.ts';
import { snapshotSchema } from '../../src/directory/schemas.ts';
import { generateSigningKey, importSigningKey } from '../../src/directory/signing.ts';
import type { TabView } from '../../src/extension/messages.ts';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import { e2eDirectory } from '../fixtures/e2e-directory.ts';
import { PAGE_CLAIM_SHOPS } from '../fixtures/page-claim-shops.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { requestFromExtensionPage, tabIdFor, toolbarBadge } from './extension-probe.ts';
import { type DirectoryServer, type ShopServer, startDirectoryServer, startShopServer } from './fixture-servers.ts';

// What a shop says about itself (law 31-08's mentions, ICEs, trust marks; issue 14 items
// 3 and 5), as the shopper sees it: for every page of test/fixtures/page-claim-shops.ts,
// the toolbar badge, then the popup's reasons and checklist. One browser for the file.

const ROOT = resolve(import.meta.dirname, '../..');
const HOST_RULES = 'MAP *.test 127.0.0.1, MAP *.ma 127.0.0.1';

let shops: ShopServer;
let directory: DirectoryServer;
let browser: ExtensionBrowser;
let probe: Page;

beforeAll(async () => {
  [shops, directory] = await Promise.all([startShopServer(), startDirectoryServer()]);
  const { info, privateJwk } = await generateSigningKey();
  const now = new Date();
  const bundled = snapshotSchema.parse(
    JSON.parse(readFileSync(resolve(ROOT, 'public/directory/snapshot.json'), 'utf8')),
  );
  const publication = await buildPublication({
    current: e2eDirectory(now, bundled.version + 1, new Date(now.getTime() - 3_600_000)),
    previous: [bundled],
    keys: [await importSigningKey(privateJwk)],
  });
  directory.publish(publication);
  const extensionDir = await buildExtension('shop-pages', {
    directoryUrl: directory.directoryUrl,
    publicKeys: info.publicKey,
  });
  browser = await launchWithExtension(extensionDir, { lang: 'en-US', hostRules: HOST_RULES });
  probe = await browser.context.newPage();
  await probe.goto(`chrome-extension://${browser.extensionId}/options.html`);
  // The first sync has landed once the directory reports the published version.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as {
      value?: { version: number } | null;
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

async function tabView(tabId: number): Promise<TabView> {
  const reply = (await requestFromExtensionPage(probe, { type: 'getTabView', tabId })) as { value: TabView };
  return reply.value;
}

describe('what shops say about themselves', () => {
  it.each(PAGE_CLAIM_SHOPS.map((shop) => [shop.host, shop] as const))('%s', async (_host, shop) => {
    const page = await browser.context.newPage();
    await page.goto(shops.urlFor(shop.host, '/produit'));
    const tabId = await tabIdFor(probe, shops.urlFor(shop.host, ''));

    // The content script has reported (and read the legal page, where the shop links one).
    if (shop.present !== null) {
      const reported = async () => {
        const { page: claims } = await tabView(tabId);
        return claims ? (claims.evidence.legalPagePath ?? 'read') : 'not yet';
      };
      await expect.poll(reported, { timeout: 15_000 }).toBe(shop.legalPagePath ?? 'read');
    }
    const mark = VERDICT_LEVELS[shop.level].mark;
    await expect.poll(async () => (await toolbarBadge(probe, tabId)).text, { timeout: 15_000 }).toBe(mark);

    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
    await popup.locator('main.popup h1').waitFor();
    expect(await popup.locator('[data-level]').getAttribute('data-level')).toBe(shop.level);
    expect(await popup.locator('ul.reasons li').evaluateAll((items) => items.map((li) => li.dataset.reason))).toEqual(
      shop.reasons,
    );
    const checklist = popup.locator('.legal-checklist li');
    if (shop.present === null) {
      expect(await checklist.count()).toBe(0);
    } else {
      const shown = await checklist.evaluateAll((items) =>
        items.filter((li) => li.dataset.present === 'true').map((li) => li.dataset.mention),
      );
      expect(shown.sort()).toEqual([...shop.present].sort());
      // Every mention is listed, present or missing, in words.
      expect(await checklist.count()).toBe(8);
      const words = await popup.locator('.legal-checklist').innerText();
      if (shop.present.length < 8) expect(words).toContain('missing');
    }
    const reasonWords = await popup.locator('ul.reasons').innerText();
    if (shop.reasons.includes('forged-seal')) expect(reasonWords).toContain('trust mark it does not hold');
    if (shop.reasons.includes('ice-impersonation')) expect(reasonWords).toContain('ICE of Atlas Électro');
    if (shop.reasons.includes('ice-invalid')) expect(reasonWords).toContain('check digits');
    await Promise.all([popup.close(), page.close()]);
  });

  it('read each legal page once, same host, without cookies or referrer', () => {
    const legal = shops.requests.filter((request) => /\/(?:mentions-legales|conditions)\.html$/.test(request.path));
    expect(legal.map((request) => request.path).sort()).toEqual([
      'maison-nomade.ma/mentions-legales.html',
      'souk-nour.ma/conditions.html',
    ]);
    for (const request of legal) {
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers.referer).toBeUndefined();
    }
  });
});
