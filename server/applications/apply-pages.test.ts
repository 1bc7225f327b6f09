import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { signedInStaff } from '../../test/support/console-client.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import {
  errorSummaryLinks,
  type Fields,
  type OpenForm,
  openForm,
  postForm,
  visibleText,
} from '../../test/support/portal-form-client.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { openProofShops, type ProofShops } from '../../test/support/proof-shops.ts';
import { readMail } from '../../test/support/smtp-inbox.ts';
import { applicationReceiptSchema } from './application-book.ts';
import { receiptParamSchema } from './application-review.ts';
import { PROOF_FILE_PATH } from './domain-proof.ts';

// A merchant applies from the portal with JavaScript off: the form and its errors, the
// receipt page, the mail, the domain proof through the real checker against demo shops
// on loopback (the test-only setting), and the ways another site could abuse the forms.

const GOOD_ICE = iceWithCheckDigits('0012345670001');
const goodApplication = (overrides: Fields = {}): Fields => ({
  legalName: 'Atlas Electro SARL',
  tradeName: 'Atlas Electro',
  ice: `${GOOD_ICE.slice(0, 3)} ${GOOD_ICE.slice(3)}`,
  rcNumber: '123456',
  rcCourt: 'casablanca',
  rcCourtOther: '',
  address: '12, rue Ibnou Mounir, Maârif',
  city: 'Casablanca',
  phone: '0522-00 01 01',
  email: 'contact@atlas-electro.ma',
  domains: 'https://www.atlas-electro.test/\r\ndar-argan.test\r\n',
  social: 'instagram.com/atlaselectro',
  ...overrides,
});

async function storedApplications(service: DemoService) {
  return service.registry.db.selectFrom('applications').selectAll().orderBy('created_at').execute();
}

async function audit(service: DemoService, action: string) {
  return service.registry.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();
}

const receiptOf = (location: string) => /^\/apply\/([A-Za-z0-9_-]{22})\?lang=/.exec(location)?.[1] ?? '';

describe('receipts', () => {
  it('are ones the verifier’s console opens, underscores included', () => {
    for (const receipt of ['AAAAAAAAAAAAAAAAAAAAAA', 'a_b-c_d-e_f-g_h-i_j-k_', '___________-----------']) {
      expect(applicationReceiptSchema.safeParse(receipt).success).toBe(true);
      expect(receiptParamSchema.safeParse(receipt).success).toBe(true);
    }
  });
});

