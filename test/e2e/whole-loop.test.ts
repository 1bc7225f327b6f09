// biome-ignore-all lint/performance/useDomNodeTextContent: innerText() is the rendered text a shopper reads
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../server/db/database.ts';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { freePort, runThiqa, type ServiceProcess, startServiceProcess } from '../support/service-process.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { requestFromExtensionPage, tabIdFor, toolbarBadge } from './extension-probe.ts';
import { type ShopServer, startShopServer } from './fixture-servers.ts';

// The whole loop with the real parts: the publisher's `thiqa` commands and `thiqa serve`
// on PGlite, the built extension in Chromium, a shopper's click, a moderator's decision,
// and every extension seeing it on the next sync. Every request the browser makes on the
// way is recorded: the privacy claim is checked on what actually left it.

process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

const HOST_RULES = 'MAP *.test 127.0.0.1, MAP *.ma 127.0.0.1, MAP *.youcan.shop 127.0.0.1';
const SHOP = 'atlas-electro.test';
const ADMIN_TOKEN = 'loop-admin-token-0123456789abcdef';
const DAY_MS = 86_400_000;

interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  fromExtension: boolean;
}

let dataDir: string;
let env: NodeJS.ProcessEnv;
let port: number;
let serve: ServiceProcess | undefined;
let shops: ShopServer;
let browser: ExtensionBrowser;
let publicKey: string;
const seen: SeenRequest[] = [];
const startedAt = Date.now();

function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

/** The moderator's side: PGlite belongs to one process, so staff commands run while the service is stopped. */
async function withServiceStopped(work: () => Promise<void>): Promise<void> {
  await serve?.stop();
  await work();
  serve = await startService();
}

function startService(): Promise<ServiceProcess> {
  return startServiceProcess({ dataDir, port, adminToken: ADMIN_TOKEN });
}

