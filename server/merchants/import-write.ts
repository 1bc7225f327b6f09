import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import type { ImportProblem, MerchantRecord, Row } from './import-map.ts';
import { moveStagedMerchants } from './import-move.ts';
import { type PlanOutcome, planImport, type RegistryReader } from './import-pipeline.ts';
import type { ImportResult } from './import-plan.ts';
import { readImportRows } from './import-read.ts';

// `thiqa import`: merchants from a spreadsheet (CSV) or JSON into the registry. Every
// bad row is reported with its line, column and reason; by default nothing is written
// unless every row is good. Rows are matched to existing merchants by ICE, then by
// domain, so importing the same file again changes nothing. The rows come from
// import-read.ts, become records in import-map.ts, are planned in import-plan.ts (driven
// batch by batch by import-pipeline.ts, which spools the changed records to a file), and
// are written here: staged from the spool into a table of the import's own, a short
// statement at a time that other requests pass between, then moved into `merchants` by
// import-move.ts (set-based statements, in one transaction with the audit log on PostgreSQL,
// in batches of short transactions on PGlite). A file of any size is imported whole or not
// at all, in bounded memory. (The import's writes were one
// transaction of some 440 statements: 18-22 s for 220k merchants on PGlite, whose one
// connection every report and /healthz then waited for.)

export interface ImportOptions {
  dryRun?: boolean;
  partial?: boolean;
  /** Import conflicting rows too (`--accept-conflicts`); each conflict goes to the audit log. */
  acceptConflicts?: boolean;
  now: Date;
  actor: string;
  /** Merchants moved a transaction (import-move.ts); by default whole on PostgreSQL, batches on PGlite. */
  moveBatch?: number | 'whole';
  /** Called after each batch of the move commits (tests: a stop between two batches). */
  afterMoveBatch?: (moved: number) => Promise<void>;
}

const PAGE = 10_000;

/** The registry as the planner reads it: keyset pages, so no query holds the thread long. */
export function databaseReader(db: Kysely<Database>): RegistryReader {
  return {
    merchantKeysAfter: (after) =>
      db.selectFrom('merchants').select(['id', 'ice']).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
    domainOwnersAfter: async (after) =>
      (
        await db
          .selectFrom('merchant_domains')
          .select(['domain', 'merchant_id'])
          .where('domain', '>', after)
          .orderBy('domain')
          .limit(PAGE)
          .execute()
      ).map((row) => ({ domain: row.domain, merchantId: row.merchant_id })),
    records: async (ids) =>
      (await db.selectFrom('merchants').select('record').where('id', 'in', ids).execute()).map(
        (row) => row.record as MerchantRecord,
      ),
  };
}

/** Plans in this thread, or elsewhere (a worker thread): the spool path is where the changed records go. */
export type Planning = (spoolPath: string) => Promise<PlanOutcome>;

