import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { freePort, runThiqa, type ServiceProcess, startServiceProcess } from '../support/service-process.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { readInPageBadge, requestFromExtensionPage, tabIdFor } from './extension-probe.ts';

// Merchant names are data from a spreadsheet: they must reach the shopper as inert text
// of bounded size. The names the text policy refuses (bidi controls, zero-width and other
// invisible characters, separators, controls) and names over 300 characters never get past
// `thiqa import`; the hostile names it allows — HTML, 300 characters without a space,
// Arabic and Latin mixed, the joiners Persian and emoji need — go through the real
// import, publish, service and sync into the built extension, and are then read back from
// the popup and the in-page badge in Chromium.

const ROOT = resolve(import.meta.dirname, '../..');
const SHOP_PAGE = readFileSync(resolve(ROOT, 'test/fixtures/shops/atlas-electro.html'));
const HOST_RULES = 'MAP *.test 127.0.0.1';
/** The popup's fixed width (src/ui/pages.css) and the in-page badge's max width (shop.content/style.css). */
const POPUP_WIDTH = 360;
const BADGE_MAX_WIDTH = 360;

const HTML_NAME = '<img src=x onerror="window.__pwned=1">';
const SCRIPT_NAME = '<script>window.__pwned=2</script><b>Gras</b>';
const LONG_LATIN = 'W'.repeat(300);
const LONG_ARABIC = 'ش'.repeat(300);
const MIXED_NAME = 'متجر ABC-123 للإلكترونيات Shop (Maroc)';
const JOINER_NAME = 'فروشگاه\u200cاطلس 👨\u200d👩\u200d👧 ❤\ufe0f';

const FLAGGED_SHOP = 'flagged-name.test';
const FLAG_SUMMARY = `<img src=x onerror="window.__pwned=3">${'Z'.repeat(450)}`;

const HEADER = 'domains,legal_name,trade_name,ice,city,phone,status,verified_at,verified_by';
const csvCell = (text: string) => `"${text.replaceAll('"', '""')}"`;
const row = (domain: string, legal: string, trade: string, serial: number, status: string, city = 'Casablanca') =>
  [
    domain,
    legal,
    trade,
    iceWithCheckDigits(String(3_000_000_000_000 + serial)),
    city,
    '0522000000',
    status,
    '2026-09-01',
    'FDEC',
  ]
    .map(csvCell)
    .join(',');

/** Allowed by the schema, hostile on screen. */
const HOSTILE_SHOPS = {
  html: { domain: 'html-name.test', legal: HTML_NAME, trade: SCRIPT_NAME, status: 'verified' },
  long: { domain: 'long-name.test', legal: LONG_ARABIC, trade: LONG_LATIN, status: 'suspended' },
  mixed: { domain: 'mixed-name.test', legal: JOINER_NAME, trade: MIXED_NAME, status: 'verified' },
} as const;

async function thiqa(dataDir: string, ...args: string[]): Promise<{ code: number; output: string }> {
  const result = await runThiqa({ THIQA_DATA_DIR: dataDir }, ...args);
  return { code: result.code, output: result.stdout + result.stderr };
}

async function startShopPages(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(SHOP_PAGE);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** What the popup page shows about its own layout and any markup the names might have made. */
async function popupFacts(popup: Page) {
  return popup.evaluate(() => {
    const pwned = (window as unknown as { __pwned?: unknown }).__pwned;
    const madeByNames = document.querySelectorAll('img[src="x"], [onerror], b, body script:not([src])').length;
    // The popup's main box has a fixed width; nothing inside may reach past its edges.
    const main = document.querySelector('main') as HTMLElement;
    const frame = main.getBoundingClientRect();
    const overflowing = [...main.querySelectorAll('*')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && (box.right > frame.right + 1 || box.left < frame.left - 1);
      })
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
    /** Every text node holding a merchant name sits inside a <bdi>, so its direction cannot leak. */
    const unisolated: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      if (/<img|<script|WWWW|شششش|ABC-123|فروشگاه/.test(text) && !node.parentElement?.closest('bdi')) {
        unisolated.push(text.slice(0, 40));
      }
    }
    return {
      pwned: pwned ?? null,
      madeByNames,
      mainWidth: frame.width,
      mainScrolls: main.scrollWidth > main.clientWidth + 1,
      pageScrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
      overflowing,
      unisolated,
    };
  });
}

