import { parseHTML } from 'linkedom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applicationRow,
  controlledDomainProof,
  insertApplication,
  recordingMailer,
} from '../../test/support/application-rows.ts';
import { type ConsoleBrowser, signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import type { MerchantRecord } from '../merchants/import-map.ts';
import { ApplicationBook } from './application-book.ts';
import { checkDomainsNow, findApplication } from './application-review.ts';
import type { DomainCheck, DomainProof } from './domain-proof.ts';

// The verifier's checklist, approval and refusal, through the console as a browser with
// JavaScript off uses it, on the demo registry, with domain proofs the test decides and a
// mailer that keeps what it sends.

let service: DemoService;
let proof: ReturnType<typeof controlledDomainProof>;
let mailer: ReturnType<typeof recordingMailer>;
beforeEach(async () => {
  proof = controlledDomainProof(() => service.now());
  mailer = recordingMailer();
  service = await openDemoService({ domainProof: proof, mailer });
});
afterEach(async () => {
  await service.close();
});

const doc = (html: string) => parseHTML(html).document;
const texts = (html: string, selector: string) =>
  [...doc(html).querySelectorAll(selector)].map((element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim());
const pathOf = (receipt: string, step = '') => `/admin/applications/${receipt}${step ? `/${step}` : ''}?lang=en`;
const applicationStatus = async (receipt: string) =>
  await service.registry.db
    .selectFrom('applications')
    .selectAll()
    .where('receipt', '=', receipt)
    .executeTakeFirstOrThrow();
const auditOf = async (subject: string) =>
  (
    await service.registry.db.selectFrom('audit_log').selectAll().where('subject', '=', subject).orderBy('id').execute()
  ).map((row) => ({ action: row.action, actor: row.actor, step: (row.detail as { step?: string }).step }));

/** Completes the hand-made steps: the register matches, the legal representative confirms. */
async function recordHandChecks(verifier: ConsoleBrowser, receipt: string) {
  await verifier.open(pathOf(receipt));
  const register = await verifier.post(pathOf(receipt, 'register'), {
    court: 'Oujda',
    number: '70001',
    outcome: 'matches',
    note: 'Extrait consulté en ligne',
  });
  expect(register.status).toBe(303);
  await verifier.open(pathOf(receipt));
  const phone = await verifier.post(pathOf(receipt, 'phone'), { phone: '0536 00 00 00', phoneOutcome: 'confirmed' });
  expect(phone.status).toBe(303);
}

describe('the application checklist', () => {
  it('lists received applications oldest first; opening one changes nothing, the start button moves it into review', async () => {
    await insertApplication(service, applicationRow(2, { createdAt: '2026-11-22T09:00:00Z' }));
    await insertApplication(service, applicationRow(1, { createdAt: '2026-11-21T09:00:00Z' }));
    const verifier = await signedInStaff(service, 'verifier');
    const list = await verifier.open('/admin/applications?lang=en');
    expect(list.status).toBe(200);
    expect(
      [...doc(list.html).querySelectorAll('tr[data-receipt]')].map((row) => row.getAttribute('data-receipt')),
    ).toEqual(['APP-TEST-0001', 'APP-TEST-0002']);
    const page = await verifier.open(pathOf('APP-TEST-0001'));
    expect(page.status).toBe(200);
    expect(texts(page.html, '[data-fact="legal-name"] dd')).toEqual(['Boutique Test 1 SARL']);
    // A GET or a HEAD (a link from another site, a prefetch, a link checker) changes nothing.
    const head = await service.send('HEAD', pathOf('APP-TEST-0001'), undefined, {
      Cookie: verifier.cookies(),
      'Sec-Fetch-Site': 'cross-site',
    });
    expect(head.status).toBe(200);
    expect((await applicationStatus('APP-TEST-0001')).status).toBe('received');
    expect(await auditOf('APP-TEST-0001')).toEqual([]);

    // The review starts with the page's button, a guarded POST.
    expect(doc(page.html).querySelector('form[action*="/start"] button')?.textContent).toBe('Start the review');
    const forged = await verifier.post(pathOf('APP-TEST-0001', 'start'), {}, { Origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect((await applicationStatus('APP-TEST-0001')).status).toBe('received');
    const started = await verifier.post(pathOf('APP-TEST-0001', 'start'), {});
    expect(started.status).toBe(303);
    expect((await applicationStatus('APP-TEST-0001')).status).toBe('in-review');
    expect(await auditOf('APP-TEST-0001')).toEqual([
      { action: 'application.check', actor: 'verifier@thiqa.test', step: 'review-started' },
    ]);
    const after = await verifier.open(started.location ?? '');
    expect(texts(after.html, '[data-done]')).toEqual([expect.stringContaining('The review is started')]);
    expect(doc(after.html).querySelector('form[action*="/start"]')).toBeNull();
    // Once more: nothing new.
    expect((await verifier.post(pathOf('APP-TEST-0001', 'start'), {})).status).toBe(303);
    expect(await auditOf('APP-TEST-0001')).toHaveLength(1);
    const inReview = await verifier.open('/admin/applications?status=in-review&lang=en');
    expect(texts(inReview.html, 'tr[data-receipt] td:first-child')).toEqual(['APP-TEST-0001']);
  });

  it('moves a received application into review at the first step recorded, the domain check included', async () => {
    await insertApplication(service, applicationRow(1));
    const verifier = await signedInStaff(service, 'verifier');
    await verifier.open(pathOf('APP-TEST-0001'));
    expect((await verifier.post(pathOf('APP-TEST-0001', 'domain'), { domain: 'boutique-test-1.test' })).status).toBe(
      303,
    );
    expect((await applicationStatus('APP-TEST-0001')).status).toBe('in-review');
    expect((await auditOf('APP-TEST-0001')).map((line) => line.step)).toEqual(['review-started', 'domain']);
  });

  it('refuses approval until every step is done, then approves: the merchant is verified after the next publication', async () => {
    const row = applicationRow(1);
    await insertApplication(service, row);
    const verifier = await signedInStaff(service, 'verifier');

    const first = await verifier.open(pathOf(row.receipt));
    const approve = doc(first.html).querySelector('form[action*="/approve"] button');
    expect(approve?.hasAttribute('disabled')).toBe(true);
    expect(texts(first.html, '#approve-blockers li')).toEqual([
      'The commercial register check.',
      'The phone call to the legal representative.',
      'Proof of control of boutique-test-1.test (not checked yet).',
    ]);
    // The button is disabled, but a browser (or a person) may post anyway.
    const early = await verifier.post(pathOf(row.receipt, 'approve'), {});
    expect(early.status).toBe(409);
    expect(texts(early.html, '.error-summary li')).toHaveLength(3);
    expect(await service.registry.db.selectFrom('merchants').select('id').where('ice', '=', row.ice).execute()).toEqual(
      [],
    );

    await recordHandChecks(verifier, row.receipt);
    await verifier.open(pathOf(row.receipt));
    expect((await verifier.post(pathOf(row.receipt, 'domain'), { domain: 'boutique-test-1.test' })).status).toBe(303);
    const unproven = await verifier.open(pathOf(row.receipt));
    expect(texts(unproven.html, '[data-domain="boutique-test-1.test"] td')[0]).toContain(
      'Not proven: neither the file nor the meta tag is there',
    );
    expect(texts(unproven.html, '#approve-blockers li')).toEqual([
      'Proof of control of boutique-test-1.test (the last check failed).',
    ]);
    expect(texts(unproven.html, '[data-check="register"] strong')).toEqual(['Matches the application']);
    expect(texts(unproven.html, '[data-check="phone"] strong')).toEqual(['Confirmed by the legal representative']);

    proof.prove('boutique-test-1.test');
    await verifier.post(pathOf(row.receipt, 'domain'), { domain: 'boutique-test-1.test' });
    expect(proof.calls).toEqual([
      { domain: 'boutique-test-1.test', token: row.proofToken },
      { domain: 'boutique-test-1.test', token: row.proofToken },
    ]);
    const ready = await verifier.open(pathOf(row.receipt));
    expect(doc(ready.html).querySelector('form[action*="/approve"] button')?.hasAttribute('disabled')).toBe(false);
    const approved = await verifier.post(pathOf(row.receipt, 'approve'), {});
    expect(approved.status).toBe(303);
    const after = await verifier.open(approved.location ?? '');
    expect(texts(after.html, '[data-done]')).toEqual([expect.stringContaining('verified from the next publication')]);
    expect(texts(after.html, '[data-decision="approved"] a')).toEqual(['boutique-test-1']);

    const stored = await applicationStatus(row.receipt);
    expect([stored.status, stored.decided_by, stored.merchant_id]).toEqual([
      'approved',
      'verifier@thiqa.test',
      'boutique-test-1',
    ]);
    const merchant = await service.registry.db
      .selectFrom('merchants')
      .selectAll()
      .where('id', '=', 'boutique-test-1')
      .executeTakeFirstOrThrow();
    expect(merchant.record as MerchantRecord).toEqual({
      id: 'boutique-test-1',
      legalName: 'Boutique Test 1 SARL',
      tradeNames: ['Boutique Test 1'],
      ice: row.ice,
      rc: 'RC Oujda 70001',
      city: 'Oujda',
      phone: '+212536000000',
      email: 'contact1@boutique-test.example',
      domains: ['boutique-test-1.test'],
      social: [{ network: 'instagram', handle: '@boutique1' }],
      status: 'verified',
      verification: { at: '2026-11-27', by: 'Test verifier', methods: ['commercial-register', 'phone-call'] },
      labels: [],
    });
    expect(merchant.status_since).not.toBeNull();
    expect(
      await service.registry.db
        .selectFrom('merchant_domains')
        .selectAll()
        .where('merchant_id', '=', 'boutique-test-1')
        .execute(),
    ).toEqual([{ domain: 'boutique-test-1.test', merchant_id: 'boutique-test-1' }]);
    expect((await auditOf(row.receipt)).map((line) => `${line.action}:${line.step ?? ''}`)).toEqual([
      'application.check:review-started',
      'application.check:register',
      'application.check:phone',
      'application.check:domain',
      'application.check:domain',
      'application.approve:',
    ]);
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toBe('contact1@boutique-test.example');
    expect(mailer.sent[0]?.subject).toBe('Thiqa : Boutique Test 1 est vérifié');
    expect(mailer.sent[0]?.text).toContain('dès la prochaine publication de l’annuaire');

    // Not on the portal before the next publication; verified after it.
    const before = await readPortalPage(await service.send('GET', '/check?q=boutique-test-1.test&lang=en'));
    expect(before.document.querySelector('.verdict')?.getAttribute('data-level')).not.toBe('verified');
    await service.publish();
    const check = await readPortalPage(await service.send('GET', '/check?q=boutique-test-1.test&lang=en'));
    expect(check.document.querySelector('.verdict')?.getAttribute('data-level')).toBe('verified');
    expect(check.text('[data-fact="legal-name"] dd')).toBe('Boutique Test 1 SARL');
  });

  it('says what is wrong with a check form, at the top and at each field', async () => {
    await insertApplication(service, applicationRow(1));
    const verifier = await signedInStaff(service, 'verifier');
    await verifier.open(pathOf('APP-TEST-0001'));
    const page = await verifier.post(pathOf('APP-TEST-0001', 'register'), {
      court: '',
      number: 'x'.repeat(65),
      note: 'ok\u202Egnp.exe',
    });
    expect(page.status).toBe(400);
    expect(texts(page.html, '.error-summary a')).toEqual([
      'Enter: Court of the register.',
      'Register number (RC): use at most 64 characters (you typed 65).',
      'Choose an outcome.',
      'Note (optional) holds an invisible or control character at character 3: remove it.',
    ]);
    expect(texts(page.html, '#check-court-error')).toEqual(['Error: Enter: Court of the register.']);
    // What was typed comes back, the override shown as U+FFFD and inert.
    expect(page.html).toContain('ok\uFFFDgnp.exe');
    expect(page.html).not.toContain('\u202E');
    expect((await applicationStatus('APP-TEST-0001')).register_check).toBeNull();

    const phone = await verifier.post(pathOf('APP-TEST-0001', 'phone'), { phone: 'call me', phoneOutcome: 'maybe' });
    expect(phone.status).toBe(400);
    expect(texts(phone.html, '.error-summary a')).toEqual([
      expect.stringContaining('Enter the number called in international form'),
      'Choose an outcome.',
    ]);
  });

  it('refuses with the reason the applicant reads, stored, mailed in their language and audited', async () => {
    await insertApplication(service, applicationRow(1, { lang: 'ar', tradeName: 'متجر الاختبار' }));
    const verifier = await signedInStaff(service, 'verifier');
    await verifier.open(pathOf('APP-TEST-0001'));
    const short = await verifier.post(pathOf('APP-TEST-0001', 'refuse'), { reason: 'no' });
    expect(short.status).toBe(400);
    expect(texts(short.html, '.error-summary a')).toEqual(['Reason the applicant reads: use at least 3 characters.']);
    const long = await verifier.post(pathOf('APP-TEST-0001', 'refuse'), { reason: 'x'.repeat(501) });
    expect(long.status).toBe(400);

    const reason = 'Le registre du commerce ne mentionne pas cette activité.';
    const refused = await verifier.post(pathOf('APP-TEST-0001', 'refuse'), { reason: `  ${reason} ` });
    expect(refused.status).toBe(303);
    const stored = await applicationStatus('APP-TEST-0001');
    expect([stored.status, stored.refused_reason, stored.decided_by]).toEqual([
      'refused',
      reason,
      'verifier@thiqa.test',
    ]);
    expect(mailer.sent).toEqual([
      {
        to: 'contact1@boutique-test.example',
        subject: 'ثقة: طلبكم الخاص بـ متجر الاختبار',
        text: expect.stringContaining(`السبب: ${reason}`),
      },
    ]);
    expect((await auditOf('APP-TEST-0001')).at(-1)).toEqual({
      action: 'application.refuse',
      actor: 'verifier@thiqa.test',
      step: undefined,
    });
    const page = await verifier.open(refused.location ?? '');
    expect(texts(page.html, '[data-refused-reason]')).toEqual([reason]);
    // Decided: no form is offered, and none is taken.
    expect(doc(page.html).querySelector('form[action*="/approve"]')).toBeNull();
    const again = await verifier.post(pathOf('APP-TEST-0001', 'register'), {
      court: 'Oujda',
      number: '1',
      outcome: 'matches',
    });
    expect(again.status).toBe(409);
    expect(mailer.sent).toHaveLength(1);
  });
});

describe('what the checklist refuses', () => {
  it('answers a moderator 403 on every page and action, and changes nothing', async () => {
    await insertApplication(service, applicationRow(1));
    const moderator = await signedInStaff(service, 'moderator');
    for (const path of ['/admin/applications?lang=en', pathOf('APP-TEST-0001')]) {
      const page = await moderator.open(path);
      expect(page.status).toBe(403);
      expect(page.html).not.toContain('Boutique Test 1 SARL');
    }
    await moderator.open('/admin?lang=en');
    for (const step of ['start', 'register', 'phone', 'domain', 'approve', 'refuse']) {
      const fields = {
        court: 'Oujda',
        number: '1',
        outcome: 'matches',
        domain: 'boutique-test-1.test',
        reason: 'Nope nope',
      };
      expect((await moderator.post(pathOf('APP-TEST-0001', step), fields)).status).toBe(403);
    }
    const stored = await applicationStatus('APP-TEST-0001');
    expect([stored.status, stored.register_check, stored.refused_reason]).toEqual(['received', null, null]);
    expect(proof.calls).toEqual([]);
    expect(await auditOf('APP-TEST-0001')).toEqual([]);
  });

  it('answers 404 to a forged or malformed receipt', async () => {
    await insertApplication(service, applicationRow(1));
    const verifier = await signedInStaff(service, 'verifier');
    for (const receipt of ['APP-TEST-9999', 'APP-TEST-0001x', '..%2F..%2Fetc', 'A'.repeat(200), "x'or'1'='1"]) {
      const page = await verifier.open(pathOf(receipt));
      expect(page.status, receipt).toBe(404);
      expect(texts(page.html, 'h1')).toEqual(['Application not found']);
    }
    await verifier.open('/admin/applications?lang=en');
    for (const step of ['start', 'register', 'approve', 'refuse', 'domain']) {
      expect((await verifier.post(pathOf('APP-TEST-9999', step), { reason: 'Forged one' })).status).toBe(404);
    }
  });

  it('checks only the domains the applicant named', async () => {
    await insertApplication(service, applicationRow(1));
    const verifier = await signedInStaff(service, 'verifier');
    await verifier.open(pathOf('APP-TEST-0001'));
    for (const domain of ['169.254.169.254', 'localhost', 'atlas-electro.test']) {
      expect((await verifier.post(pathOf('APP-TEST-0001', 'domain'), { domain })).status).toBe(400);
    }
    expect(proof.calls).toEqual([]);
  });

  it('refuses to approve a domain held by another merchant, naming it', async () => {
    const row = applicationRow(1, { domains: ['boutique-test-1.test', 'atlas-electro.test'] });
    await insertApplication(service, row);
    proof.prove('boutique-test-1.test');
    proof.prove('atlas-electro.test');
    const verifier = await signedInStaff(service, 'verifier');
    await recordHandChecks(verifier, row.receipt);
    for (const domain of row.domains) {
      await verifier.open(pathOf(row.receipt));
      await verifier.post(pathOf(row.receipt, 'domain'), { domain });
    }
    const page = await verifier.open(pathOf(row.receipt));
    expect(texts(page.html, '#approve-blockers li')).toEqual([
      'atlas-electro.test belongs to another merchant, atlas-electro: a domain has one merchant. Refuse, or have a moderator settle it first.',
    ]);
    const refused = await verifier.post(pathOf(row.receipt, 'approve'), {});
    expect(refused.status).toBe(409);
    expect(texts(refused.html, '.error-summary li')).toEqual([
      expect.stringContaining('atlas-electro.test belongs to another merchant'),
    ]);
    expect((await applicationStatus(row.receipt)).status).toBe('in-review');
    const holder = await service.registry.db
      .selectFrom('merchant_domains')
      .select('merchant_id')
      .where('domain', '=', 'atlas-electro.test')
      .executeTakeFirstOrThrow();
    expect(holder.merchant_id).toBe('atlas-electro');
    expect(mailer.sent).toEqual([]);
  });

  it('extends the merchant an ICE already names only when the legal name is the same', async () => {
    const atlas = await service.registry.db
      .selectFrom('merchants')
      .selectAll()
      .where('id', '=', 'atlas-electro')
      .executeTakeFirstOrThrow();
    const other = applicationRow(1, { ice: atlas.ice, legalName: 'Atlas Import Export SARL' });
    await insertApplication(service, other);
    proof.prove('boutique-test-1.test');
    const verifier = await signedInStaff(service, 'verifier');
    await recordHandChecks(verifier, other.receipt);
    await verifier.open(pathOf(other.receipt));
    await verifier.post(pathOf(other.receipt, 'domain'), { domain: 'boutique-test-1.test' });
    const refused = await verifier.post(pathOf(other.receipt, 'approve'), {});
    expect(refused.status).toBe(409);
    // (Its register check and call were the applicant's own too, which the next blockers say.)
    expect(texts(refused.html, '.error-summary li')[0]).toContain(
      'The ICE belongs to merchant atlas-electro, whose legal name is Atlas Électro SARL',
    );

    const same = applicationRow(2, { ice: atlas.ice, legalName: 'ATLAS ELECTRO S.A.R.L.', tradeName: 'Atlas Maison' });
    await insertApplication(service, same);
    proof.prove('boutique-test-2.test');
    // The register check of the merchant's own RC (the court loosely), the call to its registered number.
    const form = await verifier.open(pathOf(same.receipt));
    expect(doc(form.html).querySelector('#check-court')?.getAttribute('value')).toBe('Casablanca');
    expect(doc(form.html).querySelector('#check-number')?.getAttribute('value')).toBe('481516');
    expect(doc(form.html).querySelector('#check-phone')?.getAttribute('value')).toBe('+212522000101');
    const register = { court: 'Tribunal de commerce de CASABLANCA', number: '481 516', outcome: 'matches' };
    expect((await verifier.post(pathOf(same.receipt, 'register'), register)).status).toBe(303);
    await verifier.open(pathOf(same.receipt));
    const phone = { phone: '0522 00 01 01', phoneOutcome: 'confirmed' };
    expect((await verifier.post(pathOf(same.receipt, 'phone'), phone)).status).toBe(303);
    await verifier.open(pathOf(same.receipt));
    await verifier.post(pathOf(same.receipt, 'domain'), { domain: 'boutique-test-2.test' });
    expect((await verifier.post(pathOf(same.receipt, 'approve'), {})).status).toBe(303);
    const extended = (
      await service.registry.db
        .selectFrom('merchants')
        .select('record')
        .where('id', '=', 'atlas-electro')
        .executeTakeFirstOrThrow()
    ).record as MerchantRecord;
    expect(extended.legalName).toBe('Atlas Électro SARL');
    expect(extended.domains).toEqual(['atlas-electro.test', 'boutique-test-2.test']);
    expect(extended.tradeNames).toContain('Atlas Maison');
    expect(extended.verification).toEqual({
      at: '2026-11-27',
      by: 'Test verifier',
      methods: ['commercial-register', 'phone-call'],
    });
    expect((await applicationStatus(same.receipt)).merchant_id).toBe('atlas-electro');
    // The merchant hears of it at its registered address, in the application's language, French and Arabic.
    const notice = mailer.sent.find((message) => message.to === 'contact@atlas-electro.test');
    expect(notice?.subject).toBe(
      'Thiqa : domaines ajoutés à Atlas Électro SARL / ثقة: نطاقات أُضيفت إلى Atlas Électro SARL',
    );
    expect(notice?.text).toContain('les domaines boutique-test-2.test (nom commercial Atlas Maison');
    expect(notice?.text).toContain('أصبحت النطاقات boutique-test-2.test');
    expect(mailer.sent.map((message) => message.to)).toEqual([same.email, 'contact@atlas-electro.test']);
  });

  it('does not attach an impostor’s shop to a verified merchant whose public ICE and legal name it copied', async () => {
    const atlas = await service.registry.db
      .selectFrom('merchants')
      .selectAll()
      .where('id', '=', 'atlas-electro')
      .executeTakeFirstOrThrow();
    const record = atlas.record as MerchantRecord;
    const impostor = applicationRow(1, {
      ice: atlas.ice,
      legalName: record.legalName,
      tradeName: 'Atlas Promo',
      domains: ['atlas-promo.test'],
      phone: '0661 99 99 99',
      rcNumber: '999999',
      rcCourt: 'Oujda',
      email: 'promo@impostor.example',
    });
    await insertApplication(service, impostor);
    proof.prove('atlas-promo.test');
    const verifier = await signedInStaff(service, 'verifier');
    // The page prefills the merchant's own RC and number, and says why.
    const form = await verifier.open(pathOf(impostor.receipt));
    expect(doc(form.html).querySelector('#check-phone')?.getAttribute('value')).toBe('+212522000101');
    expect(texts(form.html, '[data-merchant-phone]')).toEqual([
      'This ICE is merchant atlas-electro’s: call its registered number (prefilled below), not the applicant’s: +212522000101',
    ]);
    expect(texts(form.html, '[data-merchant-register]')).toEqual([expect.stringContaining('RC Casablanca 481516')]);
    // A verifier who checks the applicant's own RC and calls the applicant's own number instead…
    const register = { court: 'Oujda', number: '999999', outcome: 'matches' };
    expect((await verifier.post(pathOf(impostor.receipt, 'register'), register)).status).toBe(303);
    await verifier.open(pathOf(impostor.receipt));
    const phone = { phone: '0661 99 99 99', phoneOutcome: 'confirmed' };
    expect((await verifier.post(pathOf(impostor.receipt, 'phone'), phone)).status).toBe(303);
    await verifier.open(pathOf(impostor.receipt));
    await verifier.post(pathOf(impostor.receipt, 'domain'), { domain: 'atlas-promo.test' });
    const page = await verifier.open(pathOf(impostor.receipt));
    expect(texts(page.html, '#approve-blockers li')).toEqual([
      'A register check of merchant atlas-electro’s own RC, RC Casablanca 481516: the ICE is theirs, and the last check names another entry.',
      'A call to merchant atlas-electro’s registered number, +212522000101: the ICE is theirs, and only their legal representative may add a shop to it.',
    ]);
    // …cannot approve: the verified merchant is not made to vouch for the impostor's shop.
    const approved = await verifier.post(pathOf(impostor.receipt, 'approve'), {});
    expect(approved.status).toBe(409);
    const after = (
      await service.registry.db
        .selectFrom('merchants')
        .select('record')
        .where('id', '=', 'atlas-electro')
        .executeTakeFirstOrThrow()
    ).record as MerchantRecord;
    expect(after.domains).toEqual(['atlas-electro.test']);
    expect(mailer.sent).toEqual([]);
    // The merchant's own RC in another court is not it either.
    const otherCourt = { court: 'Rabat', number: '481516', outcome: 'matches' };
    expect((await verifier.post(pathOf(impostor.receipt, 'register'), otherCourt)).status).toBe(303);
    const still = await verifier.open(pathOf(impostor.receipt));
    expect(texts(still.html, '#approve-blockers li')[0]).toContain('own RC, RC Casablanca 481516');
  });

  it('shows what an applicant typed as inert text', async () => {
    await insertApplication(
      service,
      applicationRow(1, { tradeName: '<script>alert(1)</script>', address: '<img src=x onerror=alert(1)>' }),
    );
    const verifier = await signedInStaff(service, 'verifier');
    const page = await verifier.open(pathOf('APP-TEST-0001'));
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.html).not.toContain('<img src=x');
    expect(texts(page.html, '[data-fact="trade-name"] dd bdi')).toEqual(['<script>alert(1)</script>']);
  });
});

describe('domain checks stored while others act on the application', () => {
  /** A proof checker that proves everything once `release()` is called, and says when it was asked. */
  function heldProof() {
    let release = () => {};
    let asked = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const checker: DomainProof = {
      async check(domain): Promise<DomainCheck> {
        asked();
        await gate;
        return { domain, proven: true, method: 'meta-tag', checkedAt: service.now().toISOString(), problem: null };
      },
    };
    return { checker, release, started };
  }

  it('never changes an application decided while the applicant’s check was fetching', async () => {
    const row = applicationRow(1, { receipt: 'R'.repeat(22) });
    await insertApplication(service, row);
    const held = heldProof();
    const book = new ApplicationBook({
      db: service.registry.db,
      domainProof: held.checker,
      clock: () => service.now(),
    });
    const checking = book.checkDomains(row.receipt, 'applicant');
    await held.started;
    const verifier = await signedInStaff(service, 'verifier');
    await verifier.open(pathOf(row.receipt));
    expect((await verifier.post(pathOf(row.receipt, 'refuse'), { reason: 'Pas cette boutique.' })).status).toBe(303);
    held.release();
    await expect(checking).rejects.toThrow('the application is already refused');
    const stored = await applicationStatus(row.receipt);
    expect([stored.status, stored.domain_checks]).toEqual(['refused', {}]);
    expect((await auditOf(row.receipt)).filter((line) => line.actor === 'applicant')).toEqual([]);
  });

  it('keeps both of two checks of two domains stored at once', async () => {
    const row = applicationRow(1, { domains: ['boutique-test-1.test', 'boutique-test-1b.test'] });
    await insertApplication(service, row);
    proof.prove('boutique-test-1b.test');
    const application = await findApplication(service.registry.db, row.receipt);
    if (!application) throw new Error('no application');
    const held = heldProof();
    const now = () => service.now();
    const first = checkDomainsNow(service.registry.db, held.checker, application, ['boutique-test-1.test'], 'a', now, {
      startReview: true,
    });
    await held.started;
    const second = checkDomainsNow(service.registry.db, proof, application, ['boutique-test-1b.test'], 'b', now, {
      startReview: true,
    });
    expect(await second).toBe('recorded');
    held.release();
    expect(await first).toBe('recorded');
    const stored = (await findApplication(service.registry.db, row.receipt))?.domainChecks ?? {};
    expect(Object.fromEntries(Object.entries(stored).map(([domain, check]) => [domain, check.method]))).toEqual({
      'boutique-test-1.test': 'meta-tag',
      'boutique-test-1b.test': 'well-known',
    });
  });
});
