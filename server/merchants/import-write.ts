import { type Kysely, sql } from 'kysely';
import { canonicalJson } from '../../src/directory/bytes.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { type MerchantRecord, mapRow, type Row } from './import-map.ts';
import { type ImportResult, planImport, type RegistryMerchants } from './import-plan.ts';

// `thiqa import`: merchants from a spreadsheet (CSV) or JSON into the registry. Every
// bad row is reported with its line, column and reason; by default nothing is written
// unless every row is good. Rows are matched to existing merchants by ICE, then by
// domain, so importing the same file again changes nothing. The rows come from
// import-read.ts, become records in import-map.ts, are planned in import-plan.ts, and
// are written here in one transaction with the audit log.

export interface ImportOptions {
  dryRun?: boolean;
  partial?: boolean;
  /** Import conflicting rows too (`--accept-conflicts`); each conflict goes to the audit log. */
  acceptConflicts?: boolean;
  now: Date;
  actor: string;
}

async function registryMerchants(db: Kysely<Database>): Promise<RegistryMerchants> {
  const registry: RegistryMerchants = { byId: new Map(), idByIce: new Map(), ownerOfDomain: new Map() };
  for (const row of await db.selectFrom('merchants').select(['id', 'ice', 'record']).execute()) {
    const record = row.record as MerchantRecord;
    registry.byId.set(row.id, { id: row.id, record, canonical: canonicalJson(record) });
    registry.idByIce.set(row.ice, row.id);
  }
  for (const row of await db.selectFrom('merchant_domains').selectAll().execute()) {
    registry.ownerOfDomain.set(row.domain, row.merchant_id);
  }
  return registry;
}

export async function importMerchants(
  db: Kysely<Database>,
  rows: Row[],
  options: ImportOptions,
): Promise<ImportResult> {
  const today = options.now.toISOString().slice(0, 10);
  const mapped = rows.map((row) => mapRow(row, today));
  const plan = planImport(mapped, await registryMerchants(db), options.acceptConflicts === true);
  if (options.dryRun || (plan.blocked && !options.partial)) return plan.result;
  if (plan.changed.length > 0) await writeMerchants(db, plan.changed, options, plan.result);
  plan.result.written = true;
  return plan.result;
}

async function writeMerchants(
  db: Kysely<Database>,
  records: MerchantRecord[],
  options: ImportOptions,
  result: ImportResult,
): Promise<void> {
  const BATCH = 500;
  await db.transaction().execute(async (trx) => {
    // Every changed merchant lets go of its domains before any takes them again: a domain
    // moving between two merchants of different batches must be free when it is inserted.
    for (let start = 0; start < records.length; start += BATCH) {
      const ids = records.slice(start, start + BATCH).map((record) => record.id);
      await trx.deleteFrom('merchant_domains').where('merchant_id', 'in', ids).execute();
    }
    for (let start = 0; start < records.length; start += BATCH) {
      const batch = records.slice(start, start + BATCH);
      await trx
        .insertInto('merchants')
        .values(
          batch.map((record) => ({
            id: record.id,
            ice: record.ice,
            record: JSON.stringify(record),
            updated_at: options.now,
            status_since: options.now,
          })),
        )
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            ice: eb.ref('excluded.ice'),
            record: eb.ref('excluded.record'),
            updated_at: eb.ref('excluded.updated_at'),
            // The date of the last change of status, for the certificate page: kept while
            // the status stays, moved when an import changes it.
            status_since: sql<Date | null>`case when merchants.record->>'status' is distinct from excluded.record->>'status'
              then excluded.status_since else merchants.status_since end`,
          })),
        )
        .execute();
      await trx
        .insertInto('merchant_domains')
        .values(batch.flatMap((record) => record.domains.map((domain) => ({ domain, merchant_id: record.id }))))
        .execute();
    }
    await recordAudit(
      trx,
      {
        actor: options.actor,
        action: 'merchants.import',
        subject: `${records.length} merchants`,
        detail: { created: result.created, updated: result.updated, ids: records.slice(0, 50).map((r) => r.id) },
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
  });
}
