import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.ts';
import type { MerchantRecord } from '../import-map.ts';

// The few facts of a merchant its desk needs: who to mail, what to call it.

export interface MerchantCard {
  id: string;
  /** The registry's contact address for the merchant, lower-cased; null when it has none. */
  email: string | null;
  legalName: string;
  /** The name shoppers know: the first trade name, else the legal name. */
  shopName: string;
}

/** Who the audit log names for what a merchant does on its desk. */
export const merchantActor = (merchantId: string) => `merchant:${merchantId}`;

export async function merchantCard(db: Kysely<Database>, merchantId: string): Promise<MerchantCard | null> {
  const row = await db.selectFrom('merchants').select(['id', 'record']).where('id', '=', merchantId).executeTakeFirst();
  if (!row) return null;
  const record = row.record as Partial<MerchantRecord>;
  const legalName = typeof record.legalName === 'string' ? record.legalName : row.id;
  return {
    id: row.id,
    email: typeof record.email === 'string' && record.email !== '' ? record.email.toLowerCase() : null,
    legalName,
    shopName: record.tradeNames?.[0] ?? legalName,
  };
}
