import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runThiqa } from '../test/support/service-process.ts';
import { ConfigError, loadConfig } from './env.ts';

describe('loadConfig', () => {
  it('has defaults for everything but the admin token', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      dataDir: resolve('.thiqa'),
      port: 8787,
      adminToken: undefined,
      reportRateLimit: undefined,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'postgresql://thiqa:secret@db.internal:5432/thiqa',
        THIQA_DATA_DIR: '/srv/thiqa',
        THIQA_PORT: '9000',
        THIQA_ADMIN_TOKEN: 'x'.repeat(32),
        THIQA_REPORT_RATE_LIMIT: '30/5m',
        THIQA_RETENTION_MONTHS: '6',
        THIQA_REMINDER_DAYS: '5',
        THIQA_MAX_REMINDERS: '0',
      }),
    ).toEqual({
      databaseUrl: 'postgresql://thiqa:secret@db.internal:5432/thiqa',
      dataDir: '/srv/thiqa',
      port: 9000,
      adminToken: 'x'.repeat(32),
      reportRateLimit: { max: 30, windowMs: 300_000 },
      policy: { retentionMonths: 6, reminderAfterDays: 5, maxReminders: 0 },
    });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    [{ THIQA_PORT: '80a' }, 'THIQA_PORT: must be a port number'],
    [{ THIQA_PORT: '70000' }, 'THIQA_PORT: must be a port number'],
    [{ THIQA_ADMIN_TOKEN: 'short' }, 'THIQA_ADMIN_TOKEN: must be at least 24 characters'],
    [{ THIQA_ADMIN_TOKEN: '   \n' }, 'THIQA_ADMIN_TOKEN: contains a space at character 1'],
    [{ THIQA_REPORT_RATE_LIMIT: 'lots' }, 'THIQA_REPORT_RATE_LIMIT: must be <max>/<window>'],
    [{ THIQA_REPORT_RATE_LIMIT: '0/1m' }, 'THIQA_REPORT_RATE_LIMIT'],
    [{ THIQA_RETENTION_MONTHS: '0' }, 'THIQA_RETENTION_MONTHS: must be a whole number from 1 to 120'],
    [{ THIQA_RETENTION_MONTHS: '12.5' }, 'THIQA_RETENTION_MONTHS: must be a whole number from 1 to 120'],
    [{ THIQA_MAX_REMINDERS: '11' }, 'THIQA_MAX_REMINDERS: must be a whole number from 0 to 10'],
  ])('stops on %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  // RFC 6750's b64token: what an Authorization: Bearer header can carry, byte for byte.
  const TOKEN = 'Zm9vYmFyYmF6cXV4LTAxMjM0NTY3ODk';
  it.each([
    ['a space inside', `${TOKEN.slice(0, 12)} ${TOKEN.slice(12)}`, 'contains a space at character 13'],
    ['a leading space', ` ${TOKEN}`, 'contains a space at character 1'],
    ['a trailing space', `${TOKEN} `, `contains a space at character ${TOKEN.length + 1}`],
    ['a tab', `${TOKEN}\t${TOKEN}`, `contains U+0009 CHARACTER TABULATION at character ${TOKEN.length + 1}`],
    ['a line break inside', `${TOKEN}\n${TOKEN}`, `contains U+000A LINE FEED at character ${TOKEN.length + 1}`],
    ['an escape', `${TOKEN}\u001b[2J`, `contains U+001B ESCAPE at character ${TOKEN.length + 1}`],
    ['a no-break space', `${TOKEN}\u00a0x`, `contains U+00A0 at character ${TOKEN.length + 1}`],
    ['a letter outside ASCII', `${TOKEN}é`, `contains U+00E9 at character ${TOKEN.length + 1}`],
    ['a zero-width space', `${TOKEN}\u200bx`, `contains U+200B ZERO WIDTH SPACE at character ${TOKEN.length + 1}`],
    ['a quote', `${TOKEN}"`, `contains " at character ${TOKEN.length + 1}`],
    ['= before the end', `abc=${TOKEN}`, 'contains = at character 4, which may only pad the end'],
  ])('refuses an admin token with %s, saying where', (_what, token, problem) => {
    expect(() => loadConfig({ THIQA_ADMIN_TOKEN: token })).toThrow(
      `bad configuration in the environment: THIQA_ADMIN_TOKEN: ${problem}; a bearer token is A-Z a-z 0-9 - . _ ~ + / (and = at the end), e.g. openssl rand -base64 32`,
    );
  });

  it.each([
    ['base64', 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ+/8='],
    ['base64url', 'q83vEjRWeJq83vEjRWeJq83vEjRW-_8'],
    ['with every b64token character', 'Az09-._~+/Az09-._~+/Az09=='],
  ])('takes a %s token as it is', (_what, token) => {
    expect(loadConfig({ THIQA_ADMIN_TOKEN: token }).adminToken).toBe(token);
  });

  // A secret file written by `echo` (a Kubernetes secret, a mounted file) ends with a line
  // break the token does not hold; any other whitespace is refused, never trimmed away.
  it.each([
    ['LF', `${TOKEN}\n`],
    ['CRLF', `${TOKEN}\r\n`],
  ])('drops the trailing %s a secret file ends with', (_what, value) => {
    expect(loadConfig({ THIQA_ADMIN_TOKEN: value }).adminToken).toBe(TOKEN);
  });

  it('leaves the admin API closed when the token is empty', () => {
    expect(loadConfig({ THIQA_ADMIN_TOKEN: '' }).adminToken).toBeUndefined();
  });

  it('says a single problem on one line', () => {
    expect(() => loadConfig({ THIQA_ADMIN_TOKEN: 'short' })).toThrow(
      /^bad configuration in the environment: THIQA_ADMIN_TOKEN: must be at least 24 characters[^\n]*$/,
    );
  });
});

