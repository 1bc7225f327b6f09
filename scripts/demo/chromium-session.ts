import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

declare const chrome: {
  tabs: { query(query: object): Promise<Array<{ id?: number; url?: string }>> };
};

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  close(): Promise<void>;
}

/** The command line every Chromium here starts with: one extension or none, quiet, shop hosts on loopback. */
export function chromiumArgs(options: { extensionDir?: string; lang?: string; hostRules?: string }): string[] {
  return [
    ...(options.extensionDir
      ? [`--disable-extensions-except=${options.extensionDir}`, `--load-extension=${options.extensionDir}`]
      : []),
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--lang=${options.lang ?? 'en-US'}`,
    ...(options.hostRules ? [`--host-resolver-rules=${options.hostRules}`] : []),
  ];
}

/**
 * Debian's Chromium with the built extension loaded, headless unless asked (the demo
 * opens a window where there is a display), in a fresh profile.
 * Shop host names are mapped to the loopback fixture server; Chromium's own background
 * traffic is switched off so that every request seen comes from the page or the extension.
 */
export async function launchWithExtension(
  extensionDir: string,
  options: {
    lang?: string;
    hostRules?: string;
    headless?: boolean;
    /** For test servers with a self-signed certificate standing in for HSTS-preloaded hosts. */
    ignoreHttpsErrors?: boolean;
  } = {},
): Promise<ExtensionBrowser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
  const profile = await mkdtemp(join(tmpdir(), 'thiqa-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    locale: options.lang ?? 'en-US',
    ...(options.ignoreHttpsErrors ? { ignoreHTTPSErrors: true } : {}),
    args: chromiumArgs({ ...options, extensionDir }),
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The id of the tab showing `urlPrefix`, asked from an extension page; a tab's URL reaches `chrome.tabs` a moment after the page commits. */
export async function tabIdFor(probe: Page, urlPrefix: string, waitMs = 10_000): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const id = await probe.evaluate(async (prefix) => {
      const tabs = await chrome.tabs.query({});
      return tabs.find((tab) => tab.url?.startsWith(prefix))?.id ?? null;
    }, urlPrefix);
    if (id !== null) return id;
    if (Date.now() > deadline) throw new Error(`no tab shows ${urlPrefix}`);
    await probe.waitForTimeout(50);
  }
}
