import nodemailer, { type Transporter } from 'nodemailer';
import { checkedMessage, type MailSender } from './mail-message.ts';
import type { Mailer, MailMessage } from './mailer.ts';

// Mail through an SMTP server, when THIQA_SMTP_URL names one: `smtps://` speaks TLS from
// the start (port 465), `smtp://` upgrades with STARTTLS when the server offers it (587,
// 25), and must when it carries a password to a server that is not on this machine.

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (smtps://). */
  secure: boolean;
  auth?: { user: string; pass: string };
}

/** `smtp[s]://[user:pass@]host[:port]` read into settings, or why it is not one. */
export function parseSmtpUrl(text: string): SmtpSettings | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'must be an smtp:// or smtps:// URL, e.g. smtps://user:password@mail.example.ma' };
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    return { problem: `must be an smtp:// or smtps:// URL, not ${url.protocol}//` };
  }
  if (url.hostname === '') return { problem: 'must name the mail server, e.g. smtps://mail.example.ma' };
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    return { problem: 'must be smtp[s]://[user:password@]host[:port], with no path or query' };
  }
  if (url.password !== '' && url.username === '') return { problem: 'has a password but no user name' };
  const secure = url.protocol === 'smtps:';
  const settings: SmtpSettings = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
  };
  if (url.username !== '') {
    try {
      settings.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
    } catch {
      return { problem: 'the user name or password is not valid percent-encoding (write @ as %40, : as %3A)' };
    }
  }
  return settings;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    settings: SmtpSettings,
    private readonly from: MailSender,
  ) {
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.auth ? { auth: settings.auth } : {}),
      // A password never crosses the network in clear: without TLS from the start, STARTTLS
      // is required, except to a relay on this very machine.
      requireTLS: !settings.secure && settings.auth !== undefined && !isLoopback(settings.host),
      // A mail server that does not answer must not hold a request for minutes.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      // Messages are text we wrote: nothing in them may make nodemailer read a file or a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: MailMessage): Promise<void> {
    const checked = checkedMessage(message);
    await this.transport.sendMail({ from: this.from, to: checked.to, subject: checked.subject, text: checked.text });
  }

  close(): void {
    this.transport.close();
  }
}
