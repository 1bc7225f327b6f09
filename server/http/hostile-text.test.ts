import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { testMerchant } from '../../test/support/test-directory.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { currentDirectoryState } from '../directory/directory-state.ts';
import { publicDirectoryDir, publishDirectory } from '../directory/publisher.ts';
import { generateKeyFile, loadSigningKeys } from '../directory/signing-keys.ts';
import { readImportFile } from '../merchants/import-read.ts';
import { importMerchants } from '../merchants/import-write.ts';

// Text the text policy refuses (controls, bidi controls, separators, invisible characters;
// src/directory/text-policy.ts) and names over 300 characters must be stopped where they
// enter, and a registry that holds them anyway must not be published: extensions would
// refuse the file, or show a name that lies.

const NOW = new Date('2026-11-27T10:00:00Z');

describe('hostile text in the registry', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await openTestService();
    await generateKeyFile(service.dataDir);
  });
  afterEach(async () => service.close());

  const publish = async () =>
    publishDirectory(service.registry.db, {
      dataDir: service.dataDir,
      keys: await loadSigningKeys(service.dataDir),
      now: NOW,
      actor: 'test',
    });

  // These used to be accepted, and then every publish failed (500) until the flag was changed.
  it.each([
    ['a line break', 'Encaisse\net ne livre jamais', 'contains U+000A LINE FEED at character 9'],
    ['a right-to-left override', 'Shop \u202egnp.exe', 'contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6'],
    ['a bidi isolate', 'Avis \u2067caché\u2069 ici', 'contains U+2067 RIGHT-TO-LEFT ISOLATE at character 6'],
    ['a NUL character', 'Encaisse\u0000 et ne livre jamais', 'contains U+0000 NULL at character 9'],
    ['a zero-width space', 'Encaisse\u200b et ne livre jamais', 'contains U+200B ZERO WIDTH SPACE at character 9'],
  ])('refuses a flag summary with %s, and publishing goes on', async (_name, summary, message) => {
    const refused = await service.admin('PUT', '/v1/admin/flags/fake-shop.ma', { reason: 'fraud', summary });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toContainEqual({ field: 'summary', message });
    const flagged = await service.admin('PUT', '/v1/admin/flags/fake-shop.ma', {
      reason: 'fraud',
      summary: 'Encaisse et ne livre jamais',
    });
    expect(flagged.status).toBe(200);
    expect((await service.admin('POST', '/v1/admin/publish')).status).toBe(200);
  });

  it.each([
    ['a right-to-left override in the legal name', { legalName: 'Evil \u202eemaN' }],
    ['a 5,000-character trade name', { tradeNames: ['x'.repeat(5000)] }],
  ])('does not publish a registry holding %s, and the published files stay as they were', async (_name, fields) => {
    await publish();
    const manifestPath = join(publicDirectoryDir(service.dataDir), 'manifest.json');
    const before = await readFile(manifestPath, 'utf8');
    // Written past the import, as a hand edit of the database would.
    const { complaints: _complaints, ...record } = testMerchant({
      id: 'hostile',
      domains: ['hostile.test'],
      ...fields,
    });
    await service.registry.db
      .insertInto('merchants')
      .values({ id: record.id, ice: record.ice, record: JSON.stringify(record), updated_at: NOW })
      .execute();
    await expect(publish()).rejects.toThrow();
    expect(await readFile(manifestPath, 'utf8')).toBe(before);
  });
});

