import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMerchantRecords, newMerchant } from '../../test/support/merchant-records.ts';
import { publishAt } from '../../test/support/publish-at.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { storedOpenDataRelease } from '../opendata/open-data-release.ts';
import { generateKeyFile } from './signing-keys.ts';

// The publish worker hands the open data's merchants table over as UTF-8 pieces cut from a
// few shared buffers, each buffer moved once (publication-build.ts: OpenDataPieces). A
// registry whose table takes several pieces must publish its whole table, row for row.

const MERCHANTS = 1_200;
let registry: Registry;
let dataDir: string;

beforeAll(async () => {
  registry = await openTestRegistry();
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-publish-open-data-'));
  await generateKeyFile(dataDir);
  const merchants = Array.from({ length: MERCHANTS }, (_, index) =>
    newMerchant(index + 1, { tradeNames: [`متجر الأطلس ${index + 1}`] }),
  );
  await importMerchantRecords(registry, merchants, '2026-12-01T08:00:00Z');
}, 120_000);
afterAll(async () => {
  await registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the open data's merchants table from the publish worker", () => {
  it('is stored whole when it takes several pieces', async () => {
    const result = await publishAt(registry, dataDir, '2026-12-01T09:00:00Z', { run: 'worker' });
    expect(result.published).toBe(true);
    const stored = await storedOpenDataRelease(registry.db, 'latest');
    // More than one piece's worth of rows (OPEN_DATA_PIECE_CHARS, 64k characters).
    expect(stored?.text.length).toBeGreaterThan(2 * 65_536);
    const release = JSON.parse(stored?.text ?? '{}') as { merchants: Array<{ merchantId: string; tradeName: string }> };
    expect(release.merchants).toHaveLength(MERCHANTS);
    expect(release.merchants[0]).toMatchObject({ merchantId: 'test-shop-001', tradeName: 'متجر الأطلس 1' });
    const ids = new Set(release.merchants.map((row) => row.merchantId));
    expect(ids.size).toBe(MERCHANTS);
    expect(ids.has('test-shop-1200')).toBe(true);
  }, 120_000);
});