/** Plans, then writes unless a dry run or blocked: the whole import, given how to plan it. */
export async function runImport(
  db: Kysely<Database>,
  planning: Planning,
  options: ImportOptions,
): Promise<{ fileProblems: ImportProblem[] } | { result: ImportResult }> {
  const dir = await mkdtemp(join(tmpdir(), 'thiqa-import-'));
  try {
    const spoolPath = join(dir, 'changed.jsonl');
    const plan = await planning(spoolPath);
    if ('fileProblems' in plan) return plan;
    if (options.dryRun || (plan.blocked && !options.partial)) return { result: plan.result };
    if (plan.changedCount > 0) await writeMerchants(db, spoolPath, options, plan.result);
    plan.result.written = true;
    return { result: plan.result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const todayOf = (options: ImportOptions) => options.now.toISOString().slice(0, 10);

async function* batchesOf(rows: Row[]): AsyncGenerator<Row[]> {
  for (let start = 0; start < rows.length; start += 1_000) yield rows.slice(start, start + 1_000);
}

/** Rows already in memory (tests, the bench's publishing data). */
export async function importMerchants(
  db: Kysely<Database>,
  rows: Row[],
  options: ImportOptions,
): Promise<ImportResult> {
  const planning: Planning = (spoolPath) =>
    planImport(
      batchesOf(rows),
      databaseReader(db),
      { today: todayOf(options), accepting: options.acceptConflicts === true },
      spoolPath,
    );
  const outcome = await runImport(db, planning, options);
  if ('fileProblems' in outcome) throw new Error('rows in memory raise no file problem');
  return outcome.result;
}

/** A file as its bytes stream in, planned in this thread (`thiqa import`). */
export function importMerchantFile(
  db: Kysely<Database>,
  fileName: string,
  bytes: AsyncIterable<Uint8Array>,
  options: ImportOptions,
) {
  const planning: Planning = (spoolPath) =>
    planImport(
      readImportRows(fileName, bytes),
      databaseReader(db),
      { today: todayOf(options), accepting: options.acceptConflicts === true },
      spoolPath,
    );
  return runImport(db, planning, options);
}

/** The spooled records, a batch at a time. */
async function* spooledBatches(spoolPath: string, size: number): AsyncGenerator<MerchantRecord[]> {
  let batch: MerchantRecord[] = [];
  for await (const line of createInterface({ input: createReadStream(spoolPath), crlfDelay: Infinity })) {
    if (line === '') continue;
    batch.push(JSON.parse(line) as MerchantRecord);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Records staged per statement: each holds PGlite's one connection for a few milliseconds. */
const STAGE_BATCH = 200;
/** Every staging table's name starts so; then its creation time (base 36 ms) and a random part. */
const STAGING_PREFIX = 'import_rows_';
/** A staging table older than this was left by an import that never finished (a crash). */
const ABANDONED_AFTER_MS = 24 * 3_600_000;

/** Drops the staging tables that imports which never finished left behind. */
async function dropAbandonedStaging(db: Kysely<Database>, now: number): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = current_schema() and starts_with(tablename, ${STAGING_PREFIX})
      and tablename not in (select staging_table from import_moves)`.execute(db);
  for (const { name } of rows) {
    const created = Number.parseInt(name.slice(STAGING_PREFIX.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(created) && now - created > ABANDONED_AFTER_MS) {
      await sql`drop table if exists ${sql.table(name)}`.execute(db);
    }
  }
}

/** Stages the spooled records in a table of their own, one short statement per batch (no transaction). */
async function stageRecords(
  db: Kysely<Database>,
  table: string,
  spoolPath: string,
): Promise<{ firstIds: string[]; count: number }> {
  await sql`create table ${sql.table(table)} (id text primary key, ice text not null, record jsonb not null)`.execute(
    db,
  );
  const firstIds: string[] = [];
  let count = 0;
  for await (const batch of spooledBatches(spoolPath, STAGE_BATCH)) {
    firstIds.push(...batch.slice(0, 50 - firstIds.length).map((record) => record.id));
    const rows = batch.map((record) => sql`(${record.id}, ${record.ice}, ${JSON.stringify(record)}::jsonb)`);
    // A record spooled twice: the later one is the import's, as when they were written one
    // after the other. A row inserted, not updated, has no xmax: the count is of merchants.
    const staged = await sql<{
      fresh: boolean;
    }>`insert into ${sql.table(table)} (id, ice, record) values ${sql.join(rows)}
      on conflict (id) do update set ice = excluded.ice, record = excluded.record
      returning (xmax = 0) as fresh`.execute(db);
    count += staged.rows.filter((row) => row.fresh).length;
    // PGlite answers within the same turn of the event loop: a loop of statements would keep
    // timers and incoming requests waiting until it ends. Each batch lets them in first.
    await nextTurn();
  }
  // Statistics for the move's plans: PGlite has no autovacuum to gather them. Of the key
  // columns only, from a small sample: the move reads the records through expressions no
  // column statistics describe, and its plans are index lookups whatever the figures. A full
  // analyze sampled 30,000 rows of JSON and held PGlite's one connection, and with it the
  // service's thread, for 292 ms at 80k merchants (586 ms at 218k).
  await sql`alter table ${sql.table(table)} alter column id set statistics 10, alter column ice set statistics 10`.execute(
    db,
  );
  await sql`analyze ${sql.table(table)} (id, ice)`.execute(db);
  return { firstIds, count };
}

async function writeMerchants(
  db: Kysely<Database>,
  spoolPath: string,
  options: ImportOptions,
  result: ImportResult,
): Promise<void> {
  const table = `${STAGING_PREFIX}${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  await dropAbandonedStaging(db, Date.now());
  try {
    const { firstIds, count } = await stageRecords(db, table, spoolPath);
    await moveStagedMerchants(db, table, {
      now: options.now,
      ...(options.moveBatch === undefined ? {} : { batch: options.moveBatch }),
      ...(options.afterMoveBatch ? { afterBatch: options.afterMoveBatch } : {}),
      audit: async (trx) => {
        await recordAudit(
          trx,
          {
            actor: options.actor,
            action: 'merchants.import',
            subject: `${count} merchants`,
            detail: { created: result.created, updated: result.updated, ids: firstIds },
          },
          options.now,
        );
        // One line per accepted conflict, so that who let a domain change hands, or a revoked
        // merchant back, can be found by merchant.
        for (const conflict of result.conflicts) {
          if (!conflict.accepted) continue;
          await recordAudit(
            trx,
            {
              actor: options.actor,
              action: 'merchants.import-conflict',
              subject: conflict.registry.merchant as string,
              detail: {
                kind: conflict.kind,
                line: conflict.line,
                domains: conflict.domains,
                from: conflict.registry,
                to: conflict.file,
              },
            },
            options.now,
          );
        }
      },
    });
  } finally {
    await dropStaging(db, table);
  }
}

/** Drops an import's staging table, unless the import was decided and is not wholly moved. */
async function dropStaging(db: Kysely<Database>, table: string): Promise<void> {
  let unfinished: unknown;
  try {
    unfinished = await db
      .selectFrom('import_moves')
      .select('staging_table')
      .where('staging_table', '=', table)
      .executeTakeFirst();
  } catch {
    return; // The database is gone (the process stopping): its next opening decides.
  }
  // Decided and not wholly moved: the registry's next opening finishes it from this table.
  if (!unfinished) await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
