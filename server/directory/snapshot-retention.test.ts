import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMerchantRecords, newMerchant } from '../../test/support/merchant-records.ts';
import { publishAt } from '../../test/support/publish-at.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { KEPT_RELEASES } from '../opendata/open-data-release.ts';
import { DELTA_HISTORY, publicDirectoryDir, repairServedFiles } from './publisher.ts';
import { generateKeyFile } from './signing-keys.ts';
import { snapshotHistoryDir } from './snapshot-history.ts';

// Each version's snapshot is kept in the database for as long as a delta or a repair can
// start from it (the latest and the DELTA_HISTORY before it), then forgotten, parts and
// all: the database no longer grows by a whole snapshot with every version published.

let registry: Registry;
let dataDir: string;

beforeAll(async () => {
  registry = await openTestRegistry();
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-snapshot-retention-'));
  await generateKeyFile(dataDir);
  await importMerchantRecords(registry, [newMerchant(1), newMerchant(2), newMerchant(3)], '2026-12-01T08:00:00Z');
}, 60_000);
afterAll(async () => {
  await registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

const publish = (minute: number) => publishAt(registry, dataDir, new Date(Date.UTC(2026, 11, 1, 9, minute)));

const kept = async () =>
  (
    await registry.db
      .selectFrom('publications')
      .select(['version', 'snapshot', 'snapshot_parts'])
      .orderBy('version')
      .execute()
  ).map((row) => [row.version, row.snapshot !== null || row.snapshot_parts !== null] as const);

describe('stored snapshots', () => {
  it('are forgotten, parts and all, once no delta or repair can start from them', async () => {
    const versions = DELTA_HISTORY + 4;
    for (let minute = 1; minute <= versions; minute += 1) await publish(minute);
    const keep = DELTA_HISTORY + 1;
    expect(await kept()).toEqual(
      Array.from({ length: versions }, (_, index) => [index + 1, index + 1 > versions - keep] as const),
    );
    // No part is left that no publication or release names.
    const owners = await registry.db.selectFrom('stored_parts').select('owner').distinct().execute();
    const releases = await registry.db.selectFrom('open_data_releases').select('version').execute();
    expect(owners).toHaveLength(keep + releases.length);
  }, 120_000);

  it('still rebuild every file of the latest version, and the next version still gets all its deltas', async () => {
    const dir = publicDirectoryDir(dataDir);
    for (const name of await readdir(dir)) await rm(join(dir, name), { force: true });
    const repair = await repairServedFiles(registry.db, dataDir);
    expect(repair.unrepairable).toBeNull();
    expect(repair.restored.filter((path) => path.startsWith('delta-'))).toHaveLength(DELTA_HISTORY);
    // The kept copies of older snapshot files gone too: the deltas must start from the database.
    await rm(snapshotHistoryDir(dataDir), { recursive: true, force: true });
    const next = await publish(59);
    expect(next.published).toBe(true);
    if (!next.published) return;
    expect(next.manifest.deltas.map((delta) => delta.from)).toEqual(
      Array.from({ length: DELTA_HISTORY }, (_, index) => next.manifest.version - 1 - index),
    );
  }, 120_000);

  // PGlite has no autovacuum: the publish's own vacuum is what lets it take the space of
  // removed parts again, and the size must not move. On PostgreSQL, autovacuum and other
  // sessions also decide when a page comes back: two pages of slack there.
  it('take no more room, version after version, once the oldest are forgotten', async () => {
    const size = async () =>
      Number(
        (
          await sql<{ bytes: string }>`select pg_total_relation_size('stored_parts')::text as bytes`.execute(
            registry.db,
          )
        ).rows[0]?.bytes,
      );
    // Past the open data releases kept too, and a few versions more for the space of
    // removed parts to be cleared and taken again.
    let minute = 60;
    while ((await kept()).length < KEPT_RELEASES + 4) {
      minute += 1;
      await publish(minute);
    }
    const settled = await size();
    for (let more = 1; more <= 12; more += 1) await publish(minute + more);
    const slack = registry.engine === 'pglite' ? 0 : 2 * 8192;
    expect(await size()).toBeLessThanOrEqual(settled + slack);
  }, 120_000);
});
