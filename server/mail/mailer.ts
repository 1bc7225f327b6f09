// What the service sends by e-mail: set-up links to staff, receipts and decisions to
// merchants who apply. Through SMTP when THIQA_SMTP_URL is set (server/mail/), else
// written as files under the data directory, so the embedded default needs no mail server.

export interface MailMessage {
  to: string;
  subject: string;
  /** Plain text; every mail is plain text, so nothing in it runs or tracks. */
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
