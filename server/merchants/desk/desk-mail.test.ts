import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHeader, openSmtpInbox, readMail, type SmtpInbox } from '../../../test/support/smtp-inbox.ts';
import type { TestService } from '../../../test/support/test-service.ts';
import { parseSmtpUrl, SmtpMailer, type SmtpSettings } from '../../mail/smtp-mailer.ts';
import { complaintAgainst, linkPath, openDeskService, SHOPPER_CONTACT } from './desk-test-support.ts';

// The merchant's mail through a real SMTP server (in process, on loopback): French then
// Arabic, the complaint's facts and a working one-time link, nothing the shopper typed;
// a reminder says which one it is and what happens after the last.

describe('the merchant’s mail through SMTP', () => {
  let inbox: SmtpInbox;
  let service: TestService;
  beforeAll(async () => {
    inbox = await openSmtpInbox();
    const mailer = new SmtpMailer(parseSmtpUrl(inbox.url()) as SmtpSettings, { address: 'no-reply@thiqa.example.ma' });
    service = await openDeskService({ mailer, portal: { publicOrigin: 'https://thiqa.example.ma' } });
  });
  afterAll(async () => {
    await service.close();
    await inbox.close();
  });

  it('reaches the merchant’s contact address with the complaint and a fresh link each time', async () => {
    const { complaintId } = await complaintAgainst(service, 'marrakech-mode.test', { share: true, category: 'fraud' });
    // Accepting the report mailed the merchant already (the lifecycle's forward); a reminder follows.
    await service.registry.db.updateTable('complaints').set({ reminders: 1 }).where('id', '=', complaintId).execute();
    expect(await service.app.context.merchantNotices.send(complaintId, 'reminder')).toBe(true);

    expect(inbox.received.map((mail) => mail.recipients)).toEqual([
      ['bonjour@marrakech-mode.test'],
      ['bonjour@marrakech-mode.test'],
    ]);
    const [first, reminder] = inbox.received.map((mail) => readMail(mail.raw));
    expect(decodeHeader(first?.headers.get('subject')?.[0] ?? '')).toBe(
      `Thiqa : une réclamation concernant Marrakech Mode (n° ${complaintId}) / ثقة: شكاية بخصوص Marrakech Mode (رقم ${complaintId})`,
    );
    const text = first?.text ?? '';
    expect(text).toContain(`Réclamation n° ${complaintId}`);
    expect(text).toContain('Catégorie : Fraude');
    expect(text).toContain(`الشكاية رقم ${complaintId}`);
    expect(text).toContain('Merci de répondre avant le 4 décembre 2026');
    expect(text.indexOf('Bonjour')).toBeLessThan(text.indexOf('السلام عليكم'));
    // Shared with the merchant, and still not in a mail: only on the page behind the link.
    expect(text).not.toContain(SHOPPER_CONTACT);

    const reminderText = reminder?.text ?? '';
    expect(reminderText).toContain('Ceci est le rappel 1 sur 2');
    expect(reminderText).toContain('close comme « sans réponse »');
    expect(reminderText).toContain('هذا هو التذكير 1 من 2');
    expect(linkPath(reminderText)).not.toBe(linkPath(text));
    const links = await service.registry.db.selectFrom('merchant_links').selectAll().execute();
    expect(links).toHaveLength(2);
    expect(JSON.stringify(links)).not.toContain(linkPath(text).slice('/merchant/link/'.length));
    expect(new Date(links[0]?.expires_at ?? 0).toISOString()).toBe('2026-12-11T10:00:00.000Z');
  });
});
