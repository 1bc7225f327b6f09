// biome-ignore-all lint/performance/useDomNodeTextContent: innerText() is the rendered text a reader sees
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainProofChecker } from '../../server/applications/domain-proof.ts';
import { loadSigningKeys } from '../../server/directory/signing-keys.ts';
import { DEFAULT_MAIL_SENDER } from '../../server/mail/configured-mailer.ts';
import { parseSmtpUrl, SmtpMailer, type SmtpSettings } from '../../server/mail/smtp-mailer.ts';
import { StaffAccounts } from '../../server/staff/staff-accounts.ts';
import { SESSION_IDLE_MS } from '../../server/staff/staff-sessions.ts';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { type DemoService, openDemoService } from '../support/demo-service.ts';
import { openProofShops, type ProofShops } from '../support/proof-shops.ts';
import { openSmtpInbox, readMail, type SmtpInbox } from '../support/smtp-inbox.ts';
import { CHROMIUM_PATH, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';
import { requestFromExtensionPage, seriousAxeViolations, tabIdFor, toolbarBadge } from './extension-probe.ts';

// The console and the application form in real Chromium with JavaScript disabled, as the
// staff and the merchants use them: a merchant applies for a shop served on loopback with
// its token, a verifier completes the checklist and approves, a moderator publishes with a
// preview, and the portal and the extension show the shop verified; a moderator accepts a
// report and the portal's count changes. Mail goes through a real SMTP server.

const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results');
const PHONE = { width: 360, height: 780 };
const DESKTOP = { width: 1280, height: 900 };
const NEW_SHOP = 'souk-nour.test';
const PASSWORD = 'Argan-oil-from-Essaouira-2026';

let service: DemoService;
let server: ReturnType<typeof serve>;
let origin: string;
let shops: ProofShops;
let inbox: SmtpInbox;
let browser: Browser;
/** The staff's and the merchant's browsers, JavaScript off. */
const contexts: Record<'admin' | 'verifier' | 'moderator' | 'merchant', BrowserContext> = {} as never;
let receipt = '';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const started = createServer(handler);
  await new Promise<void>((done) => started.listen(0, '127.0.0.1', done));
  return { server: started, url: `http://127.0.0.1:${(started.address() as AddressInfo).port}` };
}

const squash = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().innerText()) ?? '').replace(/\s+/g, ' ').trim();

/** Submits the form that holds `button` and waits for the page it leads to. */
async function submit(page: Page, button: ReturnType<Page['locator']>): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response?.status() ?? 0;
}

/** The set-up link in the last mail sent to `email`. */
function setupLinkMailedTo(email: string): string {
  const mail = [...inbox.received].reverse().find((entry) => entry.recipients.includes(email));
  if (!mail) throw new Error(`no mail to ${email}`);
  const link = /https?:\/\/\S+\/admin\/setup\/[A-Za-z0-9_-]+/.exec(readMail(mail.raw).text)?.[0];
  if (!link) throw new Error(`no set-up link in the mail to ${email}`);
  return link;
}

async function chooseFirstPassword(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.locator('#setup-password').fill(PASSWORD);
  await page.locator('#setup-confirm').fill(PASSWORD);
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/admin');
}

async function signIn(page: Page, email: string, password: string): Promise<number> {
  await page.goto(`${origin}/admin/sign-in?lang=en`);
  await page.locator('#sign-in-email').fill(email);
  await page.locator('#sign-in-password').fill(password);
  return submit(page, page.locator('main form button[type="submit"]'));
}

