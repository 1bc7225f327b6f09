import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../server/db/database.ts';
import { freePort, type ServiceProcess, startServiceProcess } from '../support/service-process.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { requestFromExtensionPage, tabIdFor } from './extension-probe.ts';

// Reports survive: 1,000 reports clicked in the built extension (through the protocol the
// popup uses) while the real `thiqa serve` is killed with SIGKILL and restarted on the same
// data folder and port, several times while reports are queued and while the outbox drains.
// Afterwards every report is in the database exactly once, under its idempotency key,
// and the extension's report list shows each one's receipt.

const REPORTS = 1_000;
/** Kills while reports are being clicked, at these counts of reports queued. */
const KILL_AT_QUEUED = [200, 450, 700, 950];
/** Kills once all are queued, each while the outbox is seen delivering. */
const KILLS_WHILE_DRAINING = 2;
/** Tabs clicking reports at the same time, as a shopper with several shops open. */
const TABS = 4;
const HOST_RULES = 'MAP *.test 127.0.0.1';

interface ReportView {
  idempotencyKey: string;
  url: string;
  delivery: 'queued' | 'sent' | 'refused';
  receipt: string | null;
  attempts: number;
  lastError: string | null;
}

/** Reports are clicked on 100 single-page shops, on ten product pages of each. */
const PAGES_PER_SHOP = 10;
const shopUrl = (index: number, port: number) =>
  `http://shop-${String(Math.floor(index / PAGES_PER_SHOP)).padStart(3, '0')}.test:${port}/produit/${index}`;