async function cli(...args: string[]): Promise<string> {
  const result = await runThiqa(env, ...args);
  expect(result.code, `thiqa ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function syncNow(options: Page, version: number): Promise<void> {
  await options.reload();
  await options.getByRole('button', { name: 'Sync now' }).click();
  await expect
    .poll(() => options.locator('[data-fact="version"] dd').innerText(), { timeout: 20_000 })
    .toBe(String(version));
}

/** The popup's list of open complaints, line by line, as the shopper reads it. */
async function complaintsShown(popup: Page): Promise<{ lines: string[]; open: number }> {
  const section = popup.locator('section[aria-labelledby="complaints-heading"]');
  const lines = (await section.locator('li').allInnerTexts()).map((line) => line.trim());
  if (lines.length === 0) expect(await section.locator('p').innerText()).toBe('No open complaints.');
  // Each line ends with its count ("Order not delivered: 3"): the shopper's total is their sum.
  const open = lines.reduce((sum, line) => sum + Number(/: (\d+)$/.exec(line)?.[1] ?? Number.NaN), 0);
  return { lines, open };
}

async function openPopup(tabId: number): Promise<Page> {
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
  await popup.locator('main.popup h1').waitFor();
  return popup;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-loop-'));
  port = await freePort();
  env = { THIQA_DATA_DIR: dataDir, THIQA_ADMIN_TOKEN: ADMIN_TOKEN, DATABASE_URL: '' };
  shops = await startShopServer();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await shops?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the whole loop', () => {
  it('turns a shopper’s report into a complaint every extension shows, and a flag into danger', async () => {
    // The publisher: a key, the merchants, a first publication.
    publicKey = /public key:\s+(\S+)/.exec(await cli('keys', 'generate'))?.[1] as string;
    expect(publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const csv = join(dataDir, 'merchants.csv');
    await writeFile(
      csv,
      '\ufeffdomains;legal_name;trade_name;ice;rc;city;phone;email;status;verified_at;verified_by;methods;labels\r\n' +
        `${SHOP};Atlas Électro SARL;Atlas Électro;${iceWithCheckDigits('0015200030000')};RC Casablanca 481516;` +
        `Casablanca;0522-00 01 01;contact@atlas-electro.test;verified;${day(-30)};FDEC;"commercial-register;phone-call";` +
        `"e-thiq:ETQ-2026-0042@${day(300)}; cndp:D-W-903/2024"\r\n`,
    );
    expect((await cli('import', csv)).trim().split('\n')).toEqual([
      'imported. 1 rows: 1 new, 0 updated, 0 unchanged, 0 bad',
    ]);
    await cli('publish');
    serve = await startService();

    // The shopper: the extension built against this service and its key.
    const extensionDir = await buildExtension('loop', {
      directoryUrl: `${serve.url}/v1/directory/`,
      publicKeys: publicKey,
    });
    browser = await launchWithExtension(extensionDir, { hostRules: HOST_RULES });
    browser.context.on('request', (request: Request) => {
      seen.push({
        method: request.method(),
        url: request.url(),
        headers: request.headers(),
        fromExtension:
          request.serviceWorker() !== null || request.frame()?.url().startsWith('chrome-extension://') === true,
      });
    });
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await expect
      .poll(
        async () =>
          ((await requestFromExtensionPage(options, { type: 'getDirectoryStatus' })) as { value?: { source: string } })
            .value?.source,
        { timeout: 20_000 },
      )
      .toBe('synced');

    // A verified shop; one click on Report; the receipt.
    const shopPage = await browser.context.newPage();
    await shopPage.goto(shops.urlFor(SHOP, '/produit/tv-55?utm_source=facebook&fbclid=abc123#avis'));
    const tabId = await tabIdFor(options, shops.urlFor(SHOP, ''));
    await expect.poll(() => toolbarBadge(options, tabId).then((badge) => badge.text)).toBe('✓');
    let popup = await openPopup(tabId);
    expect(await complaintsShown(popup)).toEqual({ lines: [], open: 0 });
    await popup.getByRole('button', { name: 'Report this shop' }).click();
    await expect
      .poll(() => popup.locator('[data-receipt]').getAttribute('data-receipt'), { timeout: 15_000 })
      .toMatch(/^[A-Za-z0-9_-]{22,}$/);
    const receipt = (await popup.locator('[data-receipt]').getAttribute('data-receipt')) as string;
    await popup.close();

    // The service has it, without query or fragment.
    const listed = (await (
      await fetch(`${serve.url}/v1/admin/reports?status=new`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as Array<{ receipt: string; url: string; reason: string }>;
    expect(listed).toEqual([
      expect.objectContaining({ receipt, url: `http://${SHOP}:${shops.port}/produit/tv-55`, reason: 'suspicious' }),
    ]);

    // A moderator accepts it with the CLI and publishes; the extension syncs.
    await withServiceStopped(async () => {
      await cli('reports', 'accept', receipt, '--category', 'non-delivery', '--as', 'Khadija');
      await cli('publish');
    });
    await syncNow(options, 2);
    popup = await openPopup(tabId);
    expect(await complaintsShown(popup)).toEqual({ lines: ['Order not delivered: 1'], open: 1 });
    expect(await popup.locator('header[data-level]').getAttribute('data-level')).toBe('verified');
    await popup.close();

    // Two more shoppers report the shop; once accepted the threshold (3) is reached: caution.
    const others: string[] = [];
    for (const key of [crypto.randomUUID(), crypto.randomUUID()]) {
      const response = await fetch(`${serve.url}/v1/reports`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          url: `https://${SHOP}/commande`,
          reason: 'non-delivery',
          idempotencyKey: key,
          lang: 'ar',
        }),
      });
      expect(response.status).toBe(201);
      others.push(((await response.json()) as { receipt: string }).receipt);
    }
    await withServiceStopped(async () => {
      for (const other of others) await cli('reports', 'accept', other, '--category', 'non-delivery');
      await cli('publish');
    });
    await syncNow(options, 3);
    await shopPage.reload();
    await expect.poll(() => toolbarBadge(options, tabId).then((badge) => badge.text)).toBe('!');
    popup = await openPopup(tabId);
    expect(await popup.locator('header[data-level]').getAttribute('data-level')).toBe('caution');
    const shown = await complaintsShown(popup);
    expect(shown).toEqual({ lines: ['Order not delivered: 3'], open: 3 });
    // The reason for caution names the same count the list adds up to.
    expect(await popup.locator('[data-reason="complaints-open"]').innerText()).toBe(
      `${shown.open} open complaints (caution from 3).`,
    );
    await popup.close();

    // Flagging the domain turns it to danger on the next sync.
    await withServiceStopped(async () => {
      await cli('flag', SHOP, '--reason', 'fraud', '--summary', 'Takes payment and never delivers.');
      await cli('publish');
    });
    await syncNow(options, 4);
    await shopPage.reload();
    await expect.poll(() => toolbarBadge(options, tabId).then((badge) => badge.text)).toBe('✕');

    // The shopper's report reads accepted in the options page.
    await options.reload();
    await expect
      .poll(() => options.locator(`tr[data-receipt="${receipt}"] td[data-status]`).getAttribute('data-status'))
      .toBe('accepted');
    await browser.close();
    await serve.stop();

    // Privacy: what left the browser is the shop pages the test opened, the identical
    // directory requests, and the one report the shopper clicked (with its status checks).
    const origin = serve.url;
    const fromExtension = seen.filter(
      (request) => request.fromExtension && !request.url.startsWith('chrome-extension://'),
    );
    for (const request of fromExtension) {
      const url = new URL(request.url);
      expect(url.origin, request.url).toBe(origin);
      expect(url.search, request.url).toBe('');
      expect(request.headers.cookie, request.url).toBeUndefined();
      const isDirectory =
        request.method === 'GET' &&
        /^\/v1\/directory\/(manifest\.json|(snapshot|delta)-[\w.-]+\.json\.gz)$/.test(url.pathname);
      const isTheReport =
        (request.method === 'POST' && url.pathname === '/v1/reports') ||
        (['GET', 'PATCH'].includes(request.method) && url.pathname === `/v1/reports/${receipt}`);
      expect(isDirectory || isTheReport, `${request.method} ${request.url}`).toBe(true);
    }
    expect(fromExtension.filter((request) => request.method === 'POST')).toHaveLength(1);
    const directoryHeaderSets = new Set(
      fromExtension
        .filter((request) => request.url.includes('/v1/directory/'))
        .map((request) =>
          JSON.stringify(
            Object.keys(request.headers)
              .filter((name) => name !== 'if-none-match')
              .sort(),
          ),
        ),
    );
    expect(directoryHeaderSets.size).toBe(1);
    const pages = seen.filter((request) => !request.fromExtension && !request.url.startsWith('chrome-extension://'));
    expect(pages.length).toBeGreaterThan(0);
    for (const request of pages) expect(new URL(request.url).hostname, request.url).toBe(SHOP);

    // And the database keeps no IP address anywhere.
    const registry = await openRegistry({ pgliteDir: join(dataDir, 'db') });
    try {
      const columns = await sql<{ table_name: string; column_name: string }>`
        select table_name, column_name from information_schema.columns
        where table_schema = 'public' and data_type in ('text', 'jsonb', 'json', 'character varying', 'inet')`.execute(
        registry.db,
      );
      let values = 0;
      for (const { table_name, column_name } of columns.rows) {
        const rows = await sql<{
          value: string | null;
        }>`select ${sql.ref(column_name)}::text as value from ${sql.table(table_name)}`.execute(registry.db);
        for (const { value } of rows.rows) {
          if (value === null) continue;
          values++;
          expect(value, `${table_name}.${column_name}`).not.toMatch(/\b(?:\d{1,3}\.){3}\d{1,3}\b|::1\b|::ffff:/i);
        }
      }
      expect(values).toBeGreaterThan(50);
    } finally {
      await registry.close();
    }
    console.log(`whole loop wall time: ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }, 240_000);
});