describe('the text policy at every way in', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await openTestService();
  });
  afterEach(async () => service.close());

  const HEADER = 'domains,legal_name,trade_name,ice,city,phone,status,verified_at,verified_by';
  const csvRow = (domain: string, legal: string, trade: string, ice: string) =>
    [domain, legal, trade, ice, 'Casablanca', '0522000000', 'verified', '2026-09-01', 'FDEC']
      .map((cell) => `"${cell.replaceAll('"', '""')}"`)
      .join(',');
  const importCsv = async (...rows: string[]) => {
    const file = readImportFile('merchants.csv', `${[HEADER, ...rows].join('\n')}\n`);
    if ('problems' in file) throw new Error(JSON.stringify(file.problems));
    return importMerchants(service.registry.db, file.rows, { now: NOW, actor: 'test' });
  };

  it.each([
    ['a zero-width space', 'legal_name', 'Atlas\u200bÉlectro SARL', 'contains U+200B ZERO WIDTH SPACE at character 6'],
    ['a line separator', 'legal_name', 'Atlas Électro\u2028SARL', 'contains U+2028 LINE SEPARATOR at character 14'],
    ['NEL (C1)', 'legal_name', 'Atlas\u0085Électro', 'contains U+0085 NEXT LINE at character 6'],
    ['CSI (C1)', 'trade_name', 'Atlas\u009b2J', 'contains U+009B CONTROL SEQUENCE INTRODUCER at character 6'],
    ['a right-to-left mark', 'trade_name', 'متجر\u200f Shop', 'contains U+200F RIGHT-TO-LEFT MARK at character 5'],
    ['an Arabic letter mark', 'legal_name', 'متجر\u061c أطلس', 'contains U+061C ARABIC LETTER MARK at character 5'],
  ])(
    'refuses a merchant name with %s at import, naming the column and the character',
    async (_what, column, name, message) => {
      const legal = column === 'legal_name' ? name : 'Atlas Électro SARL';
      const trade = column === 'trade_name' ? name : 'Atlas Électro';
      const result = await importCsv(csvRow('atlas-electro.test', legal, trade, '001520003000037'));
      expect(result.problems).toEqual([{ line: 2, column, message }]);
      expect(result.written).toBe(false);
      expect((await currentDirectoryState(service.registry.db)).merchants).toEqual([]);
    },
  );

  it('imports Arabic and Persian names with their joiners, and emoji', async () => {
    const names = [
      ['zwnj.test', 'فروشگاه می\u200cخواهم', 'نیم\u200cفاصله'],
      ['zwj.test', 'شركة ع\u200dـلامة', 'ع\u200dـلامة'],
      ['emoji.test', 'Souk Bladi SARL', 'Souk 🛒 Bladi ❤\ufe0f 👨\u200d👩\u200d👧'],
    ];
    const result = await importCsv(
      ...names.map(([domain, legal, trade], index) =>
        csvRow(
          domain as string,
          legal as string,
          trade as string,
          iceWithCheckDigits(String(3_000_000_000_000 + index)),
        ),
      ),
    );
    expect(result).toMatchObject({ created: 3, problems: [], written: true });
    const merchants = (await currentDirectoryState(service.registry.db)).merchants;
    expect(merchants.map((merchant) => [merchant.domains[0], merchant.legalName, merchant.tradeNames[0]])).toEqual(
      expect.arrayContaining(names),
    );
  });

  it('refuses a rejection reason with a right-to-left override (400 problem+json), and the shopper never sees it', async () => {
    const submitted = await service.send('POST', '/v1/reports', {
      url: 'https://fake-argan.test/',
      reason: 'fraud',
      idempotencyKey: randomUUID(),
    });
    const { receipt } = await submitted.json();
    const refused = await service.admin('POST', `/v1/admin/reports/${receipt}/reject`, {
      why: 'Aucun \u202eélément',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('Content-Type')).toBe('application/problem+json');
    expect((await refused.json()).errors).toEqual([
      { field: 'why', message: 'contains U+202E RIGHT-TO-LEFT OVERRIDE at character 7' },
    ]);
    expect(await (await service.send('GET', `/v1/reports/${receipt}`)).json()).toMatchObject({
      status: 'received',
      publicReason: null,
    });
  });

  it.each([
    ['details', { details: 'Payé\u001b[2J jamais livré' }, 'contains U+001B ESCAPE at character 5'],
    ['details', { details: 'Payé\u2028jamais livré' }, 'contains U+2028 LINE SEPARATOR at character 5'],
    ['contact', { contact: '06 12\u200b 34 56 78', consent: true }, 'contains U+200B ZERO WIDTH SPACE at character 6'],
    ['contact', { contact: 'a@b.ma\nBcc: x@y.ma', consent: true }, 'contains U+000A LINE FEED at character 7'],
    ['url', { url: 'fake-argan.test/p\u001b]52;c;SGk=\u0007' }, 'contains U+001B ESCAPE at character 18'],
  ])('refuses a report whose %s holds what the policy refuses', async (field, fields, message) => {
    const response = await service.send('POST', '/v1/reports', {
      url: 'https://fake-argan.test/',
      reason: 'fraud',
      idempotencyKey: randomUUID(),
      ...fields,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toContainEqual({ field, message });
  });

  it('keeps the line breaks of report details, CRLF read as LF', async () => {
    const submitted = await service.send('POST', '/v1/reports', {
      url: 'https://fake-argan.test/',
      reason: 'fraud',
      details: 'Payé le 3.\r\nJamais livré.\r\n',
      idempotencyKey: randomUUID(),
    });
    expect(submitted.status).toBe(201);
    const [report] = await (await service.admin('GET', '/v1/admin/reports')).json();
    expect(report.details).toBe('Payé le 3.\nJamais livré.');
  });
});
