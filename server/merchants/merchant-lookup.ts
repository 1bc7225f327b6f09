import { type Kysely, sql } from 'kysely';
import type { MerchantStatus } from '../../src/directory/schemas.ts';
import { shopIdentity } from '../../src/directory/shop-identity.ts';
import type { Database } from '../db/tables.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import type { MerchantRecord } from './import-map.ts';

// Merchants as the console finds and reads them: a search over names, shop domains and
// ICE, one merchant with the stamp its forms carry back, and its audit history.

export const MERCHANTS_PER_PAGE = 25;
/** Audit lines shown on a merchant's page. */
export const HISTORY_LENGTH = 50;

export interface MerchantSummary {
  id: string;
  record: MerchantRecord;
  statusSince: string | null;
}

export interface MerchantQuery {
  q: string;
  status: MerchantStatus | undefined;
  page: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** Merchants whose name, shop domain or ICE holds `q`, of one status, a page at a time, by id. */
export async function findMerchants(
  db: Kysely<Database>,
  query: MerchantQuery,
): Promise<{ merchants: MerchantSummary[]; total: number }> {
  const filtered = () => {
    let select = db.selectFrom('merchants');
    if (query.status) select = select.where(sql<string>`record->>'status'`, '=', query.status);
    if (query.q !== '') {
      const pattern = `%${escapeLike(query.q)}%`;
      // A shop typed in any form (an address, an IDN) also finds it by its canonical domain.
      const domain = shopIdentity(query.q, SERVICE_PLATFORMS)?.domain ?? query.q.toLowerCase();
      const digits = query.q.replace(/\s/g, '');
      select = select.where((eb) =>
        eb.or([
          eb(sql<string>`record->>'legalName'`, 'ilike', pattern),
          eb(sql<string>`record->>'tradeNames'`, 'ilike', pattern),
          eb('merchants.id', 'like', `%${escapeLike(query.q.toLowerCase())}%`),
          eb('ice', 'like', `%${escapeLike(digits)}%`),
          eb.exists(
            eb
              .selectFrom('merchant_domains')
              .select('merchant_domains.domain')
              .whereRef('merchant_domains.merchant_id', '=', 'merchants.id')
              .where('merchant_domains.domain', 'like', `%${escapeLike(domain)}%`),
          ),
        ]),
      );
    }
    return select;
  };
  const [rows, count] = await Promise.all([
    filtered()
      .select(['id', 'record', 'status_since'])
      .orderBy('id')
      .limit(MERCHANTS_PER_PAGE)
      .offset((query.page - 1) * MERCHANTS_PER_PAGE)
      .execute(),
    filtered()
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    merchants: rows.map((row) => ({
      id: row.id,
      record: row.record as MerchantRecord,
      statusSince: row.status_since === null ? null : new Date(row.status_since).toISOString(),
    })),
    total: Number(count.count),
  };
}

export interface MerchantView extends MerchantSummary {
  /** The record's `updated_at`, as forms carry it back. */
  stamp: string;
}

export async function loadMerchant(db: Kysely<Database>, id: string): Promise<MerchantView | undefined> {
  const row = await db
    .selectFrom('merchants')
    .select(['id', 'record', 'updated_at', 'status_since'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    record: row.record as MerchantRecord,
    stamp: new Date(row.updated_at).toISOString(),
    statusSince: row.status_since === null ? null : new Date(row.status_since).toISOString(),
  };
}

/** The audit lines about a merchant, newest first. */
export async function merchantHistory(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'action', 'detail'])
    .where('subject', '=', id)
    .orderBy('id', 'desc')
    .limit(HISTORY_LENGTH)
    .execute();
}