describe('hostile merchant names', () => {
  let dataDir: string;
  let service: ServiceProcess | undefined;
  let shops: Awaited<ReturnType<typeof startShopPages>>;
  let extensionDir: string;
  let publishedVersion = 0;
  const started = Date.now();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-hostile-names-'));
    const keys = await thiqa(dataDir, 'keys', 'generate');
    const publicKey = /THIQA_PUBLIC_KEYS=(\S+)/.exec(keys.output)?.[1];
    if (!publicKey) throw new Error(`no public key printed:\n${keys.output}`);
    const good = [
      HEADER,
      ...Object.values(HOSTILE_SHOPS).map((shop, index) =>
        row(shop.domain, shop.legal, shop.trade, index + 1, shop.status),
      ),
    ];
    await writeFile(join(dataDir, 'hostile.csv'), `${good.join('\n')}\n`);
    const imported = await thiqa(dataDir, 'import', join(dataDir, 'hostile.csv'));
    if (imported.code !== 0) throw new Error(`import failed:\n${imported.output}`);
    // A flag's summary is a moderator's words, shown in the popup: it gets the same treatment.
    const flagged = await thiqa(dataDir, 'flag', FLAGGED_SHOP, '--reason', 'fraud', '--summary', FLAG_SUMMARY);
    if (flagged.code !== 0) throw new Error(`flag failed:\n${flagged.output}`);
    // Two publishes: the extension holds the bundled version 1 and takes only a newer one.
    for (let i = 0; i < 2; i++) {
      const published = await thiqa(dataDir, 'publish');
      if (published.code !== 0) throw new Error(`publish failed:\n${published.output}`);
    }
    publishedVersion = 2;
    const port = await freePort();
    [service, shops, extensionDir] = await Promise.all([
      startServiceProcess({ dataDir, port }),
      startShopPages(),
      buildExtension('hostile-names', {
        directoryUrl: `http://127.0.0.1:${port}/v1/directory/`,
        publicKeys: publicKey,
      }),
    ]);
  });

  afterAll(async () => {
    await service?.stop();
    await shops?.close();
    await rm(dataDir, { recursive: true, force: true });
    console.log(`hostile names: wall time ${Math.round((Date.now() - started) / 1000)} s`);
  });

  it('thiqa import refuses what the text policy refuses and names over 300 characters, and writes nothing', async () => {
    const refused = [
      HEADER,
      row('bidi-override.test', 'Shop \u202egnp.exe', 'Bidi', 11, 'verified'),
      row('bidi-isolate.test', 'Shop', 'Name \u2067hidden\u2069', 12, 'verified'),
      row('five-thousand.test', 'x'.repeat(5000), 'Long', 13, 'verified'),
      row('three-hundred-one.test', 'Shop', 'y'.repeat(301), 14, 'verified'),
      row('zero-width.test', 'Atlas\u200bÉlectro', 'Atlas', 15, 'verified'),
      row('rtl-mark.test', 'Shop', 'متجر Shop \u200f(Maroc)', 16, 'verified'),
    ];
    await writeFile(join(dataDir, 'refused.csv'), `${refused.join('\n')}\n`);
    // The service holds the database; the CLI import runs against it only while it is stopped.
    await service?.stop();
    try {
      const imported = await thiqa(dataDir, 'import', join(dataDir, 'refused.csv'));
      expect(imported.code).toBe(1);
      expect(imported.output).toContain(
        'refused.csv:2: legal_name: contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6',
      );
      expect(imported.output).toContain(
        'refused.csv:3: trade_name: contains U+2067 RIGHT-TO-LEFT ISOLATE at character 6',
      );
      expect(imported.output).toMatch(/refused\.csv:4: legal_name: .*300/);
      expect(imported.output).toMatch(/refused\.csv:5: trade_name: .*300/);
      expect(imported.output).toContain('refused.csv:6: legal_name: contains U+200B ZERO WIDTH SPACE at character 6');
      expect(imported.output).toContain(
        'refused.csv:7: trade_name: contains U+200F RIGHT-TO-LEFT MARK at character 11',
      );
      expect(imported.output).toContain('nothing imported');
      const published = await thiqa(dataDir, 'publish', '--if-changed');
      expect(published.code).toBe(0);
      expect(published.output.trim()).toMatch(
        new RegExp(`^nothing changed since version ${publishedVersion}; not published \\(fresh until \\S+\\)$`),
      );
    } finally {
      service = await startServiceProcess({ dataDir, port: Number(new URL(service?.url ?? '').port) });
    }
  });

  for (const lang of ['en', 'ar'] as const) {
    describe(`in ${lang}`, () => {
      let browser: ExtensionBrowser;
      let probe: Page;
      beforeAll(async () => {
        browser = await launchWithExtension(extensionDir, { lang, hostRules: HOST_RULES });
        probe = await browser.context.newPage();
        await probe.goto(`chrome-extension://${browser.extensionId}/options.html`);
        const deadline = Date.now() + 30_000;
        for (;;) {
          const status = (await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as {
            value?: { version: number; lastError: unknown };
          };
          if (status.value?.version === publishedVersion) break;
          if (Date.now() > deadline) throw new Error(`the directory did not sync: ${JSON.stringify(status)}`);
          await probe.waitForTimeout(200);
        }
      });
      afterAll(async () => browser?.close());

      it('shows a flag summary with HTML and 450 unbroken characters as inert text that wraps', async () => {
        const page = await browser.context.newPage();
        await page.goto(`http://${FLAGGED_SHOP}:${shops.port}/produit/1`);
        const tabId = await tabIdFor(probe, `http://${FLAGGED_SHOP}:${shops.port}/`);
        const popup = await browser.context.newPage();
        await popup.setViewportSize({ width: POPUP_WIDTH + 80, height: 900 });
        await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
        await popup.getByText(FLAG_SUMMARY).waitFor();
        const facts = await popupFacts(popup);
        expect(facts.pwned).toBeNull();
        expect(facts.madeByNames).toBe(0);
        expect(facts.overflowing).toEqual([]);
        expect(facts.mainScrolls).toBe(false);
        expect(facts.pageScrolls).toBe(false);
        expect(facts.mainWidth).toBeLessThanOrEqual(POPUP_WIDTH + 2 * 14);
        await expect.poll(() => readInPageBadge(page), { timeout: 10_000 }).not.toBeNull();
        const badge = await readInPageBadge(page);
        expect(badge?.level).toBe('danger');
        expect(badge?.text).not.toContain('ZZZZ');
        expect(badge?.box.width).toBeLessThanOrEqual(BADGE_MAX_WIDTH);
        await Promise.all([popup.close(), page.close()]);
      });

      it.each(Object.entries(HOSTILE_SHOPS))(
        'shows the %s names as inert text that wraps inside the popup',
        async (_kind, shop) => {
          const page = await browser.context.newPage();
          await page.goto(`http://${shop.domain}:${shops.port}/produit/1`);
          const tabId = await tabIdFor(probe, `http://${shop.domain}:${shops.port}/`);
          const popup = await browser.context.newPage();
          // Wider than the popup: a browser sizes the popup window to its content.
          await popup.setViewportSize({ width: POPUP_WIDTH + 80, height: 900 });
          await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
          await popup.locator('[data-fact="legal-name"] dd').waitFor();

          const facts = await popupFacts(popup);
          expect(facts.pwned).toBeNull();
          expect(facts.madeByNames).toBe(0);
          // Shown as written, character for character (less the spaces around it, which the import trims).
          expect(await popup.locator('h1 bdi').textContent()).toBe(shop.trade.trim());
          expect(await popup.locator('[data-fact="legal-name"] dd bdi').textContent()).toBe(shop.legal.trim());
          // Bounded: nothing wider than the popup, no sideways scrolling.
          expect(facts.overflowing).toEqual([]);
          expect(facts.mainScrolls).toBe(false);
          expect(facts.pageScrolls).toBe(false);
          // The popup's 360 px plus its padding, whatever the names.
          expect(facts.mainWidth).toBeLessThanOrEqual(POPUP_WIDTH + 2 * 14);
          expect(facts.unisolated).toEqual([]);

          // The in-page badge shows the verdict in the extension's words, never the merchant's.
          await expect.poll(() => readInPageBadge(page), { timeout: 10_000 }).not.toBeNull();
          const badge = await readInPageBadge(page);
          expect(badge?.level).toBe(shop.status === 'verified' ? 'verified' : 'danger');
          expect(badge?.text).not.toContain(shop.trade.slice(0, 10));
          expect(badge?.text).not.toContain(shop.legal.slice(0, 10));
          expect(badge?.box.width).toBeLessThanOrEqual(BADGE_MAX_WIDTH);
          expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null)).toBeNull();
          await Promise.all([popup.close(), page.close()]);
        },
      );
    });
  }
});
