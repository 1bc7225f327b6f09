import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { DEFAULT_POLICY, type FlaggedDomain } from '../../src/directory/schemas.ts';
import type { Database } from '../db/tables.ts';
import { ServiceError } from '../http/service-error.ts';
import { answerRecordsByMerchant, complaintCountsByDomain, SERVICE_PLATFORMS } from './directory-state.ts';
import type { BuildInput } from './publication-build.ts';

// The registry read for a publish without one huge select: the small tables whole, the
// merchants in pages by id (keyset, on the primary key's index), each record as the
// database's JSON text, which the publish worker parses off the event loop.

/**
 * Merchants a page holds. On PGlite a query runs to its end on the service's thread
 * (WebAssembly, synchronous), so a page is what one read holds every request up by: about
 * 250 records (some 150 KB of JSON) keeps that to a few milliseconds. On PostgreSQL the
 * server does the work and the thread only decodes rows; larger pages cost fewer round trips.
 */
export const MERCHANT_PAGE = { embedded: 250, server: 2_000 } as const;

/** What the worker needs besides the merchants. */
export async function publishInputs(db: Kysely<Database>, version: number, publishedAt: string): Promise<BuildInput> {
  const counts = await complaintCountsByDomain(db);
  const answers = await answerRecordsByMerchant(db);
  const flagged = await db.selectFrom('flagged_domains').select(['domain', 'reason', 'since', 'summary']).execute();
  return {
    version,
    publishedAt,
    policy: DEFAULT_POLICY,
    platforms: [...SERVICE_PLATFORMS],
    complaintCounts: [...counts.entries()],
    answerRecords: [...answers.entries()],
    flagged: flagged as FlaggedDomain[],
  };
}

async function* pagesOf(db: Kysely<Database>, pageSize: number): AsyncGenerator<string[]> {
  let after: string | undefined;
  for (;;) {
    let query = db
      .selectFrom('merchants')
      .select(['id', sql<string>`record::text`.as('record')])
      .orderBy('id')
      .limit(pageSize);
    if (after !== undefined) query = query.where('id', '>', after);
    const rows = await query.execute();
    if (rows.length > 0) yield rows.map((row) => row.record);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]?.id;
  }
}

/**
 * Changes whenever a statement writes merchants (added, changed or removed): the last number
 * the merchants' trigger took from its sequence (migration 0008). One row, where counting
 * the table was a scan of every merchant.
 */
async function merchantsFingerprint(db: Kysely<Database>): Promise<string> {
  const row = await sql<{ last: string }>`select last_value::text as last from merchants_changes`.execute(db);
  const last = row.rows[0]?.last;
  if (last === undefined) throw new Error('the merchants_changes sequence cannot be read');
  return last;
}

const embedded = new WeakMap<object, Promise<boolean>>();

/** PGlite is one connection: a transaction held for a whole read would hold up every request. */
function isEmbedded(db: Kysely<Database>): Promise<boolean> {
  let known = embedded.get(db);
  if (!known) {
    known = sql<{ version: string }>`select version()`
      .execute(db)
      .then((result) => /PGlite/.test(result.rows[0]?.version ?? ''));
    embedded.set(db, known);
  }
  return known;
}

/**
 * Hands every merchant record to `take`, page by page, all as of one moment. On
 * PostgreSQL the pages are read in one repeatable-read transaction. On PGlite they are
 * read one query at a time, so that reports are taken between them, and a merchant
 * written meanwhile (an import) makes the publish stop with a conflict rather than sign
 * a mix of before and after.
 */
export async function readMerchantPages(
  db: Kysely<Database>,
  take: (texts: string[]) => Promise<void>,
  pageSize?: number,
): Promise<void> {
  if (!(await isEmbedded(db))) {
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        for await (const page of pagesOf(trx, pageSize ?? MERCHANT_PAGE.server)) await take(page);
      });
    return;
  }
  const before = await merchantsFingerprint(db);
  // Between pages the connection is free, and after a yield the requests that came in
  // meanwhile have queued their queries ahead of the next page's.
  for await (const page of pagesOf(db, pageSize ?? MERCHANT_PAGE.embedded)) {
    await take(page);
    await nextTurn();
  }
  if ((await merchantsFingerprint(db)) !== before) {
    throw new ServiceError('conflict', 'merchants changed while the directory was being published; publish again');
  }
}
