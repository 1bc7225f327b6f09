import { type Kysely, sql } from 'kysely';
import type { MerchantStatus } from '../../src/directory/schemas.ts';
import type { Database } from '../db/tables.ts';

// When each merchant's status last changed, as the registry recorded it (import-write.ts
// moves the date when an import changes the status). The directory files do not carry it:
// their schema is frozen for the extensions already installed.

export interface StatusSince {
  status: MerchantStatus;
  /** ISO instant, or null for a merchant imported before the date was kept. */
  since: string | null;
}

/** Every merchant's status and the date it took it, in one query. */
export async function loadStatusSince(db: Kysely<Database>): Promise<Map<string, StatusSince>> {
  const rows = await db
    .selectFrom('merchants')
    .select(['id', 'status_since', sql<string>`record->>'status'`.as('status')])
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        status: row.status as MerchantStatus,
        since: row.status_since === null ? null : new Date(row.status_since).toISOString(),
      },
    ]),
  );
}
