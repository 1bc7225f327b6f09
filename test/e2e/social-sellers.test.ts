// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText() is the rendered text a shopper reads
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPublication } from '../../src/directory/publication.ts';
import { snapshotSchema } from '../../src/directory/schemas.ts';
import { generateSigningKey, importSigningKey } from '../../src/directory/signing.ts';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import { e2eDirectory } from '../fixtures/e2e-directory.ts';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { readInPageBadge, requestFromExtensionPage, tabIdFor, toolbarBadge } from './extension-probe.ts';
import { type DirectoryServer, startDirectoryServer } from './fixture-servers.ts';

// Social sellers in the built extension, in Chromium: the networks' host names go to a
// loopback server. It speaks https with a throw-away certificate, because Chromium's HSTS
// preload list upgrades http://www.instagram.com to https before any request (the unit
// tests prove that http addresses and ports resolve to the same identity). The
// directory lists Atlas Électro's Instagram and flags a WhatsApp number, and a report from
// the popup reaches the real report service under the seller's social key.

const ROOT = resolve(import.meta.dirname, '../..');
const HOST_RULES = ['www.instagram.com', 'www.tiktok.com', 'wa.me', 'api.whatsapp.com']
  .map((host) => `MAP ${host} 127.0.0.1`)
  .join(', ');
const FLAGGED_NUMBER = '212700000001';

let profiles: Server;
let directory: DirectoryServer;
let certificateDir: string;
const profileUrl = (host: string, path: string) => `https://${host}:${(profiles.address() as AddressInfo).port}${path}`;

/** One https server for every network host, answering each GET with the same profile page. */
async function startProfileServer(): Promise<Server> {
  certificateDir = mkdtempSync(join(tmpdir(), 'thiqa-social-'));
  const [key, cert] = [join(certificateDir, 'key.pem'), join(certificateDir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=thiqa-e2e',
    ],
    { stdio: 'ignore' },
  );
  const page = readFileSync(resolve(ROOT, 'test/fixtures/shops/social-profile.html'));
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (request, response) => {
    if (request.method !== 'GET') return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(page);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}
let browser: ExtensionBrowser;
let version: number;

beforeAll(async () => {
  [profiles, directory] = await Promise.all([startProfileServer(), startDirectoryServer()]);
  const { info, privateJwk } = await generateSigningKey();
  const now = new Date();
  const bundled = snapshotSchema.parse(
    JSON.parse(readFileSync(resolve(ROOT, 'public/directory/snapshot.json'), 'utf8')),
  );
  const current = e2eDirectory(now, bundled.version + 1, new Date(now.getTime() - 3_600_000));
  const atlas = current.state.merchants.find((merchant) => merchant.id === 'atlas-electro');
  if (!atlas) throw new Error('the e2e directory lost Atlas Électro');
  atlas.social = [{ network: 'instagram', handle: 'atlas.electro' }];
  current.state.flagged = [
    ...current.state.flagged,
    {
      domain: `wa.me/${FLAGGED_NUMBER}`,
      reason: 'non-delivery',
      since: now.toISOString().slice(0, 10),
      summary: 'Commandes payées à la livraison, colis vides.',
    },
  ].sort((a, b) => (a.domain < b.domain ? -1 : 1)) as typeof current.state.flagged;
  version = current.version;
  const publication = await buildPublication({
    current: snapshotSchema.parse(current),
    previous: [bundled],
    keys: [await importSigningKey(privateJwk)],
  });
  directory.publish(publication);
  const extensionDir = await buildExtension('social', {
    directoryUrl: directory.directoryUrl,
    publicKeys: info.publicKey,
  });
  browser = await launchWithExtension(extensionDir, { lang: 'fr', hostRules: HOST_RULES, ignoreHttpsErrors: true });
});

afterAll(async () => {
  await browser?.close();
  profiles?.closeAllConnections();
  await Promise.all([new Promise((done) => profiles?.close(done) ?? done(null)), directory?.close()]);
  if (certificateDir) rmSync(certificateDir, { recursive: true, force: true });
});

describe('social sellers in Chromium', () => {
  it('paints the badge per level on an Instagram profile, a flagged WhatsApp number and an unknown TikTok seller, then reports one', async () => {
    const probe = await browser.context.newPage();
    await probe.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await expect
      .poll(
        async () =>
          ((await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as { value?: { version: number } })
            .value?.version,
        { timeout: 20_000 },
      )
      .toBe(version);

    const cases: Array<[string, string, keyof typeof VERDICT_LEVELS, string]> = [
      ['www.instagram.com', '/atlas.electro/?igsh=c2hvcA', 'verified', '@atlas.electro · Instagram'],
      ['api.whatsapp.com', `/send?phone=%2B${FLAGGED_NUMBER}&text=Commande`, 'danger', '+212 7 00 00 00 01 · WhatsApp'],
      ['wa.me', '/0700000001', 'danger', '+212 7 00 00 00 01 · WhatsApp'],
      ['www.tiktok.com', '/@nouveau.vendeur', 'unknown', '@nouveau.vendeur · TikTok'],
    ];
    for (const [host, path, level, display] of cases) {
      const page = await browser.context.newPage();
      await page.goto(profileUrl(host, path));
      const tabId = await tabIdFor(probe, profileUrl(host, ''));
      await expect
        .poll(() => toolbarBadge(probe, tabId), { timeout: 10_000 })
        .toMatchObject({
          text: VERDICT_LEVELS[level].mark,
          title: expect.stringContaining(display),
        });
      // The profile has no shop signals in its markup: the in-page badge comes from the address.
      await expect.poll(() => readInPageBadge(page).then((badge) => badge?.level), { timeout: 10_000 }).toBe(level);
      await page.close();
    }

    // A network's own page is no seller's: no level, no in-page badge.
    const feed = await browser.context.newPage();
    await feed.goto(profileUrl('www.instagram.com', '/explore/'));
    const feedTab = await tabIdFor(probe, profileUrl('www.instagram.com', '/explore'));
    await expect.poll(() => toolbarBadge(probe, feedTab).then((badge) => badge.text)).toBe('');
    expect(await readInPageBadge(feed)).toBeNull();
    await feed.close();

    // Reported from the popup: the service receives the canonical profile, no query, and files it under the key.
    const shop = await browser.context.newPage();
    await shop.goto(profileUrl('api.whatsapp.com', `/send?phone=${FLAGGED_NUMBER}&text=Commande%20553`));
    const tabId = await tabIdFor(probe, profileUrl('api.whatsapp.com', ''));
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tab=${tabId}`);
    await expect.poll(() => popup.locator('main.popup h1').innerText()).toBeTruthy();
    expect(await popup.locator('main.popup').innerText()).toContain('+212 7 00 00 00 01 · WhatsApp');
    const before = directory.reports.size;
    await popup.getByRole('button', { name: 'Signaler cette boutique' }).click();
    await expect
      .poll(() => popup.locator('[data-receipt]').textContent())
      .toMatch(/^Signalement reçu\. Numéro de reçu : [A-Za-z0-9_-]{22}$/);
    expect(directory.reports.size).toBe(before + 1);
    const sent = [...directory.reports.values()].at(-1);
    expect(sent?.body.url).toBe(`https://wa.me/${FLAGGED_NUMBER}`);
    const status = await (await fetch(`http://127.0.0.1:${directory.port}/v1/reports/${sent?.receipt}`)).json();
    expect(status).toMatchObject({ domain: `wa.me/${FLAGGED_NUMBER}`, status: 'received' });
    await Promise.all([shop.close(), popup.close(), probe.close()]);
  });
});
