import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

// Debian's Firefox ESR driven over WebDriver BiDi (puppeteer-core), with the built Firefox
// extension installed as a temporary add-on. What Chromium's flags do for the other
// browser tests, preferences do here:
// - shop host names reach the loopback fixture server through it acting as the HTTP proxy
//   (Firefox has no --host-resolver-rules; loopback itself, where the directory host
//   listens, is never sent to a proxy);
// - the add-on's moz-extension:// address is fixed before launch, so extension pages can
//   be opened without asking the browser for a random UUID.
// BiDi refuses to navigate to moz-extension:// pages unless Firefox runs with
// -remote-allow-system-access; it is a test-only switch and the pages still run as the
// extension's own, with only the extension's permissions.

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const FIREFOX_ADDON_ID = 'thiqa@thiqa.ma';
/** Any fixed UUID: Firefox gives the add-on this moz-extension:// host. */
const ADDON_UUID = '5b2d6f0e-6a31-4c1e-9d7a-2f6a0c1e7b44';

declare const browser: {
  tabs: { query(query: object): Promise<Array<{ id?: number; url?: string }>> };
  browserAction: {
    getBadgeText(details: { tabId: number }): Promise<string>;
    getTitle(details: { tabId: number }): Promise<string>;
  };
  runtime: { sendMessage(message: unknown): Promise<unknown> };
};

export interface FirefoxWithExtension {
  browser: Browser;
  extensionUrl(path: string): string;
  /** Opens an extension page in a new tab (or `page`) and waits until it has rendered `ready`. */
  openExtensionPage(path: string, ready: string, page?: Page): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Firefox, then installs the extension once its build (which may still be running) is there. */
export async function launchFirefoxWithExtension(
  extensionDir: string | Promise<string>,
  options: { shopProxyPort: number },
): Promise<FirefoxWithExtension> {
  // Awaited below; marked handled now in case Firefox fails to start first.
  Promise.resolve(extensionDir).catch(() => {});
  if (!existsSync(FIREFOX_PATH)) throw new Error(`Firefox not found at ${FIREFOX_PATH} (apt-get install firefox-esr)`);
  const firefox = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    args: ['-remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: ADDON_UUID }),
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': options.shopProxyPort,
      'network.proxy.share_proxy_settings': false,
    },
  });
  try {
    const installed = await firefox.installExtension(await extensionDir);
    if (installed !== FIREFOX_ADDON_ID) throw new Error(`installed ${installed}, expected ${FIREFOX_ADDON_ID}`);
  } catch (error) {
    // A failed build or install must not leave a Firefox behind.
    await firefox.close();
    throw error;
  }
  const extensionUrl = (path: string) => `moz-extension://${ADDON_UUID}/${path}`;
  return {
    browser: firefox,
    extensionUrl,
    async openExtensionPage(path, ready, page) {
      const tab = page ?? (await firefox.newPage());
      // The load moves the tab to the extension process, and puppeteer never sees that
      // navigation finish: start it, then wait for what the page renders.
      tab.goto(extensionUrl(path), { timeout: 0 }).catch(() => {});
      const deadline = Date.now() + 15_000;
      for (;;) {
        const rendered = await tab
          .evaluate((selector) => document.querySelector(selector) !== null, ready)
          .catch(() => false);
        if (rendered) return tab;
        if (Date.now() > deadline) throw new Error(`${path} did not render ${ready}`);
        await new Promise((done) => setTimeout(done, 100));
      }
    },
    async close() {
      await firefox.close();
    },
  };
}

/** The toolbar button's badge text and tooltip for a tab, asked from an extension page. */
export function toolbarBadge(probe: Page, tabId: number): Promise<{ text: string; title: string }> {
  return probe.evaluate(
    async (id) => ({
      text: await browser.browserAction.getBadgeText({ tabId: id }),
      title: await browser.browserAction.getTitle({ tabId: id }),
    }),
    tabId,
  );
}

/** The id of the tab showing `urlPrefix`, asked from an extension page. */
export async function tabIdFor(probe: Page, urlPrefix: string, waitMs = 10_000): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const id = await probe.evaluate(async (prefix) => {
      const tabs = await browser.tabs.query({});
      return tabs.find((tab) => tab.url?.startsWith(prefix))?.id ?? null;
    }, urlPrefix);
    if (id !== null) return id;
    if (Date.now() > deadline) throw new Error(`no tab shows ${urlPrefix}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Sends a protocol request from an extension page, as the popup and options pages do. */
export function requestFromExtensionPage(probe: Page, message: unknown): Promise<unknown> {
  return probe.evaluate((request) => browser.runtime.sendMessage(request), message);
}
