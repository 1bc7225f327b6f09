import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkFileRef } from '../../src/directory/publication.ts';
import { importSigningKey, openSignedManifest } from '../../src/directory/signing.ts';
import { insertSentComplaints } from '../../test/support/answered-complaints.ts';
import { importMerchantRecords, newMerchant } from '../../test/support/merchant-records.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { FlaggedDomains } from '../flags/flagged-domains.ts';
import { readImportFile } from '../merchants/import-read.ts';
import { importMerchants } from '../merchants/import-write.ts';
import { publicDirectoryDir, publishDirectory } from './publisher.ts';

// What extensions already in shoppers' hands verify must not change with how the service
// builds it: three versions of a small registry, published with a fixed test-only key
// (Ed25519 signs deterministically), give the exact manifests the publisher wrote before
// it streamed its files from a worker thread. The manifests name every file by SHA-256
// and size, so equal manifests with files matching them mean byte-identical files.
// THIQA_WRITE_GOLDEN=1 rewrites the golden (only when the format is meant to change).

const FIXTURES = new URL('../../test/fixtures/publish-golden/', import.meta.url);
const GOLDEN = new URL('manifests.json', FIXTURES);
const BUNDLED = new URL('../../public/directory/snapshot.json', import.meta.url);

let registry: Registry;
let dataDir: string;

beforeEach(async () => {
  registry = await openTestRegistry();
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-golden-'));
});
afterEach(async () => {
  await registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The same three versions, built in the publish worker or in the publisher's thread (small registries). */
async function publishedManifests(run: 'worker' | 'in-process'): Promise<string[]> {
  const key = await importSigningKey(JSON.parse(await readFile(new URL('test-only.private.jwk', FIXTURES), 'utf8')));
  const dir = publicDirectoryDir(dataDir);
  const manifests: string[] = [];
  const publish = async (at: string) => {
    const result = await publishDirectory(registry.db, {
      dataDir,
      keys: [key],
      now: new Date(at),
      actor: 'test',
      thread: { run },
    });
    expect(result.published).toBe(true);
    const text = await readFile(join(dir, 'manifest.json'), 'utf8');
    const opened = await openSignedManifest(text, [key]);
    if (!opened.ok) throw new Error('the published manifest does not verify');
    for (const ref of [opened.manifest.snapshot, ...opened.manifest.deltas]) {
      await checkFileRef(ref, new Uint8Array(await readFile(join(dir, ref.path))));
    }
    manifests.push(text);
  };
  const flags = (at: string) => new FlaggedDomains(registry.db, () => new Date(at));

  const bundled = readImportFile('snapshot.json', await readFile(BUNDLED, 'utf8'));
  if ('problems' in bundled) throw new Error('bundled snapshot does not import');
  await importMerchants(registry.db, bundled.rows, { now: new Date('2026-11-27T09:00:00Z'), actor: 'test' });
  await importMerchantRecords(
    registry,
    Array.from({ length: 40 }, (_, n) => newMerchant(n)),
    '2026-11-27T09:00:00Z',
  );
  await flags('2026-11-27T09:30:00Z').flag('faux-hanout.test', { reason: 'fraud', summary: 'Ne livre pas.' }, 'test');
  await insertSentComplaints(
    registry.db,
    { id: 'test-shop-003', domain: 'test-shop-003.test' },
    '2026-11-20T10:00:00Z',
    [{ answeredAfterDays: 2 }, { answeredAfterDays: null, status: 'open' }],
  );
  await publish('2026-11-27T10:00:00Z');

  await importMerchantRecords(
    registry,
    Array.from({ length: 40 }, (_, n) => newMerchant(n, n % 7 === 0 ? { city: 'Essaouira' } : {})),
    '2026-11-28T09:00:00Z',
  );
  await flags('2026-11-28T09:30:00Z').flag(
    'faux-souk.test',
    { reason: 'phishing', summary: 'Imite une banque.' },
    'test',
  );
  await publish('2026-11-28T10:00:00Z');

  await importMerchantRecords(
    registry,
    [newMerchant(41), newMerchant(5, { status: 'suspended' })],
    '2026-11-29T09:00:00Z',
  );
  await flags('2026-11-29T09:30:00Z').unflag('faux-hanout.test', 'test');
  await publish('2026-11-29T10:00:00Z');
  return manifests;
}

describe('published files against the golden of the previous publisher', () => {
  it('signs byte-identical manifests naming byte-identical files, version after version (worker thread)', async () => {
    const manifests = await publishedManifests('worker');
    if (process.env.THIQA_WRITE_GOLDEN === '1') {
      await writeFile(GOLDEN, `${JSON.stringify(manifests, null, 2)}\n`);
    }
    expect(manifests).toEqual(JSON.parse(await readFile(GOLDEN, 'utf8')));
  });

  it('builds the same bytes in the publisher’s own thread, as small registries are published', async () => {
    expect(await publishedManifests('in-process')).toEqual(JSON.parse(await readFile(GOLDEN, 'utf8')));
  });
});
