import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { checkedMessage, type MailSender } from './mail-message.ts';
import type { Mailer, MailMessage } from './mailer.ts';

// Mail without a mail server: each message is written as an RFC 5322 file (`.eml`, which
// any mail client opens) under `<dataDir>/mail/`, so the embedded default works with
// nothing else installed and an operator reads what would have been sent.

/** The folder mail goes to when no SMTP server is configured. */
export const mailFolder = (dataDir: string) => join(dataDir, 'mail');

export class FolderMailer implements Mailer {
  // Builds the message exactly as SMTP would carry it, lines ended by CRLF, into memory.
  private readonly composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  constructor(
    private readonly folder: string,
    private readonly from: MailSender,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Writes the message and answers its file's path. */
  async write(message: MailMessage): Promise<string> {
    const checked = checkedMessage(message);
    const date = this.clock();
    const built = await this.composer.sendMail({
      from: this.from,
      to: checked.to,
      subject: checked.subject,
      text: checked.text,
      date,
    });
    // The name holds nothing anyone typed: the time (files sort in the order sent) and
    // random letters, so no recipient or subject can steer where the file goes.
    const stamp = date.toISOString().replace(/[-:]/g, '').replace('.', '-');
    const name = `${stamp}-${randomBytes(6).toString('hex')}.eml`;
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    // Whole or not at all: a reader never finds half a message under its final name.
    const partial = join(this.folder, `.${name}.partial`);
    const path = join(this.folder, name);
    try {
      await writeFile(partial, built.message as Buffer, { mode: 0o600, flag: 'wx' });
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return path;
  }

  async send(message: MailMessage): Promise<void> {
    await this.write(message);
  }
}
