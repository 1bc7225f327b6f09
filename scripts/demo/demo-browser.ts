import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { Snapshot } from '../../src/directory/schemas.ts';
import { CHROMIUM_PATH, launchWithExtension, tabIdFor } from './chromium-session.ts';
import { type DemoShop, demoShopsOf, startDemoShopServer } from './demo-shops.ts';
import { buildExtensionInto, PROJECT_ROOT } from './extension-build.ts';

// The shopper's side of `npm run demo`: the extension built against the running service
// and its key, the demo shops on loopback, and Chromium with both: a window where there
// is a display, screenshots of each shop's badge and popup where there is none.

export const DEMO_HOST_RULES = 'MAP *.test 127.0.0.1, MAP *.youcan.shop 127.0.0.1, MAP *.youcan.store 127.0.0.1';

declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
};

export interface DemoBrowser {
  stop(): Promise<void>;
}

function fileNameOf(shop: DemoShop, index: number): string {
  return `${String(index + 1).padStart(2, '0')}-${shop.host.replace(/[^a-z0-9.-]/g, '_')}`;
}

async function waitForDirectoryVersion(page: Page, version: number): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const status = (await page.evaluate(() => chrome.runtime.sendMessage({ type: 'getDirectoryStatus' }))) as {
      value?: { version?: number };
    };
    if (status?.value?.version === version) return true;
    await page.waitForTimeout(250);
  }
  return false;
}

export async function startDemoBrowser(options: {
  serviceUrl: string;
  publicKeys: string;
  snapshot: Snapshot;
  outputDir: string;
  out: (line: string) => void;
  /** Ctrl-C: stop between steps instead of finishing the screenshots. */
  abort: AbortSignal;
}): Promise<DemoBrowser> {
  const { out, abort } = options;
  const directoryUrl = `${options.serviceUrl}/v1/directory/`;
  const buildRoot = resolve(PROJECT_ROOT, '.output', 'demo');
  out('\nbuilding the extension against this service and its key…');
  const chromeDir = await buildExtensionInto(buildRoot, { directoryUrl, publicKeys: options.publicKeys });
  const firefoxDir = await buildExtensionInto(buildRoot, {
    directoryUrl,
    publicKeys: options.publicKeys,
    browser: 'firefox',
  });
  abort.throwIfAborted();
  const shops = demoShopsOf(options.snapshot);
  const shopServer = await startDemoShopServer(shops);
  out(`  Chromium/Chrome build  ${chromeDir}`);
  out(`  Firefox build          ${firefoxDir}`);
  out('\nTo use it in your everyday browser:');
  out(`  Chrome:  chrome://extensions → Developer mode → Load unpacked → ${chromeDir}`);
  out(`  Firefox: about:debugging#/runtime/this-firefox → Load Temporary Add-on → ${firefoxDir}/manifest.json`);
  out(`  The demo shops answer on port ${shopServer.port} once their names point at this machine, e.g.`);
  out(
    `  chromium --host-resolver-rules="${DEMO_HOST_RULES}" ${shopServer.urlFor(shops[0]?.host ?? 'atlas-electro.test')}`,
  );
  out('\nDemo shops:');
  for (const shop of shops) out(`  ${shopServer.urlFor(shop.host)}`);

  if (!existsSync(CHROMIUM_PATH)) {
    out(`\nChromium is not installed (${CHROMIUM_PATH}): apt-get install -y chromium to see the shops in a browser.`);
    return { stop: () => shopServer.close() };
  }
  if (abort.aborted) return { stop: () => shopServer.close() };
  const withWindow = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && !process.env.CI;
  const session = await launchWithExtension(chromeDir, { hostRules: DEMO_HOST_RULES, headless: !withWindow });
  const stopAll = async () => {
    await session.close().catch(() => {});
    await shopServer.close();
  };
  try {
    const control = await session.context.newPage();
    await control.goto(`chrome-extension://${session.extensionId}/options.html`);
    const synced = await waitForDirectoryVersion(control, options.snapshot.version);
    out(
      synced
        ? `\nChromium synced directory version ${options.snapshot.version} from ${directoryUrl}`
        : `\nChromium did not sync version ${options.snapshot.version} in 20 s: see its options page`,
    );
    if (withWindow) {
      for (const shop of shops) await (await session.context.newPage()).goto(shopServer.urlFor(shop.host));
      out('Chromium is open with a tab per demo shop: click the Thiqa icon for the popup.');
      return { stop: stopAll };
    }
    await mkdir(options.outputDir, { recursive: true });
    out(`No display: screenshots in ${options.outputDir}`);
    for (const [index, shop] of shops.entries()) {
      if (abort.aborted) break;
      const page = await session.context.newPage();
      await page.setViewportSize({ width: 1024, height: 640 });
      await page.goto(shopServer.urlFor(shop.host));
      await page
        .locator('thiqa-badge')
        .waitFor({ state: 'attached', timeout: 5_000 })
        .catch(() => {});
      await page.waitForTimeout(300);
      const pageShot = join(options.outputDir, `${fileNameOf(shop, index)}-page.png`);
      await page.screenshot({ path: pageShot });
      const tabId = await tabIdFor(control, shopServer.urlFor(shop.host));
      const popup = await session.context.newPage();
      await popup.setViewportSize({ width: 400, height: 640 });
      await popup.goto(`chrome-extension://${session.extensionId}/popup.html?tab=${tabId}`);
      await popup.waitForFunction(() => (document.body.textContent ?? '').length > 40, null, { timeout: 5_000 });
      const popupShot = join(options.outputDir, `${fileNameOf(shop, index)}-popup.png`);
      await popup.screenshot({ path: popupShot, fullPage: true });
      out(`  ${shop.host.padEnd(28)} ${pageShot}`);
      out(`  ${''.padEnd(28)} ${popupShot}`);
      await popup.close();
      await page.close();
    }
    await session.close();
    return { stop: () => shopServer.close() };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
