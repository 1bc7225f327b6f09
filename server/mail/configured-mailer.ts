import { FolderMailer, mailFolder } from './folder-mailer.ts';
import type { MailSender } from './mail-message.ts';
import type { Mailer } from './mailer.ts';
import { SmtpMailer, type SmtpSettings } from './smtp-mailer.ts';

/** The sender when THIQA_MAIL_FROM is unset (only allowed without SMTP: files go nowhere). */
export const DEFAULT_MAIL_SENDER: MailSender = { name: 'Thiqa', address: 'thiqa@localhost' };

/** SMTP when the configuration names a server, else files under `<dataDir>/mail/`. */
export function configuredMailer(options: {
  smtp: SmtpSettings | undefined;
  from: MailSender | undefined;
  dataDir: string;
  clock?: () => Date;
}): Mailer {
  const from = options.from ?? DEFAULT_MAIL_SENDER;
  if (options.smtp) return new SmtpMailer(options.smtp, from);
  return new FolderMailer(mailFolder(options.dataDir), from, options.clock);
}
