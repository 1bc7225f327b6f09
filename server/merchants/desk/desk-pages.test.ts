import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingMailer } from '../../../test/support/application-rows.ts';
import { consoleBrowser } from '../../../test/support/console-client.ts';
import { visibleText } from '../../../test/support/portal-form-client.ts';
import type { TestService } from '../../../test/support/test-service.ts';
import { complaintAgainst, linkPath, openDeskService, SHOPPER_CONTACT, SHOPPER_DETAILS } from './desk-test-support.ts';

// The merchant's side of a complaint, end to end on the demo registry: the mail and its
// one-time link, the desk's pages with JavaScript off, the shopper's privacy, the answer
// the shopper then reads with their receipt.

describe('the merchant’s desk', () => {
  const mailer = recordingMailer();
  let service: TestService;
  beforeAll(async () => {
    service = await openDeskService({ mailer, portal: { publicOrigin: 'https://thiqa.example.ma' } });
  });
  afterAll(() => service.close());

  /** A JS-off browser on the public origin (the forms' origin check reads it). */
  const browser = () => {
    const b = consoleBrowser(service);
    return {
      ...b,
      post: (path: string, fields: Record<string, string>) =>
        b.post(path, fields, { Origin: 'https://thiqa.example.ma' }),
    };
  };

  it('mails a link without the shopper’s words, opens the complaint once, and carries the answer to the shopper', async () => {
    const { receipt, complaintId } = await complaintAgainst(service, 'atlas-electro.test', { share: false });
    expect(await service.app.context.merchantNotices.send(complaintId, 'new')).toBe(true);
    const mail = mailer.sent.at(-1);
    expect(mail?.to).toBe('contact@atlas-electro.test');
    expect(mail?.subject).toContain(`n° ${complaintId}`);
    expect(mail?.text).toContain('Atlas Électro');
    expect(mail?.text).toContain('https://thiqa.example.ma/merchant/link/');
    expect(mail?.text).not.toContain(SHOPPER_CONTACT);
    expect(mail?.text).not.toContain('Salma');
    expect(mail?.text).not.toContain(receipt);
    const link = linkPath(mail?.text ?? '');

    // Opening the link (a mail scanner would) spends nothing; the button does.
    const merchant = browser();
    const linkPage = await merchant.open(`${link}?lang=en`);
    expect(linkPage.status).toBe(200);
    expect(linkPage.headers.get('Cache-Control')).toBe('no-store');
    expect(linkPage.headers.get('X-Robots-Tag')).toContain('noindex');
    expect(await merchant.open(`${link}?lang=en`)).toMatchObject({ status: 200 });
    const spent = await merchant.post(`${link}?lang=en`, {});
    expect(spent.status).toBe(303);
    expect(spent.location).toBe(`/merchant/complaints/${complaintId}?lang=en`);
    const cookie = spent.headers.getSetCookie().find((line) => line.startsWith('__Host-thiqa_merchant='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const page = await merchant.open(spent.location as string);
    expect(page.status).toBe(200);
    const seen = visibleText(page.html);
    expect(seen).toContain(`Complaint no. ${complaintId}`);
    expect(seen).toContain('https://atlas-electro.test/produit/42');
    expect(seen).not.toContain('utm_source');
    expect(seen).toContain('did not agree to share');
    expect(page.html).not.toContain(SHOPPER_CONTACT);
    expect(page.html).not.toContain('Salma');
    expect(page.html).not.toContain(receipt);
    const read = await service.registry.db
      .selectFrom('complaints')
      .selectAll()
      .where('id', '=', complaintId)
      .executeTakeFirstOrThrow();
    expect(read.stage).toBe('read');

    // The link is spent: a second use says so, and signs nobody in.
    const replayed = await merchant.post(`${link}?lang=en`, {});
    expect(replayed.status).toBe(410);
    expect(replayed.headers.getSetCookie().some((line) => line.includes('thiqa_merchant='))).toBe(false);
    const again = await browser().open(`${link}?lang=en`);
    expect(again.status).toBe(410);
    expect(visibleText(again.html)).toContain('already used');
    expect(visibleText(again.html)).toContain('Each reminder mail brings a fresh link');

    // Another merchant's complaint is as absent as one that does not exist.
    const other = await complaintAgainst(service, 'marrakech-mode.test', { share: true });
    expect((await merchant.open(`/merchant/complaints/${other.complaintId}?lang=en`)).status).toBe(404);
    expect(
      (await merchant.post(`/merchant/complaints/${other.complaintId}/answer?lang=en`, { kind: 'disputes', text: 'x' }))
        .status,
    ).toBe(404);
    const list = visibleText((await merchant.open('/merchant?lang=en')).html);
    expect(list).toContain(`No. ${complaintId}`);
    expect(list).not.toContain(`No. ${other.complaintId}`);

    // A missing answer is said at the top and at the field; then the answer goes through.
    const empty = await merchant.post(`/merchant/complaints/${complaintId}/answer?lang=en`, {
      kind: 'will-act',
      text: '  ',
    });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('class="error-summary"');
    expect(empty.html).toContain('id="answer-text-error"');
    const hidden = await merchant.post(`/merchant/complaints/${complaintId}/answer?lang=en`, {
      kind: 'disputes',
      text: 'Livré\u202E le 3',
    });
    expect(hidden.status).toBe(400);
    expect(visibleText(hidden.html)).toContain('Remove the invisible or control character at position 6');
    const huge = await merchant.post(`/merchant/complaints/${complaintId}/answer?lang=en`, {
      kind: 'disputes',
      text: 'x'.repeat(40_000),
    });
    expect(huge.status).toBe(413);
    const answered = await merchant.post(`/merchant/complaints/${complaintId}/answer?lang=en`, {
      kind: 'will-act',
      text: 'Nous renvoyons la commande cette semaine.',
      staffNote: 'Transporteur changé.',
    });
    expect(answered.status).toBe(303);
    const status = (await (await service.send('GET', `/v1/reports/${receipt}`)).json()) as {
      complaint: { stage: string; answer: { kind: string; text: string } };
    };
    expect(status.complaint.stage).toBe('answered');
    expect(status.complaint.answer).toEqual({ kind: 'will-act', text: 'Nous renvoyons la commande cette semaine.' });
    expect(JSON.stringify(status)).not.toContain('Transporteur');
    const twice = await merchant.post(`/merchant/complaints/${complaintId}/answer?lang=en`, {
      kind: 'disputes',
      text: 'Non.',
    });
    expect(twice.status).toBe(409);
  });

  it('shows the shopper’s words on the page, never in the mail, when the shopper agreed', async () => {
    const { complaintId } = await complaintAgainst(service, 'tanger-tech.test', { share: true });
    expect(await service.app.context.merchantNotices.send(complaintId, 'new')).toBe(true);
    const mail = mailer.sent.at(-1)?.text ?? '';
    expect(mail).not.toContain(SHOPPER_CONTACT);
    expect(mail).not.toContain('Salma');
    const merchant = browser();
    await merchant.open(`${linkPath(mail)}?lang=en`);
    const spent = await merchant.post(`${linkPath(mail)}?lang=en`, {});
    const seen = visibleText((await merchant.open(spent.location as string)).html);
    expect(seen).toContain(SHOPPER_DETAILS);
    expect(seen).toContain(SHOPPER_CONTACT);
  });

  it('mails nobody for a merchant without a contact address', async () => {
    const { complaintId } = await complaintAgainst(service, 'fes-cuir.test', { share: false });
    const before = mailer.sent.length;
    expect(await service.app.context.merchantNotices.send(complaintId, 'new')).toBe(false);
    expect(mailer.sent.length).toBe(before);
  });
});