describe('what the portal says of the publisher', () => {
  it('reads the publisher and the extension store pages', () => {
    expect(
      loadConfig({
        THIQA_PUBLISHER_NAME: '  Association Thiqa — ثقة ',
        THIQA_PUBLISHER_CONTACT: 'dpo@thiqa.example',
        THIQA_EXTENSION_CHROME_URL: 'https://chromewebstore.google.com/detail/thiqa/abc',
        THIQA_EXTENSION_FIREFOX_URL: 'https://addons.mozilla.org/firefox/addon/thiqa',
      }),
    ).toMatchObject({
      publisherName: 'Association Thiqa — ثقة',
      publisherContact: { text: 'dpo@thiqa.example', href: 'mailto:dpo@thiqa.example' },
      extensionChromeUrl: 'https://chromewebstore.google.com/detail/thiqa/abc',
      extensionFirefoxUrl: 'https://addons.mozilla.org/firefox/addon/thiqa',
    });
  });

  it.each([
    ['+212 5 22 00 00 00', { text: '+212 5 22 00 00 00', href: 'tel:+212522000000' }],
    ['0522-00.00.00', { text: '0522-00.00.00', href: 'tel:0522000000' }],
    ['https://thiqa.example/contact', { text: 'https://thiqa.example/contact', href: 'https://thiqa.example/contact' }],
    [
      'https://thiqa.example/حقوق',
      {
        text: 'https://thiqa.example/%D8%AD%D9%82%D9%88%D9%82',
        href: 'https://thiqa.example/%D8%AD%D9%82%D9%88%D9%82',
      },
    ],
  ])('links the contact %s', (contact, expected) => {
    expect(loadConfig({ THIQA_PUBLISHER_CONTACT: contact }).publisherContact).toEqual(expected);
  });

  it.each([
    [
      { THIQA_PUBLISHER_NAME: 'Thiqa\u202Eevil' },
      'THIQA_PUBLISHER_NAME: contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6',
    ],
    [{ THIQA_PUBLISHER_NAME: 'x'.repeat(121) }, 'THIQA_PUBLISHER_NAME: must be at most 120 characters'],
    [
      { THIQA_PUBLISHER_CONTACT: 'call us' },
      'THIQA_PUBLISHER_CONTACT: must be an e-mail address, a phone number or an https:// address',
    ],
    [{ THIQA_PUBLISHER_CONTACT: 'javascript:alert(1)' }, 'THIQA_PUBLISHER_CONTACT: must be an e-mail'],
    [{ THIQA_PUBLISHER_CONTACT: 'http://thiqa.example/' }, 'THIQA_PUBLISHER_CONTACT: must be an e-mail'],
    [
      { THIQA_EXTENSION_CHROME_URL: 'http://chromewebstore.google.com/' },
      'THIQA_EXTENSION_CHROME_URL: must be an https:// address',
    ],
    [
      { THIQA_EXTENSION_FIREFOX_URL: 'addons.mozilla.org/thiqa' },
      'THIQA_EXTENSION_FIREFOX_URL: must be an https:// address',
    ],
    [{ THIQA_PUBLIC_URL: 'thiqa.example.ma' }, 'THIQA_PUBLIC_URL: must be an http:// or https:// address'],
    [{ THIQA_PUBLIC_URL: 'https://thiqa.example.ma/portal' }, 'THIQA_PUBLIC_URL: must be an origin only'],
    [{ THIQA_PUBLIC_URL: 'https://admin:pw@thiqa.example.ma' }, 'THIQA_PUBLIC_URL: must not hold a user name'],
  ])('stops on %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('keeps the origin of THIQA_PUBLIC_URL, what shoppers call the service behind a proxy', () => {
    expect(loadConfig({ THIQA_PUBLIC_URL: 'HTTPS://Thiqa.Example.MA/' }).publicOrigin).toBe('https://thiqa.example.ma');
    expect(loadConfig({}).publicOrigin).toBeUndefined();
  });

  it.each([
    [{ THIQA_SMTP_URL: 'mail.example.ma' }, 'THIQA_SMTP_URL: must be an smtp:// or smtps:// URL'],
    [{ THIQA_SMTP_URL: 'https://mail.example.ma' }, 'THIQA_SMTP_URL: must be an smtp:// or smtps:// URL, not https://'],
    [{ THIQA_SMTP_URL: 'smtp://mail.example.ma/inbox?pool=true' }, 'THIQA_SMTP_URL: must be smtp[s]://'],
    [
      { THIQA_SMTP_URL: 'smtps://mail.example.ma', THIQA_MAIL_FROM: '' },
      'THIQA_MAIL_FROM: must be set with THIQA_SMTP_URL',
    ],
    [{ THIQA_MAIL_FROM: 'no-reply@x.ma, boss@x.ma' }, 'THIQA_MAIL_FROM: must be an address'],
    [{ THIQA_MAIL_FROM: 'Thiqa <no-reply@x.ma>\r\nBcc: a@b.ma' }, 'THIQA_MAIL_FROM: must be an address'],
  ])('stops on the mail setting %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats the mail server password in its message', () => {
    expect(() => loadConfig({ THIQA_SMTP_URL: 'smtp://user:s3cret@mail.example.ma/x' })).toThrow(
      /^(?![\s\S]*s3cret)[\s\S]*THIQA_SMTP_URL/,
    );
  });

  it('reads the mail server and the sender', () => {
    const config = loadConfig({
      THIQA_SMTP_URL: 'smtp://relay%40thiqa.ma:p%3Ass@mail.example.ma',
      THIQA_MAIL_FROM: 'Thiqa <no-reply@thiqa.example.ma>',
    });
    expect(config.smtp).toEqual({
      host: 'mail.example.ma',
      port: 587,
      secure: false,
      auth: { user: 'relay@thiqa.ma', pass: 'p:ss' },
    });
    expect(config.mailFrom).toEqual({ name: 'Thiqa', address: 'no-reply@thiqa.example.ma' });
    expect(loadConfig({ THIQA_SMTP_URL: 'smtps://mail.example.ma', THIQA_MAIL_FROM: 'a@b.ma' }).smtp).toEqual({
      host: 'mail.example.ma',
      port: 465,
      secure: true,
    });
    expect(loadConfig({}).smtp).toBeUndefined();
  });

  it('leaves everything unset when the variables are empty', () => {
    const config = loadConfig({
      THIQA_PUBLISHER_NAME: ' ',
      THIQA_PUBLISHER_CONTACT: '',
      THIQA_EXTENSION_CHROME_URL: '',
    });
    expect([config.publisherName, config.publisherContact, config.extensionChromeUrl]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('thiqa serve with an admin token the header cannot carry', () => {
  it.each([
    ['a space', 'my admin token is long enough', 'contains a space at character 3'],
    ['a letter outside ASCII', 'jeton-très-secret-0123456789', 'contains U+00E8 at character 9'],
    ['too few characters', 'short-token', 'must be at least 24 characters'],
  ])(
    'exits 1 before serving, with one line on stderr, for a token with %s',
    async (_what, token, problem) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-env-'));
      try {
        const { code, stdout, stderr } = await runThiqa(
          { THIQA_DATA_DIR: dataDir, THIQA_PORT: '0', THIQA_ADMIN_TOKEN: token },
          'serve',
        );
        expect(code).toBe(1);
        expect(stdout).toBe('');
        expect(stderr.endsWith('\n')).toBe(true);
        const lines = stderr.slice(0, -1).split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`thiqa: bad configuration in the environment: THIQA_ADMIN_TOKEN: ${problem}`);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
