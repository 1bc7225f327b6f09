import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { DEFAULT_POLICY, type FlaggedDomain } from '../../src/directory/schemas.ts';
import type { Database } from '../db/tables.ts';
import { ServiceError } from '../http/service-error.ts';
import { answerRecordsByMerchant, complaintCountsByDomain, SERVICE_PLATFORMS } from './directory-state.ts';
import type { BuildInput } from './publication-build.ts';
import type { KeptFile, KeptRecord, RegistryMarks } from './publish-record-cache.ts';

// The registry read for a publish without one huge select: the small tables whole, the
// merchants in pages by id (keyset, on the primary key's index), each record as the
// database's JSON text, which the publish worker parses off the event loop.

/**
 * Merchants a page holds. On PGlite a query runs to its end on the service's thread
 * (WebAssembly, synchronous), so a page is what one read holds every request up by: about
 * 250 records (some 150 KB of JSON) keeps that to a few milliseconds. On PostgreSQL the
 * server does the work and the thread only decodes rows; larger pages cost fewer round trips.
 */
export const MERCHANT_PAGE = { embedded: 250, server: 2_000, changes: 100 } as const;

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

async function* pagesOf(db: Kysely<Database>, pageSize: number): AsyncGenerator<KeptRecord[]> {
  let after: string | undefined;
  for (;;) {
    let query = db
      .selectFrom('merchants')
      .select(['id', sql<string>`record::text`.as('text')])
      .orderBy('id')
      .limit(pageSize);
    if (after !== undefined) query = query.where('id', '>', after);
    const rows = await query.execute();
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]?.id;
  }
}

/**
 * The merchants written since `change` (merchants_changes' value), in pages along their
 * numbers' index, or null once there are more than `most`: then reading everything costs
 * about the same, without holding them all.
 */
async function changedSince(
  db: Kysely<Database>,
  change: string,
  pageSize: number,
  most: number,
): Promise<KeptRecord[] | null> {
  const changed: KeptRecord[] = [];
  let after = change;
  for (;;) {
    const rows = await db
      .selectFrom('merchants')
      .select(['id', sql<string>`record::text`.as('text'), sql<string>`change::text`.as('change')])
      .where('change', '>', sql<string>`${after}::bigint`)
      .orderBy('change')
      .limit(pageSize)
      .execute();
    for (const row of rows) changed.push({ id: row.id, text: row.text });
    if (changed.length > most) return null;
    if (rows.length < pageSize) return changed;
    after = rows[rows.length - 1]?.change ?? after;
    await nextTurn();
  }
}

/**
 * Changes whenever a statement writes merchants (added, changed or removed): the last number
 * the merchants' triggers took from their sequence (migrations 0008 and 0011). One row, where
 * counting the table was a scan of every merchant.
 */
async function merchantsFingerprint(db: Kysely<Database>): Promise<string> {
  return (await registryMarks(db)).change;
}

async function registryMarks(db: Kysely<Database>): Promise<RegistryMarks> {
  const row = await sql<RegistryMarks>`
    select (select last_value::text from merchants_changes) as change,
      (select last_value::text from merchant_removals) as removals`.execute(db);
  const marks = row.rows[0];
  if (!marks?.change || !marks.removals) throw new Error('the merchants_changes sequence cannot be read');
  return marks;
}

const embedded = new WeakMap<object, Promise<boolean>>();

/** PGlite is one connection: a transaction held for a whole read would hold up every request. */
export function isEmbedded(db: Kysely<Database>): Promise<boolean> {
  let known = embedded.get(db);
  if (!known) {
    known = sql<{ version: string }>`select version()`
      .execute(db)
      .then((result) => /PGlite/.test(result.rows[0]?.version ?? ''));
    embedded.set(db, known);
  }
  return known;
}

/** How a publish's read went: from the database alone, or the kept records and what changed since. */
export interface MerchantRead {
  read: 'all' | 'changes';
  fromDatabase: number;
  fromKept: number;
  /** On PGlite, the marks as of which the read holds every merchant (to keep its records by). */
  marks: RegistryMarks | null;
}

/** Where a read hands the merchants (a publish's build: publish-thread.ts). */
export interface MerchantSink {
  addMerchants(records: KeptRecord[]): Promise<void>;
  addKept(kept: KeptFile, changed: KeptRecord[]): Promise<number | false>;
}

export interface ReadOptions {
  /** Merchants a database page holds (MERCHANT_PAGE by default). */
  pageSize?: number;
  /**
   * On PGlite, the records the last publish kept (publish-record-cache.ts): only the merchants
   * written since are read from the database. Ignored on PostgreSQL, where the server reads
   * the pages and the service's thread only decodes them.
   */
  kept?: KeptFile | null;
}

/**
 * Hands every merchant record to `sink`, page by page, all as of one moment. On
 * PostgreSQL the pages are read in one repeatable-read transaction. On PGlite they are
 * read one query at a time, so that reports are taken between them, and a merchant
 * written meanwhile (an import) makes the publish stop with a conflict rather than sign
 * a mix of before and after. With `kept`, PGlite reads only the merchants written since
 * those records were read, and the build takes the rest from their file.
 */
export async function readMerchantPages(
  db: Kysely<Database>,
  sink: MerchantSink,
  options: ReadOptions = {},
): Promise<MerchantRead> {
  if (!(await isEmbedded(db))) {
    let fromDatabase = 0;
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        for await (const page of pagesOf(trx, options.pageSize ?? MERCHANT_PAGE.server)) {
          fromDatabase += page.length;
          await sink.addMerchants(page);
        }
      });
    return { read: 'all', fromDatabase, fromKept: 0, marks: null };
  }
  const pageSize = options.pageSize ?? MERCHANT_PAGE.embedded;
  const marks = await registryMarks(db);
  const { kept } = options;
  let read: MerchantRead | undefined;
  if (kept && kept.removals === marks.removals) {
    const most = Math.min(50_000, Math.max(1_000, Math.floor(kept.count / 4)));
    // Merchants written since lie anywhere in the table, a heap page each: 250 of them took
    // 12–21 ms on PGlite at 100k merchants, where 250 in id order take 4–8 ms.
    const changed = await changedSince(db, kept.change, options.pageSize ?? MERCHANT_PAGE.changes, most);
    const fromKept = changed ? await sink.addKept(kept, changed) : false;
    if (changed && fromKept !== false) read = { read: 'changes', fromDatabase: changed.length, fromKept, marks };
  }
  if (!read) {
    let fromDatabase = 0;
    // Between pages the connection is free, and after a yield the requests that came in
    // meanwhile have queued their queries ahead of the next page's.
    for await (const page of pagesOf(db, pageSize)) {
      fromDatabase += page.length;
      await sink.addMerchants(page);
      await nextTurn();
    }
    read = { read: 'all', fromDatabase, fromKept: 0, marks };
  }
  if ((await merchantsFingerprint(db)) !== marks.change) {
    throw new ServiceError('conflict', 'merchants changed while the directory was being published; publish again');
  }
  return read;
}
