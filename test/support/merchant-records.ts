import { expect } from 'vitest';
import type { Registry } from '../../server/db/database.ts';
import { readImportFile } from '../../server/merchants/import-read.ts';
import { importMerchants } from '../../server/merchants/import-write.ts';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import type { Merchant, Snapshot } from '../../src/directory/schemas.ts';

// Changing the registry as publishers do: merchants in the directory's own form, through
// `thiqa import`'s reader and writer, at a given time.

export async function importMerchantRecords(
  registry: Registry,
  merchants: ReadonlyArray<Partial<Merchant>>,
  at: string,
): Promise<void> {
  const file = readImportFile('merchants.json', JSON.stringify({ merchants }));
  if ('problems' in file) throw new Error(`import file: ${JSON.stringify(file.problems)}`);
  const result = await importMerchants(registry.db, file.rows, { now: new Date(at), actor: 'test' });
  expect(result.problems).toEqual([]);
  expect(result.written).toBe(true);
}

/** One of the bundled directory's merchants, by id. */
export function bundledMerchant(bundled: Snapshot, id: string): Merchant {
  const merchant = bundled.state.merchants.find((entry) => entry.id === id);
  if (!merchant) throw new Error(`no bundled merchant ${id}`);
  return merchant;
}

/** A new verified merchant: number `n` of a test's own, with a valid ICE and its own domain. */
export function newMerchant(n: number, changes: Partial<Merchant> = {}): Partial<Merchant> {
  const id = `test-shop-${String(n).padStart(3, '0')}`;
  return {
    id,
    legalName: `Test Shop ${n} SARL`,
    tradeNames: [`Test Shop ${n}`],
    ice: iceWithCheckDigits(`0099${String(n).padStart(9, '0')}`),
    rc: null,
    city: 'Oujda',
    phone: '+212536000000',
    email: null,
    domains: [`${id}.test`],
    social: [],
    status: 'verified',
    verification: { at: '2026-10-01', by: 'FDEC', methods: ['commercial-register'] },
    labels: [],
    ...changes,
  };
}
