import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import { listAudit } from '../db/audit-log.ts';
import type { Registry } from '../db/database.ts';
import { currentDirectoryState } from '../directory/directory-state.ts';
import { normalizePhone } from './import-columns.ts';
import type { ImportResult } from './import-plan.ts';
import { readImportFile } from './import-read.ts';
import { type ImportOptions, importMerchants } from './import-write.ts';

const NOW = new Date('2026-11-27T10:00:00Z');
const OPTIONS = { now: NOW, actor: 'test' };

// As French-locale Excel saves "CSV UTF-8": BOM, semicolons, CRLF, quotes where needed.
const FRENCH_EXCEL = `\uFEFFdomains;legal_name;trade_name;ice;rc;city;phone;email;status;verified_at;verified_by;methods;labels;instagram\r
"atlas-electro.test;www.atlas-shop.test";Atlas Électro SARL;Atlas Électro;001520003000037;RC Casablanca 481516;Casablanca;0522-00 01 01;Contact@Atlas-Electro.test;verified;2026-09-14;FDEC;"commercial-register;phone-call";"e-thiq:ETQ-2025-0042@2025-07-01..2027-06-30; cndp:D-W-903/2024@2029-01-01; cmi";@atlas.electro\r
xn----rmckc0bnc8l2a.test;شركة دار أركان ش.م.م;دار أركان;002345678000031;;Agadir;+212 528 000 202;;verified;2026-10-02;FDEC;phone-call;;\r
`;

async function importText(registry: Registry, name: string, text: string, options: Partial<ImportOptions> = {}) {
  const file = readImportFile(name, text);
  if ('problems' in file) {
    const nothing = { rows: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, conflicting: 0 };
    return { ...nothing, problems: file.problems, conflicts: [], warnings: [], written: false } satisfies ImportResult;
  }
  return importMerchants(registry.db, file.rows, { ...OPTIONS, ...options });
}

