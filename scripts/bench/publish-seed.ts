import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/tables.ts';
import { mapRow } from '../../server/merchants/import-map.ts';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { type MerchantRow, syntheticMerchantRows } from './synthetic-merchants.ts';

// Fills a registry with synthetic merchants for the publish bench. Rows go through the
// import's own mapping (so records are what `thiqa import` stores), then straight into
// the tables in batches: the bench measures publishing, and a million rows through the
// whole import would take longer than the publish itself.

const BATCH = 2_000;

export const benchMerchantId = (index: number) => `bench-${index.toString(36)}`;

export async function seedMerchants(
  db: Kysely<Database>,
  count: number,
  now: Date,
  change: (row: MerchantRow, index: number) => MerchantRow | null = (row) => row,
): Promise<void> {
  const today = now.toISOString().slice(0, 10);
  // Generated in slices so a million rows never sit in memory at once; the seed makes
  // each slice the same rows every run.
  for (let start = 0; start < count; start += BATCH) {
    const rows = syntheticMerchantRows(Math.min(BATCH, count - start), 20261127 + start);
    const records = rows.flatMap((row, offset) => {
      const index = start + offset;
      // Each slice restarts the generator's counter: the index makes domains and ICEs unique.
      const unique = { ...row, domains: (row.domains as string[]).map((domain) => `${index.toString(36)}-${domain}`) };
      // null: this merchant is left as it is (not written again).
      const changed = change(unique, index);
      if (changed === null) return [];
      const mapped = mapRow({ line: index + 1, values: new Map(Object.entries(changed)) }, today);
      if (Array.isArray(mapped)) throw new Error(`synthetic row refused: ${JSON.stringify(mapped[0])}`);
      const ice = iceWithCheckDigits(`77${String(index).padStart(11, '0')}`);
      return [{ ...mapped.record, id: benchMerchantId(index), ice }];
    });
    if (records.length === 0) continue;
    await db
      .insertInto('merchants')
      .values(
        records.map((record) => ({
          id: record.id,
          ice: record.ice,
          record: JSON.stringify(record),
          updated_at: now,
          status_since: now,
        })),
      )
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({ record: eb.ref('excluded.record'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
    await db
      .insertInto('merchant_domains')
      .values(records.flatMap((record) => record.domains.map((domain) => ({ domain, merchant_id: record.id }))))
      .onConflict((oc) => oc.column('domain').doNothing())
      .execute();
  }
}