beforeAll(async () => {
  shops = await openProofShops();
  inbox = await openSmtpInbox();
  const smtp = parseSmtpUrl(inbox.url()) as SmtpSettings;
  // Names the tests point at forbidden addresses, as a hostile DNS answer would: only these
  // are resolved here, and the checker has no test-only mapping for them.
  const trapAddresses: Record<string, string> = {
    'loopback-trap.test': '127.0.0.1',
    'metadata-trap.test': '169.254.169.254',
  };
  // The server first, so that the service knows its own origin: links in mail name it.
  let fetchApp: (request: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  server = await new Promise((done) => {
    const started = serve({ fetch: (request, env) => fetchApp(request, env), port: 0, hostname: '127.0.0.1' }, () =>
      done(started),
    );
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  service = await openDemoService({
    now: new Date().toISOString(),
    portal: { publicOrigin: origin },
    mailer: new SmtpMailer(smtp, DEFAULT_MAIL_SENDER),
    domainProof: new DomainProofChecker({
      testOnlyHosts: shops.testHosts(NEW_SHOP),
      resolve: async (name: string) => {
        const address = trapAddresses[name];
        if (!address) throw Object.assign(new Error(`${name} does not resolve`), { code: 'ENOTFOUND' });
        return [{ address, family: 4 }];
      },
    }),
  });
  // The peer's socket comes with `env`: the rate limits count by client address.
  fetchApp = (request, env) => service.app.fetch(request, env as never);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
  for (const who of ['admin', 'verifier', 'moderator'] as const) {
    contexts[who] = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB', viewport: DESKTOP });
  }
  contexts.merchant = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR', viewport: PHONE });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await service?.close();
  await shops?.close();
  await inbox?.close();
});

describe('staff accounts', () => {
  it('sets up the admin from a one-time link, and the admin adds a verifier and a moderator, mailed their links', async () => {
    const link = await new StaffAccounts(service.registry.db, () => service.now()).add(
      { email: 'admin@thiqa.test', name: 'Amina Admin', role: 'admin' },
      'test',
    );
    const admin = await contexts.admin.newPage();
    await chooseFirstPassword(admin, `${origin}/admin/setup/${link.token}?lang=en`);
    expect(await squash(admin, '.console-bar')).toContain('Signed in as Amina Admin (administrator)');

    for (const [email, name, role] of [
      ['verifier@thiqa.test', 'Youssef Verifier', 'verifier'],
      ['moderator@thiqa.test', 'Salma Moderator', 'moderator'],
    ] as const) {
      await admin.goto(`${origin}/admin/staff?lang=en`);
      await admin.locator('#staff-email').fill(email);
      await admin.locator('#staff-name').fill(name);
      await admin.locator(`main input[name="role"][value="${role}"]`).check();
      expect(await submit(admin, admin.locator('form[action^="/admin/staff/add"] button[type="submit"]'))).toBe(200);
      const page = await contexts[role].newPage();
      await chooseFirstPassword(page, setupLinkMailedTo(email));
      await page.close();
    }
    // A link works once.
    const again = await contexts.moderator.newPage();
    const used = await again.goto(setupLinkMailedTo('moderator@thiqa.test'));
    expect(used?.status()).toBe(404);
    await Promise.all([admin.close(), again.close()]);
  });

  it('refuses a wrong password, then locks the account after five, even for the right one', async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' })).newPage();
    expect(await signIn(page, 'verifier@thiqa.test', 'not-the-password-at-all')).toBe(403);
    expect(await squash(page, '.error-summary')).toContain('The e-mail address or the password is not right.');
    for (let attempt = 2; attempt <= 5; attempt++) await signIn(page, 'verifier@thiqa.test', `wrong-${attempt}-xxxxxx`);
    expect(await signIn(page, 'verifier@thiqa.test', PASSWORD)).toBe(429);
    expect(await squash(page, 'main')).toContain('Too many wrong passwords for this e-mail address');
    // The lock ends after its quarter of an hour; the verifier's own session was never touched.
    service.setNow(new Date(service.now().getTime() + 16 * 60_000));
    expect(await signIn(page, 'verifier@thiqa.test', PASSWORD)).toBe(200);
    await page.context().close();
  });
});

describe('a merchant applies and is verified', () => {
  it('applies without JavaScript for a shop on loopback, serves the token, and sees the domain proven', async () => {
    const page = await contexts.merchant.newPage();
    await page.goto(`${origin}/apply`);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    const ice = iceWithCheckDigits('0099887760001');
    const answers: Record<string, string> = {
      legalName: 'Souk Nour SARL',
      tradeName: 'Souk Nour',
      ice,
      rcNumber: '556677',
      address: '5, rue Tarik Ibn Ziad',
      city: 'Tanger',
      phone: '0539 11 22 33',
      email: 'contact@souk-nour.ma',
      domains: NEW_SHOP,
    };
    for (const [name, value] of Object.entries(answers)) await page.locator(`#apply-${name}`).fill(value);
    await page.locator('#apply-rcCourt').selectOption({ index: 1 });
    expect(await submit(page, page.locator('#apply-submit'))).toBe(200);
    receipt = /\/apply\/([A-Za-z0-9_-]{22})/.exec(page.url())?.[1] ?? '';
    expect(receipt).not.toBe('');
    const mail = inbox.received.find((entry) => entry.recipients.includes('contact@souk-nour.ma'));
    expect(readMail(mail?.raw ?? '').text).toContain(`/apply/${receipt}`);

    // The page gives the exact line to serve; the shop serves it; the service fetches it.
    const line = /thiqa-verification=[A-Za-z0-9_-]+/.exec(await page.locator('main').innerText())?.[0];
    expect(line).toBeDefined();
    shops.serve(NEW_SHOP, '/.well-known/thiqa-verification.txt', { body: `${line}\n` });
    expect(await submit(page, page.locator('#apply-check'))).toBe(200);
    expect(shops.requests).toContain(`${NEW_SHOP} /.well-known/thiqa-verification.txt`);
    expect(await squash(page, 'main')).toMatch(/prouvé|vérifié/i);
    await page.close();
  });

  it('lets the verifier complete the checklist and approve, and refuses the verifier publishing', async () => {
    const page = await contexts.verifier.newPage();
    await page.goto(`${origin}/admin/applications?lang=en`);
    await Promise.all([
      page.waitForURL(new RegExp(`/admin/applications/${receipt}`)),
      page.locator(`main a[href*="${receipt}"]`).first().click(),
    ]);
    await page.locator('#check-outcome-matches').check();
    expect(await submit(page, page.locator('form[action*="/register"] button[type="submit"]'))).toBe(200);
    await page.locator('#check-phoneOutcome-confirmed').check();
    expect(await submit(page, page.locator('form[action*="/phone"] button[type="submit"]'))).toBe(200);
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'console-checklist.png'), fullPage: true });
    const approve = page.locator('form[action*="/approve"] button[type="submit"]');
    expect(await approve.isDisabled()).toBe(false);
    expect(await submit(page, approve)).toBe(200);
    expect(await squash(page, 'main')).toMatch(/next publication/i);

    // A verifier may not publish: not the page, not a post.
    const refused = await page.goto(`${origin}/admin/publish?lang=en`);
    expect(refused?.status()).toBe(403);
    const token = await page.locator('input[name="form_token"]').first().getAttribute('value');
    const posted = await page.request.post(`${origin}/admin/publish?lang=en`, {
      form: { form_token: token ?? '', preview: 'x' },
      headers: { Origin: origin },
    });
    expect(posted.status()).toBe(403);
    await page.close();
  });

  it('lets the moderator publish after a preview, and the portal and the extension show the shop verified', async () => {
    const page = await contexts.moderator.newPage();
    expect(await signIn(page, 'moderator@thiqa.test', PASSWORD)).toBe(200);
    await page.goto(`${origin}/admin/publish?lang=en`);
    const preview = await squash(page, 'main');
    expect(preview).toContain('Souk Nour');
    expect(preview).toMatch(/version 2/i);
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(200);
    expect(await squash(page, 'main')).toMatch(/version 2 is published/i);

    const shopper = await contexts.merchant.newPage();
    await shopper.goto(`${origin}/check?q=${NEW_SHOP}&lang=en`);
    expect(await shopper.locator('.verdict').getAttribute('data-level')).toBe('verified');
    expect(await squash(shopper, '[data-fact="legal-name"] dd')).toBe('Souk Nour SARL');
    await Promise.all([page.close(), shopper.close()]);

    // The extension, built against this service and its key, syncs and shows ✓ on the shop.
    const keys = await loadSigningKeys(service.dataDir);
    const extensionDir = await buildExtension('console', {
      directoryUrl: `${origin}/v1/directory/`,
      publicKeys: keys.map((key) => key.publicKey).join(','),
    });
    shops.serve(NEW_SHOP, '/', {
      body: '<!doctype html><html lang="fr"><title>Souk Nour</title><h1>Souk Nour</h1><p>Babouches 249 DH</p></html>',
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
    });
    const extension = await launchWithExtension(extensionDir, { hostRules: 'MAP *.test 127.0.0.1' });
    try {
      const probe = await extension.context.newPage();
      await probe.goto(`chrome-extension://${extension.extensionId}/options.html`);
      const shop = await extension.context.newPage();
      const shopUrl = `http://${NEW_SHOP}:${new URL(shops.origin).port}/`;
      await shop.goto(shopUrl);
      const tabId = await tabIdFor(probe, shopUrl);
      // A fresh profile stores the bundled directory, then syncs the published one: on CI's busy
      // cores that took over 30 s once. The directory first, then the badge: a failure says which.
      const status = async () =>
        ((await requestFromExtensionPage(probe, { type: 'getDirectoryStatus' })) as { value?: { version: number } })
          .value;
      await expect
        .poll(async () => (await status())?.version, { timeout: 60_000, interval: 250 })
        .toBe(2)
        .catch(async (error: unknown) => {
          throw new Error(`the extension never held version 2; its status: ${JSON.stringify(await status())}`, {
            cause: error,
          });
        });
      await expect.poll(() => toolbarBadge(probe, tabId).then((badge) => badge.text), { timeout: 20_000 }).toBe('✓');
    } finally {
      await extension.close();
    }
  }, 120_000);
});

