// biome-ignore-all lint/performance/useDomNodeTextContent: innerText() is the rendered text a reader sees
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishDirectory } from '../../server/directory/publisher.ts';
import { loadSigningKeys } from '../../server/directory/signing-keys.ts';
import { DEFAULT_MAIL_SENDER } from '../../server/mail/configured-mailer.ts';
import { parseSmtpUrl, SmtpMailer, type SmtpSettings } from '../../server/mail/smtp-mailer.ts';
import { StaffSessions } from '../../server/staff/staff-sessions.ts';
import { addStaffRow } from '../support/console-client.ts';
import { type DemoService, openDemoService } from '../support/demo-service.ts';
import { openProofShops, type ProofShops } from '../support/proof-shops.ts';
import { openSmtpInbox, readMail, type SmtpInbox } from '../support/smtp-inbox.ts';
import { CHROMIUM_PATH, type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { requestFromExtensionPage, seriousAxeViolations, tabIdFor } from './extension-probe.ts';

// A complaint's whole life with the real parts (issue 13): a shopper reports a listed shop
// from the built extension, a second shopper from the portal with a contact; a moderator
// accepts both as one complaint in the console (JavaScript off); the merchant's mail goes
// through a real SMTP server and carries neither shopper's words; the merchant answers
// through its one-time link two days later; the extension's options page and the portal's
// report page show the answer; the next publication carries the answer rate, and the popup
// shows it.

const SHOP = 'tanger-tech.test';
const MERCHANT_MAIL = 'info@tanger-tech.test';
const CONTACT = 'salma.reporter@example.ma';
const DETAILS = 'Commande 4411 payée à la livraison, colis vide. Mon numéro: 0661234567.';
const SUMMARY = 'Un client a reçu un colis vide pour une commande payée à la livraison.';
const ANSWER = 'Nous renvoyons la commande demain et remboursons la livraison.';
const DAY_MS = 86_400_000;
const PHONE = { width: 360, height: 780 };

let service: DemoService;
let server: ReturnType<typeof serve>;
let origin: string;
let shops: ProofShops;
let inbox: SmtpInbox;
let browser: Browser;
let extension: ExtensionBrowser;
const contexts: Record<'moderator' | 'merchant' | 'shopper', BrowserContext> = {} as never;

/** Submits the form that holds `button` and waits for the page it leads to. */
async function submit(page: Page, button: ReturnType<Page['locator']>): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response?.status() ?? 0;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Serious axe violations on the page `from` shows, read in a browser with script (axe is a
 * script) holding the same cookies, at the same width and language.
 */
async function axeViolations(from: Page): Promise<string[]> {
  const source = from.context();
  const context = await browser.newContext({ viewport: from.viewportSize() ?? PHONE });
  try {
    await context.addCookies(await source.cookies());
    const page = await context.newPage();
    await page.goto(from.url());
    return await seriousAxeViolations(page);
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  shops = await openProofShops();
  shops.serve(SHOP, '/produit/tv', {
    body: '<!doctype html><html lang="fr"><title>Tanger Tech</title><h1>Téléviseur 55"</h1><p>4 999 DH</p></html>',
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  });
  inbox = await openSmtpInbox();
  // The server first, so that the service knows its own origin: links in mail name it.
  let fetchApp: (request: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  server = await new Promise((done) => {
    const started = serve({ fetch: (request, env) => fetchApp(request, env), port: 0, hostname: '127.0.0.1' }, () =>
      done(started),
    );
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The service's clock starts two days back: the merchant answers "now", two days after
  // the complaint was sent, and the published median says so.
  service = await openDemoService({
    now: new Date(Date.now() - 2 * DAY_MS).toISOString(),
    portal: { publicOrigin: origin },
    mailer: new SmtpMailer(parseSmtpUrl(inbox.url()) as SmtpSettings, DEFAULT_MAIL_SENDER),
  });
  fetchApp = (request, env) => service.app.fetch(request, env as never);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
  contexts.moderator = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
  contexts.merchant = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR', viewport: PHONE });
  contexts.shopper = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB', viewport: PHONE });
  const keys = await loadSigningKeys(service.dataDir);
  const extensionDir = await buildExtension('complaint-loop', {
    directoryUrl: `${origin}/v1/directory/`,
    publicKeys: keys.map((key) => key.publicKey).join(','),
  });
  extension = await launchWithExtension(extensionDir, { hostRules: 'MAP *.test 127.0.0.1' });
});

afterAll(async () => {
  await extension?.close();
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await service?.close();
  await shops?.close();
  await inbox?.close();
});

describe('a complaint the merchant answers', () => {
  it('goes from the extension to the merchant and back, and the answer rate reaches the popup', async () => {
    // The first shopper: the extension reports the shop in one click.
    const options = await extension.context.newPage();
    await options.goto(`chrome-extension://${extension.extensionId}/options.html`);
    const shopUrl = `http://${SHOP}:${new URL(shops.origin).port}/produit/tv`;
    const shopPage = await extension.context.newPage();
    await shopPage.goto(`${shopUrl}?commande=4411#avis`);
    const tabId = await tabIdFor(options, shopUrl);
    const popup = await extension.context.newPage();
    await popup.goto(`chrome-extension://${extension.extensionId}/popup.html?tab=${tabId}`);
    await popup.getByRole('button', { name: 'Report this shop' }).click();
    await expect
      .poll(() => popup.locator('[data-receipt]').getAttribute('data-receipt'), { timeout: 20_000 })
      .toMatch(/^[A-Za-z0-9_-]{22}$/);
    const receipt = (await popup.locator('[data-receipt]').getAttribute('data-receipt')) as string;
    await popup.close();

    // The second shopper, on the portal: details and a contact, not shared with the merchant.
    const shopper = await contexts.shopper.newPage();
    await shopper.goto(`${origin}/report?lang=en&url=${encodeURIComponent(`https://${SHOP}/produit/tv`)}`);
    await shopper.locator('input[name="reason"][value="non-delivery"]').check();
    await shopper.locator('textarea[name="details"]').fill(DETAILS);
    await shopper.locator('input[name="contact"]').fill(CONTACT);
    await shopper.locator('input[name="consent"]').check();
    expect(await submit(shopper, shopper.locator('main form button[type="submit"]'))).toBe(200);
    const keyedLink = shopper.url();
    expect(new URL(keyedLink).searchParams.get('key')).toBeTruthy();

    // The moderator accepts both as one complaint, with a summary for the merchant.
    const moderator = await addStaffRow(service, 'moderator', 'khadija@thiqa.test', 'Khadija');
    const session = await new StaffSessions(service.registry.db, () => service.now()).open(moderator.id);
    await contexts.moderator.addCookies([{ name: 'thiqa_staff', value: session, url: origin }]);
    const queue = await contexts.moderator.newPage();
    await queue.goto(`${origin}/admin/queue/${SHOP}?lang=en`);
    const receipts = await queue
      .locator('section.queue-report')
      .evaluateAll((sections) => sections.map((section) => section.getAttribute('data-receipt')));
    expect(receipts).toHaveLength(2);
    expect(receipts).toContain(receipt);
    for (const box of await queue.locator('input[name="receipt"]').all()) await box.check();
    await queue.locator('#bulk-category').selectOption('non-delivery');
    await queue.locator('#bulk-summary').fill(SUMMARY);
    const accepted = await submit(queue, queue.locator('button[name="bulk"][value="accept"]'));
    expect(accepted, squash(await queue.locator('main').innerText())).toBe(200);

    // The merchant's mail, through the SMTP server: the link, the summary, no shopper's words.
    await expect.poll(() => inbox.received.filter((mail) => mail.recipients.includes(MERCHANT_MAIL)).length).toBe(1);
    const raw = inbox.received.find((entry) => entry.recipients.includes(MERCHANT_MAIL))?.raw ?? '';
    const mail = readMail(raw);
    const link = /https?:\/\/\S+\/merchant\/link\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    expect(link).toBeDefined();
    for (const secret of [CONTACT, '0661234567', 'Commande 4411', receipt]) {
      expect(mail.text).not.toContain(secret);
      expect(raw).not.toContain(secret);
    }

    // Two days later the merchant opens the link on a phone and answers.
    service.setNow(new Date());
    const merchant = await contexts.merchant.newPage();
    await merchant.goto(link as string);
    expect(await submit(merchant, merchant.locator('main form button[type="submit"]'))).toBe(200);
    const complaintPage = squash(await merchant.locator('main').innerText());
    expect(complaintPage).toContain(SUMMARY);
    for (const secret of [CONTACT, '0661234567', 'Commande 4411', receipt]) {
      expect(complaintPage).not.toContain(secret);
    }
    expect(await axeViolations(merchant)).toEqual([]);
    await merchant.locator('input[name="kind"][value="will-act"]').check();
    await merchant.locator('textarea[name="text"]').fill(ANSWER);
    expect(await submit(merchant, merchant.getByRole('button', { name: 'Envoyer la réponse' }))).toBe(200);

    // The first shopper reads the answer in the options page.
    await options.reload();
    await options.getByRole('button', { name: 'Refresh statuses' }).click();
    const answer = options.locator(`section.report-answer[data-receipt="${receipt}"]`);
    await expect.poll(() => answer.count(), { timeout: 20_000 }).toBe(1);
    expect(squash(await answer.innerText())).toContain(ANSWER);

    // The second shopper reads it on the portal with the key, and says it is solved.
    await shopper.goto(keyedLink);
    expect(squash(await shopper.locator('main').innerText())).toContain(ANSWER);
    expect(await axeViolations(shopper)).toEqual([]);
    await shopper.locator('input[name="resolved"]').check();
    await shopper.locator('input[name="rating"][value="satisfied"]').check();
    expect(await submit(shopper, shopper.locator('form:has(input[name="resolved"]) button[type="submit"]'))).toBe(200);
    const complaint = await service.registry.db
      .selectFrom('complaints')
      .select(['status', 'stage'])
      .where('domain', '=', SHOP)
      .executeTakeFirstOrThrow();
    expect(complaint).toEqual({ status: 'resolved', stage: 'closed' });

    // The next publication carries the answer rate; the popup shows it after a sync.
    await publishDirectory(service.registry.db, {
      dataDir: service.dataDir,
      keys: await loadSigningKeys(service.dataDir),
      now: service.now(),
      actor: 'test',
    });
    await options.reload();
    await options.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => options.locator('[data-fact="version"] dd').innerText(), { timeout: 20_000 }).toBe('2');
    const status = (await requestFromExtensionPage(options, { type: 'getDirectoryStatus' })) as {
      value?: { version: number };
    };
    expect(status.value?.version).toBe(2);
    const after = await extension.context.newPage();
    await after.goto(`chrome-extension://${extension.extensionId}/popup.html?tab=${tabId}`);
    const rate = after.locator('p.answers');
    await rate.waitFor();
    expect(await rate.getAttribute('data-answers')).toBe('1/1');
    expect(squash(await rate.innerText())).toBe('This merchant answered the one complaint Thiqa sent it, in 2 days.');
  }, 180_000);
});
