import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { crossSiteRefusal, type FormRefusal, formGuard } from './form-guard.ts';

// The guard on a bare Hono app: a GET that renders the hidden field, a POST it protects.
// Each refusal names its cause in a header, so every case says which check stopped it.

function guardedApp(secret = randomBytes(32), ownOrigin?: (c: Context) => string) {
  const guard = formGuard({
    secret,
    refuse: (c, why) => c.text('refused', 403, { 'X-Refused': why }),
    ...(ownOrigin ? { ownOrigin } : {}),
  });
  const app = new Hono();
  app.get('/form', (c) => c.json(guard.hiddenField(c)));
  app.post('/form', guard.protect, (c) => c.text('taken'));
  app.delete('/form', guard.protect, (c) => c.text('deleted'));
  return app;
}

interface Browser {
  cookie: string;
  field: { name: string; value: string };
  setCookie: string;
  cacheControl: string | null;
}

async function load(app: Hono, url = 'http://localhost/form', cookie?: string): Promise<Browser> {
  const response = await app.request(url, cookie ? { headers: { Cookie: cookie } } : {});
  const setCookie = response.headers.get('Set-Cookie') ?? '';
  return {
    cookie: cookie ?? setCookie.split(';')[0] ?? '',
    field: await response.json(),
    setCookie,
    cacheControl: response.headers.get('Cache-Control'),
  };
}

function send(
  app: Hono,
  browser: Browser,
  options: { headers?: Record<string, string>; body?: string; url?: string; method?: string } = {},
) {
  return app.request(options.url ?? 'http://localhost/form', {
    method: options.method ?? 'POST',
    body: options.body ?? new URLSearchParams({ [browser.field.name]: browser.field.value, q: 'x' }).toString(),
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(browser.cookie ? { Cookie: browser.cookie } : {}),
      ...options.headers,
    },
  });
}

async function outcome(response: Response): Promise<'taken' | 'deleted' | FormRefusal> {
  if (response.status === 403) return response.headers.get('X-Refused') as FormRefusal;
  return (await response.text()) as 'taken' | 'deleted';
}