describe('the moderation queue', () => {
  it('takes a shopper’s report into a complaint, and the portal’s count changes after publishing', async () => {
    // Each line of the certificate's open complaints ends with its count ("Order not delivered: 2").
    const countOpen = async (page: Page) => {
      await page.goto(`${origin}/merchants/atlas-electro?lang=en`);
      const lines = await page.locator('[data-complaints="open"] li').allInnerTexts();
      return lines.reduce((sum, line) => sum + Number(/(\d+)\s*$/.exec(line.trim())?.[1] ?? Number.NaN), 0);
    };
    const shopper = await contexts.merchant.newPage();
    const before = await countOpen(shopper);
    await shopper.goto(`${origin}/report?lang=en&url=${encodeURIComponent('https://atlas-electro.test/tv')}`);
    await shopper.locator('input[name="reason"][value="non-delivery"]').check();
    await shopper.locator('textarea[name="details"]').fill('Paid 4,999 DH on delivery; the box was empty.');
    expect(await submit(shopper, shopper.locator('main form button[type="submit"]'))).toBe(200);

    const page = await contexts.moderator.newPage();
    await page.goto(`${origin}/admin/queue?lang=en`);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'console-queue.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(/\/admin\/queue\/atlas-electro\.test/),
      page.locator('main a[href*="/admin/queue/atlas-electro.test"]').first().click(),
    ]);
    expect(await squash(page, 'main')).toContain('the box was empty');
    const accept = page.locator('form[action*="/accept"]').first();
    expect(await submit(page, accept.locator('button[type="submit"]'))).toBe(200);
    await page.goto(`${origin}/admin/publish?lang=en`);
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(200);

    expect(await countOpen(shopper)).toBe(before + 1);
    await Promise.all([page.close(), shopper.close()]);
  });
});

