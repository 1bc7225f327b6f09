import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, consoleBrowser } from '../../test/support/console-client.ts';
import { visibleText } from '../../test/support/portal-form-client.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { DEFAULT_SIGN_IN_RATE_LIMIT } from '../app.ts';
import { listAudit } from '../db/audit-log.ts';
import { safeNextPath } from './sign-in-pages.tsx';
import { LOCK_AFTER, LOCK_MS, StaffAccounts } from './staff-accounts.ts';
import { StaffSessions } from './staff-sessions.ts';

const PASSWORD = 'le couscous du vendredi';
const WRONG = 'The e-mail address or the password is not right.';
const LOCKED = 'Too many wrong passwords for this e-mail address';

let service: TestService;
const openService = () => {
  beforeEach(async () => {
    service = await openTestService();
  });
  afterEach(async () => {
    await service.close();
  });
};

/** An account whose owner has chosen PASSWORD. */
async function account(target = service, email = 'nadia@thiqa.test') {
  const accounts = new StaffAccounts(target.registry.db, () => target.now());
  const link = await accounts.add({ email, name: 'Nadia Alaoui', role: 'moderator' }, 'test');
  const setup = await accounts.completeSetup(link.token, PASSWORD);
  if (!setup.ok) throw new Error('set-up refused');
}

async function signIn(browser: ConsoleBrowser, email: string, password: string, extra: Record<string, string> = {}) {
  await browser.open('/admin/sign-in?lang=en');
  return browser.post('/admin/sign-in?lang=en', { email, password, ...extra });
}

const sessionCookie = (headers: Headers, name = 'thiqa_staff') =>
  headers.getSetCookie().find((line) => line.startsWith(`${name}=`));

