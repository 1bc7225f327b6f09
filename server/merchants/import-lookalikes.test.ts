import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { readImportFile } from './import-read.ts';
import { importMerchants } from './import-write.ts';

// An import that brings a domain looking like another merchant's warns, naming both, and
// still imports; the same ICE (one company, two shops) does not warn.

const OPTIONS = { now: new Date('2026-11-27T10:00:00Z'), actor: 'test' };
const HEADER = 'domains;legal_name;ice;city;phone;status;verified_at;verified_by';
const ATLAS_ICE = iceWithCheckDigits('0015200030000');
const OTHER_ICE = iceWithCheckDigits('0099900010000');

function row(domains: string, legalName: string, ice: string): string {
  return `${domains};${legalName};${ice};Casablanca;0522000101;verified;2026-09-14;FDEC`;
}

describe('thiqa import warns of look-alike domains', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = await openTestRegistry();
  });
  afterEach(async () => registry.close());

  async function importRows(...rows: string[]) {
    const file = readImportFile('merchants.csv', [HEADER, ...rows].join('\r\n'));
    if ('problems' in file) throw new Error(JSON.stringify(file.problems));
    return importMerchants(registry.db, file.rows, OPTIONS);
  }

  it('names both merchants and their ICEs when another company brings a look-alike, and imports it', async () => {
    await importRows(row('atlas-electro.test', 'Atlas Électro SARL', ATLAS_ICE));
    const result = await importRows(
      row('atlas-electroo.test', 'Atlas Clone SARL', OTHER_ICE),
      row('dar-argan.test', 'Dar Argan SARL', iceWithCheckDigits('0026100040000')),
    );
    expect(result.written).toBe(true);
    expect(result.created).toBe(2);
    expect(result.warnings).toEqual([
      {
        line: 2,
        kind: 'lookalike',
        domain: 'atlas-electroo.test',
        merchant: 'atlas-electroo',
        ice: OTHER_ICE,
        imitates: { domain: 'atlas-electro.test', merchant: 'atlas-electro', ice: ATLAS_ICE },
        message: `atlas-electroo.test (merchant atlas-electroo, ICE ${OTHER_ICE}) looks like atlas-electro.test (merchant atlas-electro, ICE ${ATLAS_ICE}): check it is no imitation`,
      },
    ]);
  });

  it('warns within one file too, and for a brand in a longer name', async () => {
    const result = await importRows(
      row('atlas-electro.test', 'Atlas Électro SARL', ATLAS_ICE),
      row('atlas-electro-promo.ma', 'Promo SARL', OTHER_ICE),
    );
    expect(result.warnings.map((warning) => [warning.domain, warning.imitates.domain])).toEqual([
      ['atlas-electro-promo.ma', 'atlas-electro.test'],
    ]);
  });

  it('does not warn for one company with two domains, nor when the same file is imported again', async () => {
    const first = await importRows(row('atlas-electro.test', 'Atlas Électro SARL', ATLAS_ICE));
    expect(first.warnings).toEqual([]);
    const second = await importRows(row('"atlas-electro.test;atlas-electro.ma"', 'Atlas Électro SARL', ATLAS_ICE));
    expect(second.updated).toBe(1);
    expect(second.warnings).toEqual([]);

    await importRows(row('atlas-electr0.test', 'Atlas Clone SARL', OTHER_ICE));
    const again = await importRows(row('atlas-electr0.test', 'Atlas Clone SARL', OTHER_ICE));
    expect(again.unchanged).toBe(1);
    expect(again.warnings).toEqual([]); // warned once, when the domain came in
  });
});