describe('refusals', () => {
  it('refuses a console form posted from another site', async () => {
    const flagsBefore = (await service.registry.db.selectFrom('flagged_domains').select('domain').execute()).length;
    const evil = await listen((_request, response) => {
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><form method="post" action="${origin}/admin/flags/new">
        <input name="domain" value="atlas-electro.test"><input name="reason" value="fraud">
        <input name="summary" value="forged by another site"><button>Claim your prize</button></form>`);
    });
    const page = await contexts.moderator.newPage();
    await page.goto(evil.url);
    const [response] = await Promise.all([page.waitForNavigation(), page.locator('button').click()]);
    expect(response?.status()).toBe(403);
    expect((await service.registry.db.selectFrom('flagged_domains').select('domain').execute()).length).toBe(
      flagsBefore,
    );
    await page.close();
    evil.server.close();
  });

  it('refuses a domain proof that points at 127.0.0.1 or 169.254.169.254, fetching nothing', async () => {
    const page = await contexts.merchant.newPage();
    await page.goto(`${origin}/apply?lang=en`);
    const answers: Record<string, string> = {
      legalName: 'Trap SARL',
      tradeName: 'Trap',
      ice: iceWithCheckDigits('0011223340001'),
      rcNumber: '9911',
      address: '1, rue Test',
      city: 'Rabat',
      phone: '0537 00 00 01',
      email: 'trap@example.ma',
      domains: 'loopback-trap.test\nmetadata-trap.test',
    };
    for (const [name, value] of Object.entries(answers)) await page.locator(`#apply-${name}`).fill(value);
    await page.locator('#apply-rcCourt').selectOption({ index: 1 });
    expect(await submit(page, page.locator('#apply-submit'))).toBe(200);
    const requestsBefore = shops.requests.length;
    expect(await submit(page, page.locator('#apply-check'))).toBe(200);
    const stored = await service.registry.db
      .selectFrom('applications')
      .select('domain_checks')
      .where('email', '=', 'trap@example.ma')
      .executeTakeFirstOrThrow();
    const checks = stored.domain_checks as Record<string, { proven: boolean; problem: string }>;
    expect(checks['loopback-trap.test']).toMatchObject({ proven: false, problem: 'forbidden-address' });
    expect(checks['metadata-trap.test']).toMatchObject({ proven: false, problem: 'forbidden-address' });
    expect(shops.requests.length).toBe(requestsBefore);
    await page.close();
  });

  it('ends a signed-out session for good, and an idle one after its time', async () => {
    const page = await contexts.moderator.newPage();
    await page.goto(`${origin}/admin?lang=en`);
    const kept = await contexts.moderator.cookies();
    expect(await submit(page, page.locator('.console-bar button[type="submit"]'))).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    // The old cookie, put back, signs no one in.
    await contexts.moderator.addCookies(kept);
    await page.goto(`${origin}/admin/queue?lang=en`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');

    const verifier = await contexts.verifier.newPage();
    await verifier.goto(`${origin}/admin/applications?lang=en`);
    expect(new URL(verifier.url()).pathname).toBe('/admin/applications');
    service.setNow(new Date(service.now().getTime() + SESSION_IDLE_MS + 1000));
    await verifier.goto(`${origin}/admin/applications?lang=en`);
    expect(new URL(verifier.url()).pathname).toBe('/admin/sign-in');
    await Promise.all([page.close(), verifier.close()]);
  });
});

describe('the console’s accessibility', () => {
  it('has no serious or critical axe violation on any console page, in Arabic at 360 px and English at 1280 px', async () => {
    const admin = await browser.newContext({ locale: 'en-GB', viewport: DESKTOP });
    const page = await admin.newPage();
    expect(await signIn(page, 'admin@thiqa.test', PASSWORD)).toBe(200);
    const paths = [
      '/admin',
      '/admin/queue',
      '/admin/queue/atlas-electro.test',
      '/admin/complaints',
      '/admin/flags',
      '/admin/flags/new',
      '/admin/flags/promo-iphone-maroc.test/edit',
      '/admin/flags/promo-iphone-maroc.test/remove',
      '/admin/merchants',
      '/admin/merchants/atlas-electro',
      '/admin/merchants/atlas-electro/edit',
      '/admin/applications',
      `/admin/applications/${receipt}`,
      '/admin/reverify',
      '/admin/reverify/atlas-electro',
      '/admin/publish',
      '/admin/audit',
      '/admin/staff',
      '/apply',
      `/apply/${receipt}`,
    ];
    const found: string[] = [];
    // Arabic (right to left) on a phone, English on a desktop: both directions and both widths.
    for (const [lang, viewport] of [
      ['ar', PHONE],
      ['en', DESKTOP],
    ] as const) {
      await page.setViewportSize(viewport);
      for (const path of paths) {
        const response = await page.goto(`${origin}${path}?lang=${lang}`);
        expect(response?.status(), path).toBeLessThan(400);
        for (const violation of await seriousAxeViolations(page))
          found.push(`${path} ${lang} ${viewport.width}: ${violation}`);
      }
    }
    const signedOut = await (await browser.newContext({ locale: 'ar-MA' })).newPage();
    for (const path of ['/admin/sign-in']) {
      await signedOut.goto(`${origin}${path}`);
      for (const violation of await seriousAxeViolations(signedOut)) found.push(`${path}: ${violation}`);
    }
    expect(found.join('\n')).toBe('');
    await admin.close();
    await signedOut.context().close();
  }, 300_000);
});
