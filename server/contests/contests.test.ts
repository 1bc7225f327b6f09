import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlledDomainProof, recordingMailer } from '../../test/support/application-rows.ts';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import {
  errorSummaryLinks,
  type Fields,
  openForm,
  postForm,
  visibleText,
} from '../../test/support/portal-form-client.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { decideContest } from './contest-decision.ts';

// A contest from the portal to the published outcome, with JavaScript off: the form, the
// receipt page and its domain proof (a proof the test decides), the moderator's decision
// in the console, and the shop's pages afterwards. Then what an attacker would try.

let service: DemoService;
let proof: ReturnType<typeof controlledDomainProof>;
let mailer: ReturnType<typeof recordingMailer>;
beforeAll(async () => {
  proof = controlledDomainProof(() => service.now());
  mailer = recordingMailer();
  service = await openDemoService({ domainProof: proof, mailer });
});
afterAll(async () => {
  await service.close();
});

const receiptOf = (location: string) => /^\/contest\/([A-Za-z0-9_-]{22})\?/.exec(location)?.[1] ?? '';
const auditActions = async (subject: string) =>
  (
    await service.registry.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject', '=', subject)
      .orderBy('id')
      .execute()
  ).map((row) => row.action);

const contestFields = (overrides: Fields = {}): Fields => ({
  domain: 'https://promo-iphone-maroc.test/',
  subject: 'flag',
  complaint: '',
  reason: 'Nous vendons de vrais iPhone importés, factures à l’appui.',
  name: 'Karim Bennani',
  email: 'karim@promo-iphone-maroc.test',
  ...overrides,
});

/** Sends the form as a browser with JavaScript off does: GET the form, POST it back. */
async function contest(fields: Fields, from: string, path = '/contest?lang=en') {
  const form = await openForm(service, path);
  return { form, response: await postForm(service, '/contest?lang=en', form, fields, { from }) };
}

/** Presses "check my domain now" on the receipt page. */
async function checkDomain(receipt: string, from: string) {
  const page = await openForm(service, `/contest/${receipt}?lang=en`);
  return postForm(service, `/contest/${receipt}/check?lang=en`, page, {}, { from });
}

