import { describe, expect, it } from 'vitest';
import { type Candidate, type ImportProblem, mapRow } from './import-map.ts';
import { readImportFile } from './import-read.ts';

// A file as `thiqa import` reads it, row by row into merchant records or the problems
// an operator is shown (file:line: column: reason). No registry: matching is import-plan's.

const TODAY = '2026-11-27';

function mapped(name: string, content: string): Array<Candidate | ImportProblem[]> {
  const file = readImportFile(name, content);
  if ('problems' in file) throw new Error(JSON.stringify(file.problems));
  return file.rows.map((row) => mapRow(row, TODAY));
}

/** A merchant in the directory's own form, as a publication holds it. */
const PUBLISHED = {
  id: 'atlas-electro',
  legalName: 'Atlas Électro SARL',
  tradeNames: ['Atlas Électro'],
  ice: '001520003000037',
  rc: null,
  city: 'Casablanca',
  phone: '+212522000101',
  email: 'contact@atlas-electro.test',
  domains: ['atlas-electro.test'],
  social: [{ network: 'other', handle: 'souk:atlas@electro' }],
  status: 'verified',
  verification: { at: '2026-09-14', by: 'FDEC', methods: ['phone-call'] },
  labels: [
    // A reference with `:` and `@`, and an issuer of its own: the CSV label syntax has
    // room for neither, so only a direct read keeps them.
    { kind: 'other', issuer: 'Chambre de commerce', reference: 'CC:2025@Fès', issued: null, validUntil: '2027-06-30' },
    { kind: 'e-thiq', issuer: 'Label e-thiq (démo)', reference: null, issued: '2025-07-01', validUntil: null },
  ],
  complaints: { open: { 'non-delivery': 1 }, resolved: {} },
};

const publishedFile = (...merchants: unknown[]) => JSON.stringify({ merchants });

describe('merchants in the directory’s own form', () => {
  it('become the same records, labels and issuers as published, complaints left to moderation', () => {
    const { id, complaints: _complaints, ...record } = PUBLISHED;
    expect(mapped('merchants.json', publishedFile(PUBLISHED))).toEqual([{ line: 1, requestedId: id, record }]);
    // A snapshot holds them under state.
    expect(mapped('snapshot.json', JSON.stringify({ state: { merchants: [PUBLISHED] } }))).toEqual([
      { line: 1, requestedId: id, record },
    ]);
  });

  it.each([
    ['a field that fails the schema', { phone: '0522000101' }, 'phone', 'must be a phone number in E.164 form'],
    [
      'a label that fails the schema',
      { labels: [{ ...PUBLISHED.labels[1], kind: 'gold' }] },
      'labels',
      'entry 1 kind:',
    ],
    ['an unknown field', { colour: 'red' }, '(row)', 'Unrecognized key: "colour"'],
    ['a required field left out', { legalName: undefined }, 'legal_name', 'is required'],
    [
      'a lone surrogate',
      { verification: { ...PUBLISHED.verification, by: 'FD\ud800EC' } },
      'verified_by',
      'is not well-formed Unicode (a lone surrogate)',
    ],
    [
      'a subdomain',
      { domains: ['boutique.atlas-electro.test'] },
      'domains',
      'boutique.atlas-electro.test is a subdomain: the shop is atlas-electro.test',
    ],
    [
      'a verification after the import',
      { verification: { ...PUBLISHED.verification, at: '2027-01-05' } },
      'verified_at',
      '2027-01-05 is in the future',
    ],
  ])('are refused with %s, naming the column', (_what, change, column, message) => {
    const [good, refused] = mapped('merchants.json', publishedFile(PUBLISHED, { ...PUBLISHED, ...change }));
    expect(good).toMatchObject({ line: 1, requestedId: 'atlas-electro' });
    expect(refused).toEqual([{ line: 2, column, message: expect.stringContaining(message) }]);
  });

  it('take a shop’s www. name as the shop', () => {
    const [candidate] = mapped('merchants.json', publishedFile({ ...PUBLISHED, domains: ['www.atlas-electro.test'] }));
    expect(candidate).toMatchObject({ record: { domains: ['atlas-electro.test'] } });
  });

  it('are refused whole when not an object', () => {
    expect(mapped('merchants.json', publishedFile('atlas-electro'))).toEqual([
      [{ line: 1, column: '(row)', message: 'not a merchant record' }],
    ]);
  });
});