describe('formGuard', () => {
  it('gives a hidden field and an HttpOnly SameSite=Strict cookie, kept from page to page', async () => {
    const app = guardedApp();
    const first = await load(app);
    expect(first.field.name).toBe('form_token');
    expect(first.field.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.setCookie).toMatch(/^thiqa_form=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(first.cacheControl).toBe('no-store');
    // A second page in the same browser keeps the cookie, and so the same token.
    const second = await load(app, undefined, first.cookie);
    expect(second.setCookie).toBe('');
    expect(second.field).toEqual(first.field);
    // A cookie that is not one of ours is replaced.
    const planted = await load(app, undefined, 'thiqa_form=short');
    expect(planted.setCookie).toMatch(/^thiqa_form=[A-Za-z0-9_-]{43};/);
  });

  it('gives every form of a first page a token for the one cookie that page sets', async () => {
    const guard = formGuard({
      secret: randomBytes(32),
      refuse: (c, why) => c.text('refused', 403, { 'X-Refused': why }),
    });
    const app = new Hono();
    // A page with two forms (the console's queue, a report's status page), in a browser
    // that never had the cookie: a post from either form must pass.
    app.get('/two-forms', (c) => c.json([guard.hiddenField(c), guard.hiddenField(c)]));
    app.post('/form', guard.protect, (c) => c.text('taken'));
    const response = await app.request('http://localhost/two-forms');
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const fields = (await response.json()) as Array<{ name: string; value: string }>;
    for (const field of fields) {
      const browser = { cookie: (cookies[0] ?? '').split(';')[0] ?? '', field, setCookie: '', cacheControl: null };
      expect(await outcome(await send(app, browser))).toBe('taken');
    }
  });

  it('over HTTPS, names the cookie __Host- and marks it Secure', async () => {
    const browser = await load(guardedApp(), 'https://thiqa.example/form');
    expect(browser.setCookie).toMatch(
      /^__Host-thiqa_form=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
  });

  it('takes the public origin it is given, for a service behind a proxy that ends TLS', async () => {
    const app = guardedApp(randomBytes(32), () => 'https://thiqa.example');
    const browser = await load(app, 'http://thiqa.example/form');
    // The browser talks HTTPS to the proxy: the cookie must be Secure all the same.
    expect(browser.setCookie).toMatch(/^__Host-thiqa_form=.*; Secure; SameSite=Strict$/);
    const fromPage = { headers: { Origin: 'https://thiqa.example' }, url: 'http://thiqa.example/form' };
    expect(await outcome(await send(app, browser, fromPage))).toBe('taken');
    const plain = { headers: { Origin: 'http://thiqa.example' }, url: 'http://thiqa.example/form' };
    expect(await outcome(await send(app, browser, plain))).toBe('foreign-origin');
  });

  it.each<[string, Record<string, string>, 'taken' | FormRefusal]>([
    ['a post from its own page', { Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, 'taken'],
    ['a browser that sends neither header', {}, 'taken'],
    ['a post the shopper started (Sec-Fetch-Site: none)', { 'Sec-Fetch-Site': 'none' }, 'taken'],
    ['another site', { 'Sec-Fetch-Site': 'cross-site' }, 'cross-site'],
    ['a sibling subdomain', { 'Sec-Fetch-Site': 'same-site', Origin: 'http://a.localhost' }, 'cross-site'],
    ['another origin without fetch metadata', { Origin: 'https://evil.example' }, 'foreign-origin'],
    ['an opaque origin (a sandboxed frame)', { Origin: 'null' }, 'foreign-origin'],
    ['another port', { Origin: 'http://localhost:8080' }, 'foreign-origin'],
    ['another scheme', { Origin: 'https://localhost' }, 'foreign-origin'],
  ])('judges %s', async (_, headers, expected) => {
    const app = guardedApp();
    expect(await outcome(await send(app, await load(app), { headers }))).toBe(expected);
  });

  it('refuses a post without the cookie, without the field, or with a field twice', async () => {
    const app = guardedApp();
    const browser = await load(app);
    const { name, value } = browser.field;
    expect(await outcome(await send(app, { ...browser, cookie: '' }))).toBe('no-token');
    expect(await outcome(await send(app, browser, { body: 'q=x' }))).toBe('no-token');
    expect(await outcome(await send(app, browser, { body: `${name}=${value}&${name}=${value}` }))).toBe('no-token');
    expect(await outcome(await send(app, { ...browser, cookie: 'thiqa_form=not-random' }))).toBe('no-token');
    const json = { body: JSON.stringify({ [name]: value }), headers: { 'Content-Type': 'application/json' } };
    expect(await outcome(await send(app, browser, json))).toBe('no-token');
  });

  it('refuses a token that is not the HMAC of this browser’s cookie under this secret', async () => {
    const secret = randomBytes(32);
    const app = guardedApp(secret);
    const browser = await load(app);
    const other = await load(app);
    expect(await outcome(await send(app, { ...browser, field: other.field }))).toBe('wrong-token');
    // A cookie planted from elsewhere, with a token made under another secret.
    const elsewhere = await load(guardedApp());
    expect(await outcome(await send(app, elsewhere))).toBe('wrong-token');
    const truncated = { ...browser.field, value: browser.field.value.slice(0, -1) };
    expect(await outcome(await send(app, { ...browser, field: truncated }))).toBe('wrong-token');
    // The same secret (after a restart) still takes an open form.
    expect(await outcome(await send(guardedApp(secret), browser))).toBe('taken');
  });

  it('guards every unsafe method and lets safe ones through', async () => {
    const app = guardedApp();
    const browser = await load(app);
    expect(await outcome(await send(app, browser, { method: 'DELETE', headers: { Origin: 'null' } }))).toBe(
      'foreign-origin',
    );
    expect(await outcome(await send(app, browser, { method: 'DELETE' }))).toBe('deleted');
  });
});

describe('crossSiteRefusal', () => {
  it('compares the Origin with the request’s own, port and scheme included', () => {
    const app = new Hono();
    app.all('*', (c) => c.text(crossSiteRefusal(c) ?? 'same'));
    const judge = async (url: string, origin: string) =>
      (await app.request(url, { method: 'POST', headers: { Origin: origin } })).text();
    return Promise.all([
      expect(judge('http://127.0.0.1:8787/report', 'http://127.0.0.1:8787')).resolves.toBe('same'),
      expect(judge('http://127.0.0.1:8787/report', 'http://127.0.0.1')).resolves.toBe('foreign-origin'),
      expect(judge('https://thiqa.ma/report', 'https://thiqa.ma')).resolves.toBe('same'),
      expect(judge('https://thiqa.ma/report', 'https://thiqa.ma.evil.example')).resolves.toBe('foreign-origin'),
    ]);
  });
});