describe('contesting a flag', () => {
  it('goes from the form to a published outcome, and removes the flag', async () => {
    const { form, response } = await contest(contestFields(), '198.51.100.30');
    expect(response.status).toBe(303);
    const receipt = receiptOf(response.headers.get('Location') ?? '');
    expect(receipt).not.toBe('');
    // The same form sent twice (a double click) is one contest.
    const again = await postForm(service, '/contest?lang=en', form, contestFields(), { from: '198.51.100.30' });
    expect(receiptOf(again.headers.get('Location') ?? '')).toBe(receipt);
    expect(await auditActions(receipt)).toEqual(['contest.receive']);
    const mail = mailer.sent.find((message) => message.text.includes(receipt));
    expect(mail?.to).toBe('karim@promo-iphone-maroc.test');
    expect(mail?.text).toContain(`http://localhost/contest/${receipt}?lang=en`);

    const status = await readPortalPage(await service.send('GET', `/contest/${receipt}?lang=en`));
    expect(status.headers.get('Cache-Control')).toBe('no-store');
    expect(status.headers.get('X-Robots-Tag')).toBe('noindex');
    expect(status.text('[data-fact="status"] dd')).toBe('Waiting for your domain proof');
    expect(status.text('main')).toContain('https://promo-iphone-maroc.test/.well-known/thiqa-verification.txt');
    // Whoever holds the link sees no name, no address, no reason.
    expect(status.text('main')).not.toContain('Karim');

    // Unproven, it is not before the moderators.
    const moderator = await signedInStaff(service, 'moderator');
    expect((await moderator.open('/admin/contests?lang=en')).html).not.toContain(receipt);
    const failed = await checkDomain(receipt, '198.51.100.30');
    expect(failed.status).toBe(303);
    const failedPage = visibleText(await (await service.send('GET', failed.headers.get('Location') ?? '')).text());
    expect(failedPage).toContain('The domain is not proven yet');

    proof.prove('promo-iphone-maroc.test');
    const passed = await checkDomain(receipt, '198.51.100.30');
    const passedPage = await readPortalPage(await service.send('GET', passed.headers.get('Location') ?? ''));
    expect(passedPage.text('[data-fact="status"] dd')).toBe('Waiting for a moderator');
    expect(proof.calls.at(-1)?.domain).toBe('promo-iphone-maroc.test');
    // While it waits for a moderator, a second contest on the same flag is led to its page.
    const second = await contest(contestFields({ name: 'Someone Else', email: 'else@example.ma' }), '198.51.100.34');
    expect(second.response.headers.get('Location')).toBe(`/contest/${receipt}?pending=1&lang=en`);

    // A verifier may not decide.
    const verifier = await signedInStaff(service, 'verifier');
    expect((await verifier.open('/admin/contests?lang=en')).status).toBe(403);
    await verifier.open('/admin?lang=en');
    const refused = await verifier.post(`/admin/contests/${receipt}/decide?lang=en`, {
      outcome: 'upheld',
      publicOutcome: 'Not a verifier’s call',
    });
    expect(refused.status).toBe(403);

    const queue = await moderator.open('/admin/contests?lang=en');
    expect(queue.html).toContain(`data-contest="${receipt}"`);
    const casePage = await moderator.open(`/admin/contests/${receipt}?lang=en`);
    expect(visibleText(casePage.html)).toContain('Nous vendons de vrais iPhone importés');
    const incomplete = await moderator.post(`/admin/contests/${receipt}/decide?lang=en`, { outcome: 'upheld' });
    expect(incomplete.status).toBe(400);
    expect(errorSummaryLinks(incomplete.html)).toEqual(['contest-public-outcome']);
    const decided = await moderator.post(`/admin/contests/${receipt}/decide?lang=en`, {
      outcome: 'upheld',
      publicOutcome: 'The importer showed its customs papers and invoices.',
    });
    expect(decided.status).toBe(303);

    const flag = await service.registry.db
      .selectFrom('flagged_domains')
      .select('domain')
      .where('domain', '=', 'promo-iphone-maroc.test')
      .executeTakeFirst();
    expect(flag).toBeUndefined();
    expect(await auditActions(receipt)).toEqual([
      'contest.receive',
      'contest.check',
      'contest.check',
      'contest.decide',
    ]);
    expect(await auditActions('promo-iphone-maroc.test')).toContain('domain.unflag');
    expect(mailer.sent.at(-1)?.text).toContain('The importer showed its customs papers and invoices.');

    await service.publish();
    const check = await readPortalPage(await service.send('GET', '/check?q=promo-iphone-maroc.test&lang=en'));
    expect(check.text('[data-contest="flag"]')).toBe(
      'Flag contested on November 27, 2026: upheld on November 27, 2026 — The importer showed its customs papers and invoices.',
    );
    // Decided, it leaves the queue.
    expect((await moderator.open('/admin/contests?lang=en')).html).not.toContain(receipt);
  });

  it('refuses a domain that is not flagged, at the field', async () => {
    const { response } = await contest(contestFields({ domain: 'dar-argan.test' }), '198.51.100.31');
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(errorSummaryLinks(html)).toEqual(['contest-domain']);
    expect(visibleText(html)).toContain('This domain is not flagged: there is no flag to contest');
    expect(html).toContain('value="dar-argan.test"');
  });
});

