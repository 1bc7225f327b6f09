import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { canonicalJson } from '../../src/directory/bytes.ts';
import type { ImitationTarget } from '../../src/directory/lookalike.ts';
import { LOOKALIKE_TARGETS_PER_INDEX, lookalikeWarnings, MAX_LOOKALIKE_CHECKED_DOMAINS } from './import-lookalikes.ts';
import { type ImportProblem, type MerchantRecord, mapRow, type Row } from './import-map.ts';
import {
  type GoodRow,
  ImportPlanner,
  type ImportResult,
  merchantsToFetch,
  type RegistryMerchants,
} from './import-plan.ts';
import { ImportFileError } from './import-read.ts';

// The planning half of an import, batch by batch: rows → records (zod, import-map.ts) →
// the plan against the registry (import-plan.ts) → the look-alike check. The changed
// records go to a spool file, one JSON line each, for the writer (import-write.ts) to
// read back once the plan says the import goes ahead. Nothing here writes to the
// database: it runs in the service's thread (thiqa import) or in a worker thread (the
// admin API), reading the registry through a RegistryReader.

/** Reads the registry a page at a time (keyset pages, in key order). */
export interface RegistryReader {
  merchantKeysAfter(after: string): Promise<Array<{ id: string; ice: string }>>;
  domainOwnersAfter(after: string): Promise<Array<{ domain: string; merchantId: string }>>;
  records(ids: string[]): Promise<MerchantRecord[]>;
}

export interface PlanOptions {
  /** The import's day (YYYY-MM-DD): no verification is dated after it. */
  today: string;
  accepting: boolean;
}

export type PlanOutcome =
  | { fileProblems: ImportProblem[] }
  | { result: ImportResult; blocked: boolean; changedCount: number };

async function compactRegistry(reader: RegistryReader) {
  const registry: RegistryMerchants = { ids: new Set(), byId: new Map(), idByIce: new Map(), ownerOfDomain: new Map() };
  const iceById = new Map<string, string>();
  for (let after = ''; ; ) {
    const page = await reader.merchantKeysAfter(after);
    if (page.length === 0) break;
    for (const { id, ice } of page) {
      registry.ids.add(id);
      registry.idByIce.set(ice, id);
      iceById.set(id, ice);
    }
    after = page.at(-1)?.id ?? after;
  }
  for (let after = ''; ; ) {
    const page = await reader.domainOwnersAfter(after);
    if (page.length === 0) break;
    for (const { domain, merchantId } of page) registry.ownerOfDomain.set(domain, merchantId);
    after = page.at(-1)?.domain ?? after;
  }
  return { registry, iceById };
}

/** Every merchant's domains after the import, a chunk at a time. */
function* targetsAfter(
  ownerOfDomain: ReadonlyMap<string, string>,
  goodIds: ReadonlySet<string>,
  good: readonly GoodRow[],
): Generator<ImitationTarget[]> {
  let chunk: ImitationTarget[] = [];
  const add = (domain: string, merchantId: string) => {
    chunk.push({ domain, merchantId });
    if (chunk.length < LOOKALIKE_TARGETS_PER_INDEX) return false;
    return true;
  };
  for (const [domain, merchantId] of ownerOfDomain) {
    if (goodIds.has(merchantId) || !add(domain, merchantId)) continue;
    yield chunk;
    chunk = [];
  }
  for (const row of good) {
    for (const domain of row.domains) {
      if (!add(domain, row.id)) continue;
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    yield item;
    // Between two indexes, let the thread answer what waits (the service's requests).
    await nextTurn();
  }
}

/** Plans the rows' import, writing the changed records to `spoolPath` (JSON lines). */
export async function planImport(
  batches: AsyncIterable<Row[]>,
  reader: RegistryReader,
  options: PlanOptions,
  spoolPath: string,
): Promise<PlanOutcome> {
  const { registry, iceById } = await compactRegistry(reader);
  const spool = createWriteStream(spoolPath);
  let changedCount = 0;
  let draining: Promise<unknown> | undefined;
  const planner = new ImportPlanner(registry, options.accepting, (record) => {
    changedCount++;
    if (!spool.write(`${JSON.stringify(record)}\n`)) draining ??= once(spool, 'drain');
  });
  try {
    for await (const batch of batches) {
      const mapped = batch.map((row) => mapRow(row, options.today));
      registry.byId.clear();
      const ids = [...merchantsToFetch(mapped, registry)];
      for (const record of ids.length > 0 ? await reader.records(ids) : []) {
        registry.byId.set(record.id, { id: record.id, record, canonical: canonicalJson(record) });
      }
      for (const candidate of mapped) planner.add(candidate);
      if (draining) await draining;
      draining = undefined;
    }
  } catch (error) {
    spool.destroy();
    if (error instanceof ImportFileError) return { fileProblems: error.problems };
    throw error;
  }
  registry.byId.clear();
  const { result, blocked, goodIds } = planner.finish();
  spool.end();
  await once(spool, 'close');

  const queries = planner.good
    .map((row) => ({ ...row, domains: row.domains.filter((domain) => registry.ownerOfDomain.get(domain) !== row.id) }))
    .filter((row) => row.domains.length > 0);
  const newDomains = queries.reduce((sum, row) => sum + row.domains.length, 0);
  if (newDomains > MAX_LOOKALIKE_CHECKED_DOMAINS) {
    result.lookalikesNotChecked = newDomains;
  } else if (queries.length > 0) {
    const iceAfter = new Map(planner.good.map((row) => [row.id, row.ice]));
    result.warnings = await lookalikeWarnings(
      queries,
      asAsync(targetsAfter(registry.ownerOfDomain, goodIds, planner.good)),
      (id) => iceAfter.get(id) ?? iceById.get(id),
    );
  }
  return { result, blocked, changedCount };
}