describe('the application pages', () => {
  let service: DemoService;
  let shops: ProofShops;
  beforeAll(async () => {
    shops = await openProofShops();
    service = await openDemoService({ proofTestHosts: shops.testHosts('atlas-electro.test', 'dar-argan.test') });
  });
  afterAll(async () => {
    await service.close();
    await shops.close();
  });

  const apply = async (fields: Fields, from = '198.51.100.20', form?: OpenForm) => {
    const opened = form ?? (await openForm(service, '/apply?lang=en'));
    return { form: opened, response: await postForm(service, '/apply?lang=en', opened, fields, { from }) };
  };

  it('shows the form in the reader’s language, with every question labelled', async () => {
    const page = await readPortalPage(await service.send('GET', '/apply?lang=ar'));
    expect(page.status).toBe(200);
    expect([page.lang, page.dir]).toEqual(['ar', 'rtl']);
    expect(page.text('h1')).toBe('اطلب التحقق من تجارتك');
    expect(page.headers.get('Cache-Control')).toBe('no-store');
    for (const input of page.document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      expect(page.document.querySelector(`label[for="${input.getAttribute('id')}"]`)).not.toBeNull();
    }
    expect(page.texts('#apply-rcCourt option')).toContain('المحكمة التجارية بطنجة');
    expect(page.document.querySelector('footer a[href="/apply?lang=ar"]')?.textContent).toBe('التجار: اطلبوا التحقق');
  });

  it('says what is wrong at each field: a bad ICE, a bad phone, hostile text', async () => {
    const before = (await storedApplications(service)).length;
    const { response } = await apply(
      goodApplication({
        tradeName: 'Atlas\u202Etcele',
        ice: `${GOOD_ICE.slice(0, 14)}${(Number(GOOD_ICE.slice(14)) + 1) % 10}`,
        phone: '+33 1 23 45 67 89',
        domains: 'atlas-electro.test\nshop.youcan.store.\nlocalhost\nblog.atlas-electro.test',
      }),
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(errorSummaryLinks(html)).toEqual(['apply-tradeName', 'apply-ice', 'apply-phone', 'apply-domains']);
    const page = visibleText(html);
    expect(page).toContain('Remove the hidden or control character at character 6 (shown as �)');
    expect(page).toContain('This ICE’s check digits are wrong');
    expect(page).toContain('Enter a Moroccan phone number');
    expect(page).toContain('“localhost” is not a shop’s domain name.');
    expect(page).toContain('“blog.atlas-electro.test” is a subdomain: enter the shop’s domain, atlas-electro.test.');
    // The override is shown inert, never sent back as itself.
    expect(html).not.toContain('\u202E');
    expect(html).toContain('value="Atlas\uFFFDtcele"');
    expect(html).toMatch(/id="apply-ice"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="apply-ice"/);
    // What was right stays as typed.
    expect(html).toContain('value="Atlas Electro SARL"');
    expect(await storedApplications(service)).toHaveLength(before);
  });

  it('asks for every missing answer and for ICEs of the wrong length', async () => {
    const { response } = await apply({ ice: '12345' });
    expect(response.status).toBe(400);
    expect(errorSummaryLinks(await response.text())).toEqual([
      'apply-legalName',
      'apply-tradeName',
      'apply-ice',
      'apply-rcNumber',
      'apply-rcCourt',
      'apply-address',
      'apply-city',
      'apply-phone',
      'apply-email',
      'apply-domains',
    ]);
  });

  it('takes an application to a receipt page, once, and mails the applicant', async () => {
    const { form, response } = await apply(goodApplication());
    expect(response.status).toBe(303);
    const location = response.headers.get('Location') ?? '';
    const receipt = receiptOf(location);
    expect(receipt).toHaveLength(22);
    // Sent again (a double tap): the same receipt, one application, one mail.
    const again = await postForm(service, '/apply?lang=en', form, goodApplication(), { from: '198.51.100.20' });
    expect(again.headers.get('Location')).toBe(location);
    const rows = (await storedApplications(service)).filter((row) => row.receipt === receipt);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'received',
      ice: GOOD_ICE,
      phone: '+212522000101',
      rc_court: 'Tribunal de commerce de Casablanca',
      domains: ['atlas-electro.test', 'dar-argan.test'],
      social: [{ network: 'instagram', handle: 'atlaselectro' }],
      lang: 'en',
    });
    expect((await audit(service, 'application.receive')).map((entry) => entry.subject)).toContain(receipt);

    const page = await readPortalPage(await service.send('GET', location));
    expect(page.status).toBe(200);
    expect(page.headers.get('Cache-Control')).toBe('no-store');
    expect(page.headers.get('X-Robots-Tag')).toBe('noindex');
    expect(page.text('.receipt')).toBe(receipt);
    expect(page.text('[data-fact="status"] dd')).toBe('Received');
    expect(page.text('[data-fact="shop"] dd')).toBe('Atlas Electro');
    const token = rows[0]?.proof_token ?? '';
    expect(page.texts('[data-domain="atlas-electro.test"] code')).toEqual([
      `https://atlas-electro.test${PROOF_FILE_PATH}`,
      `thiqa-verification=${token}`,
      `<meta name="thiqa-verification" content="${token}">`,
    ]);
    expect(page.text('[data-domain="dar-argan.test"] .apply-check')).toBe('Not checked yet.');
    // Nothing personal beyond the trade name and the domains.
    const shown = page.document.body.textContent ?? '';
    for (const secret of ['Atlas Electro SARL', GOOD_ICE, '0522', '+212', 'contact@atlas-electro.ma', 'Maârif']) {
      expect(shown).not.toContain(secret);
    }

    const mails = await readdir(join(service.dataDir, 'mail'));
    expect(mails).toHaveLength(1);
    const { headers, text } = readMail(await readFile(join(service.dataDir, 'mail', mails[0] as string), 'utf8'));
    expect(headers.get('to')).toEqual(['contact@atlas-electro.ma']);
    expect(headers.get('subject')).toEqual(['Thiqa: your application for Atlas Electro']);
    expect(text).toContain(`http://localhost/apply/${receipt}?lang=en`);
    expect(text).toContain(`https://atlas-electro.test${PROOF_FILE_PATH}`);
    expect(text).toContain(`https://dar-argan.test${PROOF_FILE_PATH}`);
    expect(text).toContain(`thiqa-verification=${token}`);
  });

  it('checks the domains through the real checker when the applicant asks, and shows each result', async () => {
    const { response } = await apply(goodApplication({ tradeName: 'Atlas Electro Proof' }), '198.51.100.21');
    const location = response.headers.get('Location') ?? '';
    const receipt = receiptOf(location);
    const page = await readPortalPage(await service.send('GET', location));
    const line = page.texts('[data-domain="atlas-electro.test"] code')[1] ?? '';
    shops.serve('atlas-electro.test', PROOF_FILE_PATH, { body: `${line}\n` });

    const statusForm = await openForm(service, location);
    const checked = await postForm(
      service,
      `/apply/${receipt}/check?lang=en`,
      statusForm,
      {},
      { from: '198.51.100.21' },
    );
    expect(checked.status).toBe(303);
    expect(checked.headers.get('Location')).toBe(`/apply/${receipt}?checked=1&lang=en`);
    const after = await readPortalPage(await service.send('GET', checked.headers.get('Location') ?? ''));
    expect(after.text('p.notice[role="status"]')).toBe('Your domains were checked just now.');
    expect(after.text('[data-domain="atlas-electro.test"] .apply-check')).toMatch(/^Proven on .+, by the file\.$/);
    expect(after.text('[data-domain="dar-argan.test"] .apply-check')).toMatch(
      /^Not proven \(checked on .+\): we found neither the file nor the tag\.$/,
    );
    const row = (await storedApplications(service)).find((entry) => entry.receipt === receipt);
    expect(row?.domain_checks).toMatchObject({
      'atlas-electro.test': { proven: true, method: 'well-known', problem: null },
      'dar-argan.test': { proven: false, method: null, problem: 'not-found' },
    });
    const checks = await audit(service, 'application.check');
    expect(checks.find((entry) => entry.subject === receipt)).toMatchObject({
      actor: 'applicant',
      detail: {
        step: 'domain',
        domains: {
          'atlas-electro.test': { proven: true, method: 'well-known', problem: null },
          'dar-argan.test': { proven: false, method: null, problem: 'not-found' },
        },
      },
    });
  });

  it('hands the verifier what the applicant sent, and shows the applicant when review starts', async () => {
    const { response } = await apply(
      goodApplication({ tradeName: 'Atlas Electro Review', social: 'whatsapp:+212661000101\n@atlas.electro' }),
      '198.51.100.22',
    );
    const location = response.headers.get('Location') ?? '';
    const receipt = receiptOf(location);
    const verifier = await signedInStaff(service, 'verifier', 'verifier@thiqa.example.ma');
    const opened = await verifier.open(`/admin/applications/${receipt}?lang=en`);
    expect(opened.status).toBe(200);
    const text = visibleText(opened.html);
    for (const shown of [
      'Atlas Electro SARL',
      'Tribunal de commerce de Casablanca',
      'atlas-electro.test',
      '+212522000101',
    ]) {
      expect(text).toContain(shown);
    }
    const row = (await storedApplications(service)).find((entry) => entry.receipt === receipt);
    expect(row?.social).toEqual([
      { network: 'whatsapp', handle: '+212661000101' },
      { network: 'other', handle: '@atlas.electro' },
    ]);
    // Opening it changes nothing; the verifier's start button does.
    const before = await readPortalPage(await service.send('GET', location));
    expect(before.text('[data-fact="status"] dd')).toBe('Received');
    expect((await verifier.post(`/admin/applications/${receipt}/start?lang=en`, {})).status).toBe(303);
    const page = await readPortalPage(await service.send('GET', location));
    expect(page.text('[data-fact="status"] dd')).toBe('In review');
  });

  it('refuses posts from another site, on the form and on the check button', async () => {
    const before = (await storedApplications(service)).length;
    const form = await openForm(service, '/apply?lang=en');
    const crossSite = await postForm(service, '/apply?lang=en', form, goodApplication(), {
      headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    const noToken = await postForm(service, '/apply?lang=en', { ...form, token: '' }, goodApplication());
    expect(noToken.status).toBe(403);
    expect(await storedApplications(service)).toHaveLength(before);

    const receipt = (await storedApplications(service))[0]?.receipt ?? '';
    const checkForm = await openForm(service, `/apply/${receipt}?lang=en`);
    const checkedBefore = (await audit(service, 'application.check')).length;
    const forged = await postForm(
      service,
      `/apply/${receipt}/check?lang=en`,
      checkForm,
      {},
      {
        headers: { Origin: 'https://evil.example' },
      },
    );
    expect(forged.status).toBe(403);
    expect(await audit(service, 'application.check')).toHaveLength(checkedBefore);
  });

  it('answers 404 for an unknown or malformed receipt', async () => {
    for (const path of ['/apply/AAAAAAAAAAAAAAAAAAAAAA', '/apply/not-a-receipt', '/apply/%3Cscript%3E']) {
      const page = await readPortalPage(await service.send('GET', `${path}?lang=en`));
      expect(page.status).toBe(404);
      expect(page.text('h1')).toBe('Page not found');
    }
  });

  it('limits how often one connection may ask for a check', async () => {
    const receipt = (await storedApplications(service))[0]?.receipt ?? '';
    const form = await openForm(service, `/apply/${receipt}?lang=en`);
    const statuses: number[] = [];
    for (let press = 0; press < 11; press++) {
      statuses.push(
        (await postForm(service, `/apply/${receipt}/check?lang=en`, form, {}, { from: '203.0.113.9' })).status,
      );
    }
    expect(statuses.slice(0, 10).every((status) => status === 303)).toBe(true);
    const refused = await postForm(service, `/apply/${receipt}/check?lang=en`, form, {}, { from: '203.0.113.9' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(visibleText(await refused.text())).toContain('Too many checks from your connection');
  });
});
