import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeHeader, openSmtpInbox, readMail, type SmtpInbox } from '../../test/support/smtp-inbox.ts';
import { configuredMailer } from './configured-mailer.ts';
import { FolderMailer } from './folder-mailer.ts';
import { checkedMessage, foldedSubject, MailRefused, parseMailSender } from './mail-message.ts';
import { parseSmtpUrl, SmtpMailer, type SmtpSettings } from './smtp-mailer.ts';

// Mail leaves through a real SMTP server (in process, on loopback) or lands in a folder as
// a file a mail client opens; neither lets a hostile subject or address add a header.

const ARABIC = 'شكرا لطلبكم. رقم الوصل: abc\nتحقق من نطاقكم على https://thiqa.example.ma/apply/x';
const FROM = { name: 'Thiqa', address: 'no-reply@thiqa.example.ma' };

const smtpSettings = (url: string) => parseSmtpUrl(url) as SmtpSettings;

describe('the SMTP mailer', () => {
  let inbox: SmtpInbox;
  beforeAll(async () => {
    inbox = await openSmtpInbox({ user: 'relay@thiqa.ma', pass: 'p:ss w0rd' });
  });
  afterAll(async () => inbox.close());
  afterEach(() => {
    inbox.received.length = 0;
  });

  it('sends a UTF-8 message the server receives whole, signed in with the URL’s account', async () => {
    const mailer = new SmtpMailer(smtpSettings(inbox.url('relay%40thiqa.ma:p%3Ass%20w0rd')), FROM);
    await mailer.send({ to: 'owner@atlas-electro.ma', subject: 'طلبكم لدى ثقة — Thiqa', text: ARABIC });
    expect(inbox.received).toHaveLength(1);
    const [mail] = inbox.received;
    expect(mail?.recipients).toEqual(['owner@atlas-electro.ma']);
    expect(mail?.from).toBe('no-reply@thiqa.example.ma');
    expect(mail?.user).toBe('relay@thiqa.ma');
    const { headers, text } = readMail(mail?.raw ?? '');
    expect(decodeHeader(headers.get('subject')?.[0] ?? '')).toBe('طلبكم لدى ثقة — Thiqa');
    expect(headers.get('content-type')?.[0]).toMatch(/text\/plain; charset=utf-8/i);
    expect(text.replace(/\r\n/g, '\n').trimEnd()).toBe(ARABIC);
  });

  it('is refused by the server with a wrong password, and says so', async () => {
    const mailer = new SmtpMailer(smtpSettings(inbox.url('relay%40thiqa.ma:wrong')), FROM);
    await expect(mailer.send({ to: 'a@b.ma', subject: 'x', text: 'y' })).rejects.toThrow();
    expect(inbox.received).toHaveLength(0);
  });

  it('does not let a subject with CR LF add a Bcc header', async () => {
    const mailer = new SmtpMailer(smtpSettings(inbox.url('relay%40thiqa.ma:p%3Ass%20w0rd')), FROM);
    await mailer.send({ to: 'owner@atlas-electro.ma', subject: 'Hello\r\nBcc: spy@evil.example', text: 'x' });
    const [mail] = inbox.received;
    expect(mail?.recipients).toEqual(['owner@atlas-electro.ma']);
    const { headers } = readMail(mail?.raw ?? '');
    expect(headers.has('bcc')).toBe(false);
    expect(mail?.raw).not.toMatch(/^Bcc:/im);
    expect(headers.get('subject')).toEqual(['Hello Bcc: spy@evil.example']);
  });
});