describe('signing in to the console', () => {
  openService();

  it('says a wrong password plainly, keeps the e-mail, and signs in with the right one into a new session', async () => {
    await account();
    const browser = consoleBrowser(service);
    const wrong = await signIn(browser, 'nadia@thiqa.test', 'not the password');
    expect(wrong.status).toBe(403);
    expect(visibleText(wrong.html)).toContain(`There is a problem ${WRONG}`);
    expect(wrong.html).toContain('value="nadia@thiqa.test"');
    expect(wrong.html).not.toContain('not the password');

    const missing = await signIn(browser, 'nadia', '');
    expect(missing.status).toBe(400);
    expect(visibleText(missing.html)).toContain('Enter an e-mail address in the right form');
    expect(visibleText(missing.html)).toContain('Enter your password');

    // A session token planted in the browser before is not the one it gets.
    const planted = 'A'.repeat(43);
    browser.setCookie('thiqa_staff', planted);
    const right = await signIn(browser, 'Nadia@Thiqa.test', PASSWORD);
    expect(right.status).toBe(303);
    expect(right.location).toBe('/admin?lang=en');
    const cookie = sessionCookie(right.headers) ?? '';
    expect(cookie).toMatch(/^thiqa_staff=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain(planted);
    const home = await browser.open('/admin?lang=en');
    expect(home.status).toBe(200);
    expect(visibleText(home.html)).toContain('Signed in as Nadia Alaoui (moderator)');

    // Signing in again (another tab) opens another session and ends the one the browser held.
    const before = browser.cookies().replace(/^.*thiqa_staff=([^;]+).*$/, '$1');
    expect((await signIn(browser, 'nadia@thiqa.test', PASSWORD)).status).toBe(303);
    const sessions = new StaffSessions(service.registry.db, () => service.now());
    expect(await sessions.member(before)).toBeNull();
  });

  it(`locks after ${LOCK_AFTER} wrong passwords, says so, refuses the right one meanwhile, and says the same of an unknown e-mail`, async () => {
    await account();
    const browser = consoleBrowser(service);
    for (let attempt = 1; attempt < LOCK_AFTER; attempt++) {
      expect(visibleText((await signIn(browser, 'nadia@thiqa.test', `guess ${attempt} of many`)).html)).toContain(
        WRONG,
      );
    }
    const locked = await signIn(browser, 'nadia@thiqa.test', 'guess 5 of many');
    expect(locked.status).toBe(429);
    expect(visibleText(locked.html)).toContain(
      `${LOCKED}: signing in with it is blocked for a while (up to 15 minutes)`,
    );
    const right = await signIn(browser, 'nadia@thiqa.test', PASSWORD);
    expect(right.status).toBe(429);
    expect(visibleText(right.html)).toContain(LOCKED);
    expect(sessionCookie(right.headers)).toBeUndefined();

    // The same answers for an e-mail without an account: the page does not tell which exist.
    for (let attempt = 1; attempt < LOCK_AFTER; attempt++) {
      expect(visibleText((await signIn(browser, 'nobody@thiqa.test', PASSWORD)).html)).toContain(WRONG);
    }
    expect(visibleText((await signIn(browser, 'nobody@thiqa.test', PASSWORD)).html)).toContain(LOCKED);

    service.setNow(new Date(service.now().getTime() + LOCK_MS));
    expect((await signIn(browser, 'nadia@thiqa.test', PASSWORD)).status).toBe(303);
  });

  it('answers 429 to an address past its sign-in allowance, and only to that address', async () => {
    const browser = consoleBrowser(service);
    await browser.open('/admin/sign-in?lang=en');
    const from = (address: string, email: string) =>
      browser.post('/admin/sign-in?lang=en', { email, password: PASSWORD }, {}, address);
    for (let attempt = 0; attempt < DEFAULT_SIGN_IN_RATE_LIMIT.max; attempt++) {
      expect((await from('203.0.113.9', `someone${attempt}@thiqa.test`)).status).toBe(403);
    }
    const refused = await from('203.0.113.9', 'another@thiqa.test');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(visibleText(refused.html)).toContain(
      'Too many sign-in attempts from your network. Try again in 15 minutes.',
    );
    expect((await from('198.51.100.20', 'another@thiqa.test')).status).toBe(403);
  });

  it('keeps only a console path in the form it renders', async () => {
    const page = await consoleBrowser(service).open(
      `/admin/sign-in?lang=en&next=${encodeURIComponent('//evil.example')}`,
    );
    expect(page.html).not.toContain('name="next"');
    const good = await consoleBrowser(service).open(`/admin/sign-in?next=${encodeURIComponent('/admin/flags')}`);
    expect(good.html).toContain('name="next" value="/admin/flags"');
  });

  it('refuses a sign-in form posted from another site, and one without its token', async () => {
    await account();
    const browser = consoleBrowser(service);
    await browser.open('/admin/sign-in?lang=en');
    const crossSite = await browser.post(
      '/admin/sign-in?lang=en',
      { email: 'nadia@thiqa.test', password: PASSWORD },
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    expect(sessionCookie(crossSite.headers)).toBeUndefined();
    const noToken = await consoleBrowser(service).post('/admin/sign-in', {
      email: 'nadia@thiqa.test',
      password: PASSWORD,
    });
    expect(noToken.status).toBe(403);
    expect(sessionCookie(noToken.headers)).toBeUndefined();
    const audit = await listAudit(service.registry.db, 50);
    expect(audit.filter((entry) => entry.action === 'staff.sign-in')).toHaveLength(1);
  });

  it('says a session ended, and signs out: the cookie cleared, the session ended for good', async () => {
    await account();
    const expired = await consoleBrowser(service).open('/admin/sign-in?lang=en&expired=1');
    expect(visibleText(expired.html)).toContain('Your session ended. Sign in again to go on.');
    const arabic = await readPortalPage(
      new Response((await consoleBrowser(service).open('/admin/sign-in?lang=ar')).html),
    );
    expect([arabic.lang, arabic.dir, arabic.text('h1')]).toEqual(['ar', 'rtl', 'تسجيل الدخول إلى لوحة ثقة']);

    const browser = consoleBrowser(service);
    await signIn(browser, 'nadia@thiqa.test', PASSWORD);
    const token = browser.cookies().replace(/^.*thiqa_staff=([^;]+).*$/, '$1');
    await browser.open('/admin?lang=en');
    const out = await browser.post('/admin/sign-out?lang=en', {});
    expect(out.status).toBe(303);
    expect(out.location).toBe('/admin/sign-in?lang=en');
    expect(sessionCookie(out.headers)).toMatch(/^thiqa_staff=; Max-Age=0; Path=\//);
    browser.setCookie('thiqa_staff', token);
    expect((await browser.open('/admin')).status).toBe(303);
    const audit = await listAudit(service.registry.db, 50);
    expect(audit.map((entry) => entry.action)).toContain('staff.sign-out');
  });
});

describe('where a sign-in leads (next)', () => {
  beforeAll(async () => {
    service = await openTestService();
    await account();
  });
  afterAll(async () => {
    await service.close();
  });

  it.each([
    ['/admin/queue?lang=fr', '/admin/queue?lang=fr'],
    ['/admin', '/admin'],
    ['//evil.example/admin', '/admin?lang=en'],
    ['/\\evil.example/admin', '/admin?lang=en'],
    ['https://evil.example/admin', '/admin?lang=en'],
    ['/admin/%2e%2e/%2e%2e//evil.example', '/admin?lang=en'],
    ['/admin/../..//evil.example', '/admin?lang=en'],
    ['/admin\t//evil.example', '/admin?lang=en'],
    ['/adminevil', '/admin?lang=en'],
    ['/admin@evil.example', '/admin?lang=en'],
    ['%2F%2Fevil.example', '/admin?lang=en'],
    ['javascript:alert(1)', '/admin?lang=en'],
    ['/report', '/admin?lang=en'],
  ])('after signing in with next=%j goes to %s', async (next, expected) => {
    const page = await signIn(consoleBrowser(service), 'nadia@thiqa.test', PASSWORD, { next });
    expect(page.status).toBe(303);
    expect(page.location).toBe(expected);
  });
});

describe('signing in behind a proxy that ends TLS (THIQA_PUBLIC_URL https)', () => {
  let https: TestService;
  beforeEach(async () => {
    https = await openTestService({ portal: { publicOrigin: 'https://thiqa.example' } });
  });
  afterEach(async () => {
    await https.close();
  });

  it('sets a __Host- session cookie, Secure, HttpOnly, SameSite=Lax, for posts from the public origin only', async () => {
    await account(https);
    const browser = consoleBrowser(https);
    const form = await browser.open('/admin/sign-in?lang=en');
    expect(form.headers.getSetCookie().join('\n')).toMatch(
      /^__Host-thiqa_form=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/m,
    );
    // The test browser's own origin (http://localhost) is not the public one: refused.
    const fromLocalhost = await browser.post('/admin/sign-in?lang=en', {
      email: 'nadia@thiqa.test',
      password: PASSWORD,
    });
    expect(fromLocalhost.status).toBe(403);

    const page = await browser.post(
      '/admin/sign-in?lang=en',
      { email: 'nadia@thiqa.test', password: PASSWORD },
      { Origin: 'https://thiqa.example' },
    );
    expect(page.status).toBe(303);
    expect(sessionCookie(page.headers, '__Host-thiqa_staff')).toMatch(
      /^__Host-thiqa_staff=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(sessionCookie(page.headers)).toBeUndefined();
    expect((await browser.open('/admin?lang=en')).status).toBe(200);
  });
});

describe('safeNextPath', () => {
  it.each([
    ['/admin/queue?lang=ar', '/admin/queue?lang=ar'],
    ['/admin/./queue', '/admin/queue'],
    ['/admin/queue#x', '/admin/queue'],
    ['/admin/%2E%2E/rights', null],
    ['/admin/..%2f..%2f/evil', '/admin/..%2f..%2f/evil'],
    ['/admin\\..\\..\\evil', null],
    ['/admin\n//evil', null],
    ['/admin\u0085', null],
    ['\u0000/admin', null],
    [`/admin/${'x'.repeat(1000)}`, null],
    [undefined, null],
  ])('%j → %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});
