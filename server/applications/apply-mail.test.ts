import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { openForm, postForm } from '../../test/support/portal-form-client.ts';
import { decodeHeader, openSmtpInbox, readMail, type SmtpInbox } from '../../test/support/smtp-inbox.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { parseSmtpUrl, SmtpMailer, type SmtpSettings } from '../mail/smtp-mailer.ts';

// The applicant's mail through a real SMTP server (in process, on loopback): an Arabic
// application gets an Arabic mail with its receipt's link and the proof to serve.

describe('the applicant’s mail through SMTP', () => {
  let inbox: SmtpInbox;
  let service: TestService;
  beforeAll(async () => {
    inbox = await openSmtpInbox();
    const mailer = new SmtpMailer(parseSmtpUrl(inbox.url()) as SmtpSettings, {
      name: 'ثقة',
      address: 'no-reply@thiqa.example.ma',
    });
    service = await openTestService({ mailer, portal: { publicOrigin: 'https://thiqa.example.ma' } });
  });
  afterAll(async () => {
    await service.close();
    await inbox.close();
  });

  it('reaches the applicant in the language of the form', async () => {
    const form = await openForm(service, '/apply?lang=ar');
    const response = await postForm(
      service,
      '/apply?lang=ar',
      form,
      {
        legalName: 'شركة دار أركان ش.م.م',
        tradeName: 'دار أركان',
        ice: iceWithCheckDigits('0024681357913'),
        rcNumber: '98765',
        rcCourt: 'other',
        rcCourtOther: 'المحكمة الابتدائية بالصويرة',
        address: 'زنقة الحرية 5',
        city: 'الصويرة',
        phone: '0661 00 01 01',
        email: 'bonjour@dar-argan.ma',
        domains: 'dar-argan.ma',
        social: '',
      },
      { headers: { Origin: 'https://thiqa.example.ma' } },
    );
    expect(response.status).toBe(303);
    const receipt = /^\/apply\/([A-Za-z0-9_-]{22})\?lang=ar$/.exec(response.headers.get('Location') ?? '')?.[1];
    expect(receipt).toBeDefined();
    const stored = await service.registry.db.selectFrom('applications').selectAll().executeTakeFirstOrThrow();
    expect(stored.rc_court).toBe('المحكمة الابتدائية بالصويرة');

    expect(inbox.received).toHaveLength(1);
    const [mail] = inbox.received;
    expect(mail?.recipients).toEqual(['bonjour@dar-argan.ma']);
    const { headers, text } = readMail(mail?.raw ?? '');
    expect(decodeHeader(headers.get('subject')?.[0] ?? '')).toBe('ثقة: طلبك بخصوص دار أركان');
    expect(text).toContain('توصّلنا بطلبك لتصبح تاجرًا موثّقًا بخصوص دار أركان.');
    expect(text).toContain(`https://thiqa.example.ma/apply/${receipt}?lang=ar`);
    expect(text).toContain('https://dar-argan.ma/.well-known/thiqa-verification.txt');
    expect(text).toContain(`thiqa-verification=${stored.proof_token}`);
    expect(text).toContain(`<meta name="thiqa-verification" content="${stored.proof_token}">`);
  });
});
