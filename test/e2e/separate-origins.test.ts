import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildPublication } from '../../src/directory/publication.ts';
import { snapshotSchema } from '../../src/directory/schemas.ts';
import { generateSigningKey, importSigningKey } from '../../src/directory/signing.ts';
import { e2eDirectory, FIXTURE_SHOPS } from '../fixtures/e2e-directory.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { requestFromExtensionPage, tabIdFor } from './extension-probe.ts';
import { type DirectoryServer, type ShopServer, startDirectoryServer, startShopServer } from './fixture-servers.ts';

// A publisher that serves the signed files from a static host or CDN and takes reports on
// its service: a build with THIQA_DIRECTORY_URL on one origin and THIQA_REPORTS_URL on
// another syncs from the first only and sends its reports to the second only.

const ROOT = resolve(import.meta.dirname, '../..');
const HOST_RULES = 'MAP *.test 127.0.0.1';

let shops: ShopServer;
/** The static host: it holds the signed directory; no report may reach it. */
let filesHost: DirectoryServer;
/** The report service: nothing is published there. */
let reportsHost: DirectoryServer;
let extensionDir: string;
let browser: ExtensionBrowser;
let probe: Page;
let version: number;

beforeAll(async () => {
  [shops, filesHost, reportsHost] = await Promise.all([
    startShopServer(),
    startDirectoryServer(),
    startDirectoryServer(),
  ]);
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
  version = publication.manifest.version;
  filesHost.publish(publication);
  extensionDir = await buildExtension('separate-origins', {
    directoryUrl: filesHost.directoryUrl,
    reportsUrl: `http://127.0.0.1:${reportsHost.port}`,
    publicKeys: info.publicKey,
  });
  browser = await launchWithExtension(extensionDir, { lang: 'en-US', hostRules: HOST_RULES });
  probe = await browser.context.newPage();
  await probe.goto(`chrome-extension://${browser.extensionId}/options.html`);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([shops?.close(), filesHost?.close(), reportsHost?.close()]);
});

it('syncs from the directory origin and sends the report to the reports origin only', async () => {
  const manifest = JSON.parse(readFileSync(resolve(extensionDir, 'manifest.json'), 'utf8')) as {
    host_permissions: string[];
  };
  expect(manifest.host_permissions.sort()).toEqual(
    [`http://127.0.0.1:${filesHost.port}/*`, `http://127.0.0.1:${reportsHost.port}/*`].sort(),
  );
  await expect
    .poll(
      async () =>
        ((await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as { value?: { version: number } })
          .value?.version,
      { timeout: 20_000, interval: 200 },
    )
    .toBe(version);

  const shop = await browser.context.newPage();
  await shop.goto(shops.urlFor(FIXTURE_SHOPS.danger, '/iphone-15'));
  const tabId = await tabIdFor(probe, shops.urlFor(FIXTURE_SHOPS.danger, ''));
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
  await popup.getByRole('button', { name: 'Report this shop' }).click();
  await expect.poll(() => popup.locator('[data-receipt]').getAttribute('data-receipt')).toMatch(/^[A-Za-z0-9_-]{22}$/);

  const receipt = await popup.locator('[data-receipt]').getAttribute('data-receipt');
  expect([...reportsHost.reports.values()].map((report) => report.receipt)).toEqual([receipt]);
  expect(reportsHost.requests.every((request) => request.path.startsWith('/v1/reports'))).toBe(true);
  expect(filesHost.reports.size).toBe(0);
  expect(
    filesHost.requests.every((request) => request.method === 'GET' && request.path.startsWith('/v1/directory/')),
  ).toBe(true);
});
