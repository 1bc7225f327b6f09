import { z } from 'zod';
import type { MailMessage } from './mailer.ts';

// What every mailer checks before a message leaves: one recipient that is a plain address
// (nothing a header could be split on), a subject of one line, a plain-text body. A
// subject is built from what applicants typed (a shop's name), so a line break in it is
// folded into a space rather than refused: the mail still goes, and cannot grow a header.

/** The longest subject kept; a longer one is cut (mail clients show ~80 characters anyway). */
const MAX_SUBJECT_LENGTH = 200;
const MAX_TEXT_LENGTH = 100_000;

/**
 * One mailbox, `local@domain`, as a header carries it with no quoting: no spaces, commas,
 * angle brackets, quotes or controls, so it cannot name a second recipient or end a line.
 */
export const mailAddressSchema = z
  .string()
  .max(254, { message: 'an e-mail address has at most 254 characters' })
  .regex(/^[^\s<>()[\]\\,;:"@\p{Cc}\p{Cf}]+@[^\s<>()[\]\\,;:"@\p{Cc}\p{Cf}]+$/u, {
    message: 'must be one e-mail address, local@domain',
  })
  .pipe(z.email({ message: 'must be one e-mail address, local@domain' }));

/** Line breaks, controls and invisible characters become one space; runs of spaces one space. */
export function foldedSubject(subject: string): string {
  const folded = subject
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(folded).slice(0, MAX_SUBJECT_LENGTH).join('');
}

const mailMessageSchema = z.strictObject({
  to: mailAddressSchema,
  subject: z
    .string()
    .transform(foldedSubject)
    .pipe(z.string().min(1, { message: 'a mail needs a subject' })),
  // CRLF and CR read as LF; the transport writes every line end as the wire wants it.
  text: z
    .string()
    .max(MAX_TEXT_LENGTH)
    .transform((text) => text.replace(/\r\n?/g, '\n')),
});

export class MailRefused extends Error {
  override name = 'MailRefused';
}

/** The message as it may be sent, or a MailRefused naming what is wrong. */
export function checkedMessage(message: MailMessage): MailMessage {
  const parsed = mailMessageSchema.safeParse(message);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`);
    throw new MailRefused(`mail not sent: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The sender, `Name <address>` or `address`, as THIQA_MAIL_FROM gives it. */
export interface MailSender {
  name?: string;
  address: string;
}

/** Reads `Thiqa <no-reply@thiqa.ma>` or `no-reply@thiqa.ma`; undefined when it is neither. */
export function parseMailSender(text: string): MailSender | undefined {
  const named = /^([^<>"\p{Cc}\p{Cf}]{1,100}?)\s*<([^<>]+)>$/u.exec(text.trim());
  const address = mailAddressSchema.safeParse(named ? named[2] : text.trim());
  if (!address.success) return undefined;
  const name = named?.[1]?.trim();
  return name ? { name, address: address.data } : { address: address.data };
}