describe('thiqa import', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = await openTestRegistry();
  });
  afterEach(async () => registry.close());

  it('names a JSON row holding a lone surrogate instead of crashing, and writes nothing', async () => {
    // `\ud800` is valid JSON and a valid JavaScript string, but PostgreSQL's jsonb refuses it.
    const json = JSON.stringify([
      {
        domains: 'good-shop.test',
        legal_name: 'Good Shop SARL',
        ice: '003000000000044',
        city: 'Rabat',
        phone: '0537000000',
        status: 'verified',
        verified_at: '2026-01-05',
        verified_by: 'FDEC',
      },
      {
        domains: 'lone.test',
        legal_name: 'Shop \ud800 name',
        ice: '001520003000037',
        city: 'Rabat',
        phone: '0537000000',
        status: 'verified',
        verified_at: '2026-01-05',
        verified_by: 'FDEC',
      },
    ]);
    expect(json).toContain('\\ud800');
    const result = await importText(registry, 'merchants.json', json);
    expect(result.problems).toEqual([
      { line: 2, column: 'legal_name', message: 'is not well-formed Unicode (a lone surrogate)' },
    ]);
    expect(result.written).toBe(false);
    expect((await currentDirectoryState(registry.db)).merchants).toEqual([]);
  });

  it('reads a French Excel CSV, keeps Arabic intact, and changes nothing when imported again', async () => {
    const first = await importText(registry, 'merchants.csv', FRENCH_EXCEL);
    expect(first).toMatchObject({ rows: 2, created: 2, updated: 0, unchanged: 0, problems: [], written: true });
    const state = await currentDirectoryState(registry.db);
    expect(state.merchants.map((merchant) => merchant.id)).toEqual(['atlas-electro', 'xn----rmckc0bnc8l2a']);
    expect(state.merchants[0]).toMatchObject({
      domains: ['atlas-electro.test', 'atlas-shop.test'],
      phone: '+212522000101',
      email: 'contact@atlas-electro.test',
      verification: { at: '2026-09-14', by: 'FDEC', methods: ['commercial-register', 'phone-call'] },
      labels: [
        { kind: 'e-thiq', reference: 'ETQ-2025-0042', issued: '2025-07-01', validUntil: '2027-06-30' },
        { kind: 'cndp', issuer: 'CNDP', reference: 'D-W-903/2024', validUntil: '2029-01-01' },
        { kind: 'cmi-payment', issuer: 'CMI', reference: null, validUntil: null },
      ],
      social: [{ network: 'instagram', handle: 'atlas.electro' }],
    });
    expect(state.merchants[1]).toMatchObject({ legalName: 'شركة دار أركان ش.م.م', tradeNames: ['دار أركان'] });

    const again = await importText(registry, 'merchants.csv', FRENCH_EXCEL);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2, written: true });
    expect(await currentDirectoryState(registry.db)).toEqual(state);
  });

  it('updates a merchant found by ICE', async () => {
    await importText(registry, 'merchants.csv', FRENCH_EXCEL);
    const moved = FRENCH_EXCEL.replace(';Agadir;', ';Taroudant;').replace(
      ';verified;2026-10-02;',
      ';suspended;2026-10-02;',
    );
    const result = await importText(registry, 'merchants.csv', moved);
    expect(result).toMatchObject({ created: 0, updated: 1, unchanged: 1, conflicts: [], written: true });
    const state = await currentDirectoryState(registry.db);
    expect(state.merchants[1]).toMatchObject({ city: 'Taroudant', ice: '002345678000031', status: 'suspended' });
  });

  it('refuses a row that gives a merchant and its domain another ICE, naming both, until accepted', async () => {
    await importText(registry, 'merchants.csv', FRENCH_EXCEL);
    const before = await currentDirectoryState(registry.db);
    const impostor = FRENCH_EXCEL.replace('شركة دار أركان ش.م.م', 'Arkane Trading SARL').replace(
      '002345678000031',
      '002345678000128',
    );
    const registrySide = {
      merchant: 'xn----rmckc0bnc8l2a',
      legalName: 'شركة دار أركان ش.م.م',
      ice: '002345678000031',
      status: 'verified',
      domains: ['xn----rmckc0bnc8l2a.test'],
    };
    const fileSide = { ...registrySide, legalName: 'Arkane Trading SARL', ice: '002345678000128' };
    const conflict = {
      line: 3,
      kind: 'legal-entity-change',
      domains: ['xn----rmckc0bnc8l2a.test'],
      registry: registrySide,
      file: fileSide,
      message:
        'merchant xn----rmckc0bnc8l2a holds xn----rmckc0bnc8l2a.test: its legal entity would change from ICE 002345678000031 (شركة دار أركان ش.م.م) to ICE 002345678000128 (Arkane Trading SARL)',
      accepted: false,
    };
    for (const options of [{ dryRun: true }, {}]) {
      const refused = await importText(registry, 'merchants.csv', impostor, options);
      expect(refused).toMatchObject({ updated: 0, unchanged: 1, skipped: 0, conflicting: 1, problems: [] });
      expect(refused.written).toBe(false);
      expect(refused.conflicts).toEqual([conflict]);
    }
    expect(await currentDirectoryState(registry.db)).toEqual(before);

    const accepted = await importText(registry, 'merchants.csv', impostor, { acceptConflicts: true, actor: 'amina' });
    expect(accepted).toMatchObject({ updated: 1, unchanged: 1, conflicting: 0, written: true });
    expect(accepted.conflicts).toEqual([{ ...conflict, accepted: true }]);
    expect((await currentDirectoryState(registry.db)).merchants[1]).toMatchObject({
      id: 'xn----rmckc0bnc8l2a',
      ice: '002345678000128',
      legalName: 'Arkane Trading SARL',
    });
    const audit = await listAudit(registry.db, 10);
    expect(audit.filter((entry) => entry.action === 'merchants.import-conflict')).toEqual([
      {
        at: NOW.toISOString(),
        actor: 'amina',
        action: 'merchants.import-conflict',
        subject: 'xn----rmckc0bnc8l2a',
        detail: {
          kind: 'legal-entity-change',
          line: 3,
          domains: ['xn----rmckc0bnc8l2a.test'],
          from: registrySide,
          to: fileSide,
        },
      },
    ]);
  });

  it('moves a domain from one merchant to another only when accepted, and never empties a merchant', async () => {
    await importText(registry, 'merchants.csv', FRENCH_EXCEL);
    const header = FRENCH_EXCEL.split('\r\n')[0] as string;
    // Dar Arkane's own ICE, with one of Atlas Électro's two domains.
    const taking = (domains: string) =>
      `${header}\r\n"${domains}";شركة دار أركان ش.م.م;دار أركان;002345678000031;;Agadir;+212 528 000 202;;verified;2026-10-02;FDEC;phone-call;;\r\n`;
    const refused = await importText(registry, 'take.csv', taking('xn----rmckc0bnc8l2a.test;atlas-shop.test'));
    expect(refused).toMatchObject({ written: false, conflicting: 1, problems: [] });
    expect(refused.conflicts).toMatchObject([
      {
        line: 2,
        kind: 'domain-transfer',
        domains: ['atlas-shop.test'],
        registry: { merchant: 'atlas-electro', ice: '001520003000037', legalName: 'Atlas Électro SARL' },
        file: { merchant: 'xn----rmckc0bnc8l2a', ice: '002345678000031', legalName: 'شركة دار أركان ش.م.م' },
        message:
          'atlas-shop.test would move from merchant atlas-electro (ICE 001520003000037, Atlas Électro SARL) to merchant xn----rmckc0bnc8l2a (ICE 002345678000031, شركة دار أركان ش.م.م)',
      },
    ]);

    const all = await importText(registry, 'take.csv', taking('atlas-electro.test;atlas-shop.test'), {
      acceptConflicts: true,
    });
    expect(all).toMatchObject({ written: false, conflicts: [] });
    expect(all.problems).toEqual([
      {
        line: 2,
        column: 'domains',
        message: 'taking atlas-electro.test, atlas-shop.test would leave merchant atlas-electro without a domain',
      },
    ]);

    const moved = await importText(registry, 'take.csv', taking('xn----rmckc0bnc8l2a.test;atlas-shop.test'), {
      acceptConflicts: true,
    });
    expect(moved).toMatchObject({
      updated: 1,
      written: true,
      conflicts: [{ kind: 'domain-transfer', accepted: true }],
    });
    const state = await currentDirectoryState(registry.db);
    expect(state.merchants.map((merchant) => [merchant.id, merchant.domains])).toEqual([
      ['atlas-electro', ['atlas-electro.test']],
      ['xn----rmckc0bnc8l2a', ['xn----rmckc0bnc8l2a.test', 'atlas-shop.test']],
    ]);
    expect(await importText(registry, 'take.csv', taking('xn----rmckc0bnc8l2a.test;atlas-shop.test'))).toMatchObject({
      unchanged: 1,
      conflicts: [],
      written: true,
    });
  });

  it.each([
    ['suspended', 'verified', true],
    ['revoked', 'verified', true],
    ['revoked', 'suspended', true],
    ['suspended', 'revoked', false],
    ['verified', 'suspended', false],
    ['verified', 'revoked', false],
  ])('takes %s → %s as a conflict: %s', async (from, to, conflict) => {
    const row = (status: string) =>
      `domains,legal_name,ice,city,phone,status,verified_at,verified_by\nshop.test,Shop SARL,003000000000044,Rabat,0537000000,${status},2026-01-05,FDEC\n`;
    await importText(registry, 'before.csv', row(from));
    const result = await importText(registry, 'after.csv', row(to));
    const status = (await currentDirectoryState(registry.db)).merchants[0]?.status;
    if (conflict) {
      expect(result).toMatchObject({ updated: 0, conflicting: 1, written: false });
      expect(result.conflicts).toMatchObject([
        {
          kind: 'reinstatement',
          registry: { status: from, ice: '003000000000044' },
          file: { status: to, ice: '003000000000044' },
          message: `merchant shop (ICE 003000000000044) would go from ${from} to ${to}`,
        },
      ]);
      expect(status).toBe(from);
    } else {
      expect(result).toMatchObject({ updated: 1, conflicts: [], written: true });
      expect(status).toBe(to);
    }
  });

  it('refuses two rows that name the same merchant, one by ICE and one by domain', async () => {
    await importText(registry, 'merchants.csv', FRENCH_EXCEL);
    const csv = [
      'domains,legal_name,ice,city,phone,status,verified_at,verified_by',
      'atlas-electro.test,Atlas Nouvelle SARL,003000000000044,Rabat,0537000000,verified,2026-01-05,FDEC',
      'atlas-neuf.test,Atlas Électro SARL,001520003000037,Rabat,0537000000,verified,2026-01-05,FDEC',
    ].join('\n');
    const result = await importText(registry, 'two.csv', csv, { acceptConflicts: true, partial: true });
    expect(result.problems).toEqual([
      { line: 3, column: 'ice', message: 'merchant atlas-electro is also the one of line 2' },
    ]);
  });

  it('reports every bad row with line, column and reason, and writes nothing', async () => {
    await importText(registry, 'merchants.csv', FRENCH_EXCEL);
    const bad = [
      'domains,legal_name,ice,city,phone,status,verified_at,verified_by',
      'good-shop.test,Good Shop SARL,003000000000044,Rabat,0537000000,verified,2026-01-05,FDEC',
      'bad-ice.test,Bad ICE SARL,123456789012345,Rabat,0537000000,verified,2026-01-05,FDEC',
      'youcan.shop,Platform SARL,004000000000091,Rabat,0537000000,verified,2026-01-05,FDEC',
      'atlas-electro.test,Impostor SARL,002345678000031,Rabat,0537000000,verified,2026-01-05,FDEC',
      'future.test,Future SARL,006000000000088,Rabat,0537000000,verified,2027-01-05,FDEC',
      'status.test,Status SARL,007000000000038,Rabat,0537000000,trusted,2026-01-05,FDEC',
    ].join('\n');
    const result = await importText(registry, 'bad.csv', bad);
    expect(result.written).toBe(false);
    expect(result.problems).toEqual([
      { line: 3, column: 'ice', message: '123456789012345 is not a valid ICE (15 digits, divisible by 97)' },
      { line: 4, column: 'domains', message: 'youcan.shop is a public suffix or shop platform, not a shop' },
      { line: 6, column: 'verified_at', message: '2027-01-05 is in the future' },
      { line: 7, column: 'status', message: expect.stringContaining('verified') },
    ]);
    // Line 5 is well formed: Dar Arkane's ICE taking Atlas Électro's domain is a conflict.
    expect(result.conflicts).toMatchObject([
      { line: 5, kind: 'domain-transfer', registry: { merchant: 'atlas-electro' }, accepted: false },
    ]);
    const state = await currentDirectoryState(registry.db);
    expect(state.merchants.map((merchant) => merchant.id)).not.toContain('good-shop');

    // --partial leaves out the conflicting row as it does the bad ones.
    const partial = await importText(registry, 'bad.csv', bad, { partial: true });
    expect(partial).toMatchObject({ created: 1, skipped: 4, conflicting: 1, written: true });
    expect((await currentDirectoryState(registry.db)).merchants.find((m) => m.id === 'atlas-electro')).toEqual(
      state.merchants.find((m) => m.id === 'atlas-electro'),
    );
    expect((await currentDirectoryState(registry.db)).merchants.map((merchant) => merchant.id)).toContain('good-shop');
  });

  it('leaves a label without an issue date without one, even a label that expired before the verification', async () => {
    const csv = [
      'domains;legal_name;ice;city;phone;status;verified_at;verified_by;labels',
      'vieux-label.test;Vieux Label SARL;003000000000044;Rabat;0537000000;verified;2026-06-01;FDEC;"e-thiq@2025-01-31; cmi"',
    ].join('\n');
    const result = await importText(registry, 'labels.csv', csv);
    expect(result).toMatchObject({ created: 1, problems: [], written: true });
    const state = await currentDirectoryState(registry.db);
    expect(state.merchants[0]?.labels).toEqual([
      { kind: 'e-thiq', issuer: 'Label e-thiq', reference: null, issued: null, validUntil: '2025-01-31' },
      { kind: 'cmi-payment', issuer: 'CMI', reference: null, issued: null, validUntil: null },
    ]);
    // The directory's own JSON form comes back as the same record: no date appears on the way.
    const published = JSON.stringify({ merchants: state.merchants });
    expect(await importText(registry, 'merchants.json', published)).toMatchObject({ unchanged: 1, problems: [] });
    expect(await currentDirectoryState(registry.db)).toEqual(state);
  });

  it('names a row with more cells than the header has columns', async () => {
    const csv =
      'domains,legal_name,ice,city,phone,status,verified_at,verified_by\nshop.test,Shop, SARL,003000000000044,Rabat,0537000000,verified,2026-01-05,FDEC\n';
    const result = await importText(registry, 'cells.csv', csv);
    expect(result.problems).toEqual([{ line: 2, column: '(row)', message: '9 cells for 8 columns' }]);
  });

  it('refuses a requested id that is not a slug', async () => {
    const csv =
      'id,domains,legal_name,ice,city,phone,status,verified_at,verified_by\nBad Id!,shop.test,Shop,003000000000044,Rabat,0537000000,verified,2026-01-05,FDEC\n';
    const result = await importText(registry, 'ids.csv', csv);
    expect(result.problems).toEqual([{ line: 2, column: 'id', message: 'must be a lowercase slug' }]);
  });

  it('names unknown and missing columns on the header line', async () => {
    const result = await importText(registry, 'x.csv', 'domains;legal_name;colour\nshop.test;Shop;red\n');
    expect(result.problems).toContainEqual({ line: 1, column: 'colour', message: 'unknown column' });
    expect(result.problems).toContainEqual({ line: 1, column: 'ice', message: 'missing column' });
  });

  it('imports the merchants of a published snapshot (JSON), and again changes nothing', async () => {
    const text = await readFile(new URL('../../public/directory/snapshot.json', import.meta.url), 'utf8');
    const bundled = JSON.parse(text).state.merchants;
    const first = await importText(registry, 'snapshot.json', text);
    expect(first).toMatchObject({ created: bundled.length, problems: [] });
    const state = await currentDirectoryState(registry.db);
    // Complaint counts come from moderation, not from the import.
    expect(state.merchants.map(({ complaints: _, ...rest }) => rest)).toEqual(
      bundled.map(({ complaints: _, ...rest }: Record<string, unknown>) => rest),
    );
    expect(await importText(registry, 'snapshot.json', text)).toMatchObject({ unchanged: bundled.length });
  });

  it('reads a JSON array of rows with the CSV column names', async () => {
    const rows = [
      {
        domains: ['souk-bladi.youcan.shop'],
        legal_name: 'Souk Bladi',
        ice: '003000000000044',
        city: 'Fès',
        phone: '0661000000',
        status: 'verified',
        verified_at: '2026-03-01',
        verified_by: 'FDEC',
        methods: ['phone-call'],
      },
    ];
    const result = await importText(registry, 'rows.json', JSON.stringify(rows));
    expect(result).toMatchObject({ created: 1, problems: [] });
    expect((await currentDirectoryState(registry.db)).merchants[0]).toMatchObject({
      id: 'souk-bladi',
      phone: '+212661000000',
    });
  });
});

describe('normalizePhone', () => {
  it.each([
    ['0522-00 01 01', '+212522000101'],
    ['06.61.00.00.00', '+212661000000'],
    ['+212 528 000 202', '+212528000202'],
    ['00212 537 11 22 33', '+212537112233'],
    ['+33 1 23 45 67 89', '+33123456789'],
  ])('%s → %s', (input, e164) => {
    expect(normalizePhone(input)).toBe(e164);
  });
});