describe('contesting a complaint', () => {
  it('closes the complaint as unfounded, and the certificate shows the outcome inert', async () => {
    const complaint = await service.registry.db
      .selectFrom('complaints')
      .select('id')
      .where('domain', '=', 'atlas-electro.test')
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    // The merchant's desk links here with the form filled in.
    const path = `/contest?lang=en&domain=atlas-electro.test&complaint=${complaint.id}`;
    const prefilled = await openForm(service, path);
    expect(prefilled.html).toContain(`value="${complaint.id}"`);
    expect(prefilled.html).toMatch(/value="complaint" checked/);
    const hostile = '<img src=x onerror=alert(1)> the parcel was delivered, signed for';
    const { response } = await contest(
      contestFields({
        domain: 'atlas-electro.test',
        subject: 'complaint',
        complaint: String(complaint.id),
        reason: hostile,
      }),
      '198.51.100.32',
      path,
    );
    expect(response.status).toBe(303);
    const receipt = receiptOf(response.headers.get('Location') ?? '');
    proof.prove('atlas-electro.test');
    await checkDomain(receipt, '198.51.100.32');

    const moderator = await signedInStaff(service, 'moderator', 'moderator2@thiqa.test');
    const casePage = await moderator.open(`/admin/contests/${receipt}?lang=en`);
    expect(casePage.html).not.toContain('<img src=x');
    expect(casePage.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const outcome = 'Delivery proven <b>signed</b>';
    const decided = await moderator.post(`/admin/contests/${receipt}/decide?lang=en`, {
      outcome: 'upheld',
      publicOutcome: outcome,
    });
    expect(decided.status).toBe(303);
    const closed = await service.registry.db
      .selectFrom('complaints')
      .select(['status', 'stage', 'resolved_by', 'note'])
      .where('id', '=', complaint.id)
      .executeTakeFirstOrThrow();
    expect(closed).toEqual({
      status: 'unfounded',
      stage: 'closed',
      resolved_by: 'moderator2@thiqa.test',
      note: `contest ${receipt} upheld`,
    });

    await service.publish();
    const certificate = await service.send('GET', '/merchants/atlas-electro?lang=en');
    const html = await certificate.text();
    expect(html).not.toContain('<b>signed</b>');
    expect(visibleText(html)).toContain(
      'Complaint contested on November 27, 2026: upheld on November 27, 2026 — Delivery proven <b>signed</b>',
    );
  });

  // A complaint may close (resolved by the shopper, unanswered, by staff) while its contest
  // waits: upheld, it turns unfounded, but when, by whom and the closing note stay as they were.
  it('turns a complaint already closed unfounded, keeping how and when it closed', async () => {
    const { db } = service.registry;
    const opened = await db
      .insertInto('complaints')
      .values({
        domain: 'atlas-electro.test',
        category: 'non-delivery',
        status: 'open',
        opened_at: service.now(),
        opened_by: 'moderator@thiqa.test',
        merchant_id: 'atlas-electro',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await service.app.context.complaints.close(
      opened.id,
      { outcome: 'resolved', note: 'Remboursement confirmé par téléphone' },
      'moderator@thiqa.test',
    );
    const before = await db
      .selectFrom('complaints')
      .select(['stage', 'resolved_at', 'resolved_by', 'note'])
      .where('id', '=', opened.id)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('contests')
      .values({
        receipt: 'contest-after-close-0001',
        kind: 'complaint',
        domain: 'atlas-electro.test',
        complaint_id: opened.id,
        merchant_id: 'atlas-electro',
        name: 'Karim Bennani',
        email: 'karim@atlas-electro.test',
        reason: 'Livré et signé.',
        lang: 'fr',
        proof_token: 'proof-token-after-close',
        proof_checked_at: service.now(),
        status: 'received',
        created_at: service.now(),
      })
      .execute();
    await decideContest(
      service.app.context,
      'contest-after-close-0001',
      { outcome: 'upheld', publicOutcome: 'Livraison prouvée' },
      'moderator2@thiqa.test',
    );
    const after = await db
      .selectFrom('complaints')
      .select(['status', 'stage', 'resolved_at', 'resolved_by', 'note'])
      .where('id', '=', opened.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ ...before, status: 'unfounded' });
    expect(await auditActions(`complaint ${opened.id}`)).toEqual(['complaint.close', 'complaint.close']);
  });

  it('refuses another merchant’s complaint, forged receipts, and hidden characters', async () => {
    const elsewhere = await service.registry.db
      .selectFrom('complaints')
      .select('id')
      .where('domain', '=', 'fes-cuir.test')
      .executeTakeFirstOrThrow();
    const { response } = await contest(
      contestFields({ domain: 'marrakech-mode.test', subject: 'complaint', complaint: String(elsewhere.id) }),
      '198.51.100.33',
    );
    expect(response.status).toBe(422);
    expect(errorSummaryLinks(await response.text())).toEqual(['contest-complaint']);

    const hidden = await contest(contestFields({ reason: 'Le colis \u202Ea été livré' }), '198.51.100.33');
    expect(hidden.response.status).toBe(400);
    const hiddenHtml = await hidden.response.text();
    expect(errorSummaryLinks(hiddenHtml)).toEqual(['contest-reason']);
    expect(hiddenHtml).not.toContain('\u202E');

    expect((await service.send('GET', '/contest/AAAAAAAAAAAAAAAAAAAAAA?lang=en')).status).toBe(404);
    expect((await service.send('GET', '/contest/..%2Fadmin?lang=en')).status).toBe(404);
    const moderator = await signedInStaff(service, 'moderator', 'moderator3@thiqa.test');
    expect((await moderator.open('/admin/contests/AAAAAAAAAAAAAAAAAAAAAA?lang=en')).status).toBe(404);
  });
});