describe('rows of text', () => {
  const HEADER =
    'domains;legal_name;trade_name;trade_names;ice;city;phone;email;status;verified_at;verified_by;labels;social;instagram';
  const row = (cells: Record<string, string>) => {
    const values: Record<string, string> = {
      domains: 'https://WWW.Souk-Bladi.test/panier',
      legal_name: 'Souk Bladi SARL',
      trade_name: 'Souk Bladi',
      trade_names: 'سوق بلادي',
      ice: '003 000 000 000 044',
      city: 'Fès',
      phone: '0661-00 00 00',
      email: 'Contact@Souk-Bladi.test',
      status: 'Verified',
      verified_at: '2026-03-01',
      verified_by: 'FDEC',
      labels: 'other:REF-1@2027-01-01',
      social: 'facebook:soukbladi',
      instagram: '@souk.bladi',
      ...cells,
    };
    return `${HEADER}\n${HEADER.split(';')
      .map((header) => values[header])
      .join(';')}\n`;
  };

  it('fill a record through the column table', () => {
    expect(mapped('rows.csv', row({}))).toEqual([
      {
        line: 2,
        requestedId: undefined,
        record: {
          legalName: 'Souk Bladi SARL',
          tradeNames: ['Souk Bladi', 'سوق بلادي'],
          ice: '003000000000044',
          rc: null,
          city: 'Fès',
          phone: '+212661000000',
          email: 'contact@souk-bladi.test',
          domains: ['souk-bladi.test'],
          social: [
            { network: 'facebook', handle: 'soukbladi' },
            // Canonical, so the directory's key is the one the extension reads off the address.
            { network: 'instagram', handle: 'souk.bladi' },
          ],
          status: 'verified',
          verification: { at: '2026-03-01', by: 'FDEC', methods: ['commercial-register'] },
          labels: [{ kind: 'other', issuer: 'FDEC', reference: 'REF-1', issued: null, validUntil: '2027-01-01' }],
        },
      },
    ]);
  });

  it('canonicalises social handles and numbers', () => {
    const [entry] = mapped(
      'rows.csv',
      row({
        social:
          '"whatsapp:06 61 00 00 00; tiktok:@Souk.Bladi; facebook:https://m.facebook.com/profile.php?id=100089123456789"',
        instagram: 'https://www.instagram.com/Souk.Bladi/',
      }),
    );
    expect(entry).toMatchObject({
      record: {
        social: [
          { network: 'whatsapp', handle: '+212661000000' },
          { network: 'tiktok', handle: '@souk.bladi' },
          { network: 'facebook', handle: '100089123456789' },
          { network: 'instagram', handle: 'souk.bladi' },
        ],
      },
    });
  });

  it.each([
    [
      { city: ' ', phone: '' },
      [
        ['city', 'is required'],
        ['phone', 'is required'],
      ],
    ],
    [
      { labels: 'gold' },
      [['labels', 'label kind "gold" is not one of e-thiq, cndp, cmi-payment, fnem-member, other, cmi, fnem']],
    ],
    [
      { social: 'mastodon' },
      [
        [
          'social',
          '"mastodon" is not network:handle (facebook, instagram, tiktok, whatsapp, youtube, x, snapchat, other)',
        ],
      ],
    ],
    [
      { labels: 'cndp:D-W-903' },
      [['labels', 'entry 1 reference: a CNDP declaration needs a reference like D-W-903/2024']],
    ],
    [
      { social: 'whatsapp:0612', instagram: 'souk bladi' },
      [
        ['social', '"0612" is not a valid WhatsApp number (write it as +212 6XX XX XX XX or 06XX XX XX XX)'],
        ['instagram', '"souk bladi" is not a valid instagram profile name or address'],
      ],
    ],
    [
      { social: 'facebook:https://www.facebook.com/groups/123456' },
      [['social', '"https://www.facebook.com/groups/123456" is not a valid facebook profile name or address']],
    ],
    [
      { domains: '"souk-bladi.test; https://www.instagram.com/souk.bladi"' },
      [
        [
          'domains',
          'https://www.instagram.com/souk.bladi is a social profile, not a shop domain: put it in the social column',
        ],
      ],
    ],
    [{ trade_names: 'Souk\u200fBladi' }, [['trade_name', 'contains U+200F RIGHT-TO-LEFT MARK at character 5']]],
  ])('name the column at fault: %j', (cells, problems) => {
    expect(mapped('rows.csv', row(cells))).toEqual([
      problems.map(([column, message]) => ({ line: 2, column, message })),
    ]);
  });
});