/** Any host is a shop with a product page: what the report names is the URL. */
async function startAnyShopServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(`<!doctype html><title>${request.headers.host}</title><h1>Produit</h1><p>199 MAD</p>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

declare const chrome: { tabs: { get(tabId: number): Promise<{ url?: string }> } };

/** The browser tells the extension about a navigation a moment after the page commits it. */
async function untilTabShows(probe: Page, tabId: number, url: string): Promise<void> {
  const shown = await probe.evaluate(
    async ({ id, expected }) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        if ((await chrome.tabs.get(id)).url === expected) return true;
        await new Promise((done) => setTimeout(done, 10));
      }
      return false;
    },
    { id: tabId, expected: url },
  );
  if (!shown) throw new Error(`tab ${tabId} never showed ${url}`);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('reports survive a service killed with SIGKILL and restarted', () => {
  let dataDir: string;
  let port: number;
  let service: ServiceProcess | undefined;
  let shops: Awaited<ReturnType<typeof startAnyShopServer>>;
  let browser: ExtensionBrowser;
  let extensionDir: string;
  const started = Date.now();
  // Progress on stderr: a soak that stalls should say where.
  const progress = (line: string) =>
    process.stderr.write(`[soak +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-report-soak-'));
    port = await freePort();
    shops = await startAnyShopServer();
    extensionDir = await buildExtension('report-soak', { directoryUrl: `http://127.0.0.1:${port}/v1/directory/` });
    progress('extension built');
  });

  afterAll(async () => {
    await browser?.close();
    await service?.kill9();
    await shops?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers each of 1,000 reports exactly once and shows its receipt', async () => {
    const serviceOptions = { dataDir, port, reportRateLimit: '100000/1m' };
    service = await startServiceProcess(serviceOptions);
    browser = await launchWithExtension(extensionDir, { hostRules: HOST_RULES });
    const probe = await browser.context.newPage();
    await probe.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const listReports = async (): Promise<ReportView[]> => {
      const reply = (await requestFromExtensionPage(probe, { type: 'listReports', refresh: false })) as {
        ok: boolean;
        value: ReportView[];
      };
      expect(reply.ok).toBe(true);
      return reply.value;
    };

    let kills = 0;
    let killsWhileDraining = 0;
    // One kill and restart at a time; reports keep being clicked meanwhile.
    let chaos: Promise<void> = Promise.resolve();
    const killAndRestart = () => {
      chaos = chaos.then(async () => {
        await service?.kill9();
        kills++;
        progress(`SIGKILL ${kills}`);
        // Down long enough for clicks and retries to find nobody there.
        await sleep(500);
        service = await startServiceProcess(serviceOptions);
        progress(`restarted (pid ${service.pid})`);
      });
      return chaos;
    };

    // Queue: each tab shows one shop after another and its report is clicked.
    const clickTimes = { started: Date.now(), finished: 0 };
    const tabs: Array<{ page: Page; tabId: number }> = [];
    for (let t = 0; t < TABS; t++) {
      const page = await browser.context.newPage();
      await page.goto(`http://tab-${t}.test:${shops.port}/`, { waitUntil: 'commit' });
      tabs.push({ page, tabId: await tabIdFor(probe, `http://tab-${t}.test:${shops.port}/`) });
    }
    const clicked: ReportView[] = [];
    // Milliseconds spent in each step of a click, summed over the tabs: where a slow run spends its time.
    const phase = { goto: 0, tab: 0, submit: 0 };
    let next = 0;
    const killsPending = [...KILL_AT_QUEUED];
    await Promise.all(
      tabs.map(async ({ page, tabId }) => {
        while (next < REPORTS) {
          // A tab takes a whole shop: its first page loads, the other nine are in-place navigations.
          const shop = next;
          next += PAGES_PER_SHOP;
          for (let index = shop; index < shop + PAGES_PER_SHOP; index++) {
            let t0 = Date.now();
            const url = shopUrl(index, shops.port);
            if (index % PAGES_PER_SHOP === 0) {
              await page.goto(url, { waitUntil: 'commit' });
            } else {
              // The next product of the same single-page shop: an in-place navigation.
              await page.evaluate((path) => history.pushState(null, '', path), new URL(url).pathname);
            }
            phase.goto += Date.now() - t0;
            t0 = Date.now();
            await untilTabShows(probe, tabId, shopUrl(index, shops.port));
            phase.tab += Date.now() - t0;
            t0 = Date.now();
            const reply = (await requestFromExtensionPage(probe, { type: 'submitReport', tabId })) as {
              ok: boolean;
              value: ReportView;
              error?: string;
            };
            phase.submit += Date.now() - t0;
            expect(reply.ok, reply.error).toBe(true);
            // The report names the page the tab showed when it was clicked.
            expect(reply.value.url).toBe(shopUrl(index, shops.port));
            clicked.push(reply.value);
            if (clicked.length % 50 === 0) progress(`${clicked.length} clicked ${JSON.stringify(phase)}`);
            if (killsPending.length > 0 && clicked.length >= (killsPending[0] as number)) {
              killsPending.shift();
              void killAndRestart();
            }
          }
        }
      }),
    );
    clickTimes.finished = Date.now();
    await chaos;

    // Drain: wait for the outbox to deliver, killing the service whenever it is seen at it.
    const deadline = Date.now() + 150_000;
    let sentBefore = (await listReports()).filter((report) => report.delivery === 'sent').length;
    let reports: ReportView[] = [];
    while (Date.now() < deadline) {
      reports = await listReports();
      const sent = reports.filter((report) => report.delivery === 'sent').length;
      if (sent === REPORTS) break;
      if (killsWhileDraining < KILLS_WHILE_DRAINING && sent > sentBefore) {
        killsWhileDraining++;
        await killAndRestart();
      }
      if (sent !== sentBefore) progress(`${sent} delivered`);
      sentBefore = sent;
      await sleep(250);
    }
    const waiting = reports.filter((report) => report.delivery !== 'sent');
    console.log(
      `report soak: ${clicked.length} clicked in ${clickTimes.finished - clickTimes.started} ms, ` +
        `${kills} SIGKILLs (${killsWhileDraining} while draining), ` +
        `${REPORTS - waiting.length} delivered, ${reports.filter((report) => report.attempts > 1).length} of them ` +
        `after a failed attempt, most attempts ${Math.max(...reports.map((report) => report.attempts))}`,
    );
    expect(waiting.map((report) => `${report.url}: ${report.delivery} ${report.lastError}`)).toEqual([]);
    // Every kill while clicking happens; kills while draining happen only while reports are
    // still waiting, and once one report gets through the outbox sends the rest at once, so
    // the drain may finish before a second (or first) kill finds it at work.
    expect(kills).toBe(KILL_AT_QUEUED.length + killsWhileDraining);
    expect(killsWhileDraining).toBeLessThanOrEqual(KILLS_WHILE_DRAINING);

    // The options page lists every report with its receipt, as the shopper sees it.
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options
      .locator('tr[data-receipt]')
      .nth(REPORTS - 1)
      .waitFor({ timeout: 60_000 });
    const shownReceipts = await options
      .locator('tr[data-receipt]')
      .evaluateAll((rows) => rows.map((row) => ({ receipt: row.getAttribute('data-receipt'), text: row.textContent })));
    expect(shownReceipts).toHaveLength(REPORTS);
    for (const row of shownReceipts) {
      expect(row.receipt).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(row.text).toContain(row.receipt);
    }

    // The database, read after a clean stop: each report once, under the receipt the extension shows.
    await service.stop();
    service = undefined;
    const registry = await openRegistry({ pgliteDir: join(dataDir, 'db') });
    try {
      const rows = await registry.db.selectFrom('reports').select(['idempotency_key', 'receipt', 'url']).execute();
      const byKey = new Map<string, number>();
      for (const row of rows) byKey.set(row.idempotency_key, (byKey.get(row.idempotency_key) ?? 0) + 1);
      const receiptOfKey = new Map(rows.map((row) => [row.idempotency_key, row.receipt]));
      const lost = reports.filter((report) => !byKey.has(report.idempotencyKey));
      const duplicated = [...byKey.values()].filter((count) => count > 1).length;
      const urlsTwice = rows.length - new Set(rows.map((row) => row.url)).size;
      console.log(
        `report soak: ${rows.length} rows for ${REPORTS} reports, ${lost.length} lost, ${duplicated} keys duplicated, ` +
          `${urlsTwice} URLs stored twice; wall time ${Math.round((Date.now() - started) / 1000)} s`,
      );
      expect(lost).toEqual([]);
      expect(duplicated).toBe(0);
      // One click, one row: no report reached the database under a second key either.
      expect(rows).toHaveLength(REPORTS);
      expect(urlsTwice).toBe(0);
      for (const report of reports) expect(report.receipt).toBe(receiptOfKey.get(report.idempotencyKey));
      expect(new Set(shownReceipts.map((row) => row.receipt))).toEqual(new Set(rows.map((row) => row.receipt)));
    } finally {
      await registry.close();
    }
  }, 360_000);
});