describe('the folder mailer', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-mail-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('writes each message as a readable .eml file under <dataDir>/mail/', async () => {
    const mailer = configuredMailer({
      smtp: undefined,
      from: FROM,
      dataDir,
      clock: () => new Date('2026-11-27T10:00:00Z'),
    });
    await mailer.send({ to: 'owner@atlas-electro.ma', subject: 'طلبكم لدى ثقة', text: ARABIC });
    const files = await readdir(join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^20261127T100000-000Z-[0-9a-f]{12}\.eml$/);
    const raw = await readFile(join(dataDir, 'mail', files[0] as string), 'utf8');
    const { headers, text } = readMail(raw);
    expect(headers.get('to')).toEqual(['owner@atlas-electro.ma']);
    expect(headers.get('from')).toEqual(['Thiqa <no-reply@thiqa.example.ma>']);
    expect(headers.get('date')).toEqual(['Fri, 27 Nov 2026 10:00:00 +0000']);
    expect(headers.get('message-id')?.[0]).toMatch(/^<[^>]+@thiqa\.example\.ma>$/);
    expect(decodeHeader(headers.get('subject')?.[0] ?? '')).toBe('طلبكم لدى ثقة');
    expect(text).toContain('تحقق من نطاقكم على https://thiqa.example.ma/apply/x');
    // RFC 5322: every line ends with CRLF.
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('does not let a subject with CR LF add a header, and refuses a hostile recipient', async () => {
    const folder = join(dataDir, 'hostile');
    const mailer = new FolderMailer(folder, FROM);
    const path = await mailer.write({
      to: 'owner@atlas-electro.ma',
      subject: 'Hi\r\nBcc: spy@evil.example',
      text: 'x',
    });
    const { headers } = readMail(await readFile(path, 'utf8'));
    expect(headers.has('bcc')).toBe(false);
    expect(headers.get('subject')).toEqual(['Hi Bcc: spy@evil.example']);
    for (const to of [
      'owner@atlas-electro.ma\r\nBcc: spy@evil.example',
      'owner@atlas-electro.ma, spy@evil.example',
      'Owner <owner@atlas-electro.ma>',
      '../../etc/passwd',
    ]) {
      await expect(mailer.send({ to, subject: 'x', text: 'y' })).rejects.toThrow(MailRefused);
    }
    expect(await readdir(folder)).toHaveLength(1);
  });
});

describe('what a message may hold', () => {
  it.each([
    ['Hello\r\nBcc: x@y.ma', 'Hello Bcc: x@y.ma'],
    ['a\u2028b\u202Ec\u0000d', 'a b c d'],
    ['  spaced   out  ', 'spaced out'],
  ])('folds the subject %j into one line', (subject, folded) => {
    expect(foldedSubject(subject)).toBe(folded);
  });

  it('folds a hostile subject and refuses a hostile recipient before any transport sees them', () => {
    expect(checkedMessage({ to: 'a@b.ma', subject: 'Hi\r\nBcc: spy@evil.example', text: 'x\r\ny' })).toEqual({
      to: 'a@b.ma',
      subject: 'Hi Bcc: spy@evil.example',
      text: 'x\ny',
    });
    for (const to of ['a@b.ma\r\nBcc: spy@evil.example', 'a@b.ma\nspy@evil.example', 'a@b.ma,spy@evil.example']) {
      expect(() => checkedMessage({ to, subject: 'x', text: 'y' })).toThrow('to: must be one e-mail address');
    }
  });

  it('refuses a message without subject', () => {
    expect(() => checkedMessage({ to: 'a@b.ma', subject: '\r\n', text: 'x' })).toThrow(
      'subject: a mail needs a subject',
    );
  });

  it.each([
    ['Thiqa <no-reply@thiqa.ma>', { name: 'Thiqa', address: 'no-reply@thiqa.ma' }],
    ['no-reply@thiqa.ma', { address: 'no-reply@thiqa.ma' }],
    ['Thiqa <a@b.ma>\r\nBcc: c@d.ma', undefined],
    ['a@b.ma, c@d.ma', undefined],
    ['"Thiqa" <a@b.ma>', undefined],
  ])('reads the sender %j', (text, sender) => {
    expect(parseMailSender(text)).toEqual(sender);
  });

  it.each([
    ['smtp://mail.example.ma', { host: 'mail.example.ma', port: 587, secure: false }],
    [
      'smtps://u:p@mail.example.ma:2465',
      { host: 'mail.example.ma', port: 2465, secure: true, auth: { user: 'u', pass: 'p' } },
    ],
    ['smtp://[::1]:25', { host: '::1', port: 25, secure: false }],
    ['http://mail.example.ma', { problem: 'must be an smtp:// or smtps:// URL, not http://' }],
    ['smtp://:p@mail.example.ma', { problem: 'has a password but no user name' }],
  ])('reads THIQA_SMTP_URL %j', (url, settings) => {
    expect(parseSmtpUrl(url)).toEqual(settings);
  });
});
