import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PublicKeyInfo } from '../../src/directory/signing.ts';
import { importMerchantRecords, newMerchant } from '../../test/support/merchant-records.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { loadPublishedDirectory } from './directory-source.ts';
import { type PublishOptions, publicDirectoryDir, publishDirectory } from './publisher.ts';
import { generateKeyFile, loadSigningKeys } from './signing-keys.ts';

// The publish worker thread failing: its error reaches whoever asked for the publish
// (CLI, console, admin API, schedule) in words, and the previous publication stays as it
// was, served and recorded, until a publish succeeds. These registries are small, which
// publish in the publisher's own thread (publish-thread.ts): the worker is asked for here,
// and a refused registry is tried both ways.

/** The publish scratch files this process holds open (Linux: by the descriptors' targets). */
function openScratchFiles(): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return ''; // the directory's own descriptor, closed by now
      }
    })
    .filter((target) => target.includes('.publish-scratch-'));
}

let registry: Registry;
let dataDir: string;
let publicKey: PublicKeyInfo;

beforeEach(async () => {
  registry = await openTestRegistry();
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-worker-failure-'));
  publicKey = await generateKeyFile(dataDir);
  await importMerchantRecords(registry, [newMerchant(1)], '2026-12-01T08:00:00Z');
});
afterEach(async () => {
  await registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function publish(at: string, more: Partial<PublishOptions> = {}) {
  return publishDirectory(registry.db, {
    dataDir,
    keys: await loadSigningKeys(dataDir),
    now: new Date(at),
    actor: 'test',
    ...more,
  });
}

/** What is served and recorded: the manifest's text, the folder's names, the latest version. */
async function publication() {
  const dir = publicDirectoryDir(dataDir);
  const { manifest } = await loadPublishedDirectory(dir, [publicKey]);
  const recorded = await registry.db
    .selectFrom('publications')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirstOrThrow();
  return {
    version: manifest.version,
    recorded: Number(recorded.version),
    manifest: await readFile(join(dir, 'manifest.json'), 'utf8'),
    names: (await readdir(dir)).sort(),
  };
}

describe('a publish whose worker thread fails', () => {
  it('says the worker ran out of memory, keeps version 1 served and recorded, and the next publish works', async () => {
    await publish('2026-12-01T09:00:00Z', { thread: { run: 'worker' } });
    const before = await publication();
    await importMerchantRecords(registry, [newMerchant(2)], '2026-12-01T09:30:00Z');

    await expect(
      publish('2026-12-01T10:00:00Z', { thread: { resourceLimits: { maxOldGenerationSizeMb: 2 } } }),
    ).rejects.toThrow(/publishing stopped: its worker thread ran out of memory/);
    expect(await publication()).toEqual(before);

    // A new worker takes the next publish.
    expect(await publish('2026-12-01T11:00:00Z', { thread: { run: 'worker' } })).toMatchObject({
      published: true,
      manifest: { version: 2 },
    });
  });

  it.each(['worker', 'in-process'] as const)(
    'names the merchant extensions would refuse, and publishes nothing, leaving no scratch file open (%s)',
    async (run) => {
      await publish('2026-12-01T09:00:00Z', { thread: { run } });
      const before = await publication();
      // Written around the import's checks, as a damaged or hand-edited row would be.
      const record = { ...newMerchant(3), phone: 'call us' };
      await registry.db
        .insertInto('merchants')
        .values({
          id: 'test-shop-003',
          ice: record.ice as string,
          record: JSON.stringify(record),
          updated_at: new Date(),
        })
        .execute();

      await expect(publish('2026-12-01T10:00:00Z', { thread: { run } })).rejects.toThrow(
        /the registry cannot be published: the directory state: merchant test-shop-003\.phone: must be a phone number/,
      );
      expect(await publication()).toEqual(before);
      // The merchants' scratch files (merchant-texts.ts) have no name, and both are closed.
      expect((await readdir(dataDir)).filter((name) => name.includes('scratch'))).toEqual([]);
      expect(openScratchFiles()).toEqual([]);
    },
  );
});
