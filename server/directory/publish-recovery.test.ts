import { mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import { checkFileRef } from '../../src/directory/publication.ts';
import type { PublicKeyInfo } from '../../src/directory/signing.ts';
import { verdictForInput } from '../../src/directory/verdict.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { loadConfig } from '../env.ts';
import { FlaggedDomains } from '../flags/flagged-domains.ts';
import { startService } from '../http/service-runner.ts';
import { loadPublishedDirectory } from './directory-source.ts';
import { type PublishResult, type PublishStep, publicDirectoryDir, publishDirectory } from './publisher.ts';
import { storedSnapshot, storedSnapshotJson } from './served-files.ts';
import { generateKeyFile, loadSigningKeys } from './signing-keys.ts';
import { storedSnapshotText } from './snapshot-history.ts';

// A publish killed at any step, then the next `publish --if-changed` or a service start:
// the served folder must equal the latest recorded publication, and a shop flagged in the
// publication that was killed must be judged danger from the files read back, as
// `thiqa check --directory` judges it.

const T0 = new Date('2026-12-01T09:00:00Z');
const T1 = new Date('2026-12-01T10:00:00Z');
const LATER = new Date('2026-12-01T11:00:00Z');
const FLAGGED = 'faux-souk.test';

let registry: Registry;
let dataDir: string;
let publicKey: PublicKeyInfo;
let dir: string;

beforeEach(async () => {
  registry = await openTestRegistry();
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-recovery-'));
  dir = publicDirectoryDir(dataDir);
  publicKey = await generateKeyFile(dataDir);
});
afterEach(async () => {
  await registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function publish(now: Date, options: { onlyIfChanged?: boolean; crashAt?: PublishStep } = {}) {
  return publishDirectory(registry.db, {
    dataDir,
    keys: await loadSigningKeys(dataDir),
    now,
    actor: 'test',
    ...(options.onlyIfChanged ? { onlyIfChanged: true } : {}),
    ...(options.crashAt
      ? {
          afterStep: (step: PublishStep) => {
            if (step === options.crashAt) throw new Error(`killed at ${step}`);
          },
        }
      : {}),
  });
}

const flag = (domain: string, now: Date) =>
  new FlaggedDomains(registry.db, () => now).flag(
    domain,
    { reason: 'fraud', summary: 'Encaisse et ne livre pas.' },
    'test',
  );

/** Version 1 published with another flag, then FLAGGED flagged: the next publish is version 2. */
async function versionOneThenFlag() {
  await flag('faux-hanout.test', T0);
  expect(await publish(T0)).toMatchObject({ published: true, manifest: { version: 1 } });
  await flag(FLAGGED, T1);
}

async function latestRecordedVersion(): Promise<number> {
  const row = await registry.db
    .selectFrom('publications')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/** What a shopper's extension or `thiqa check --directory` reads from the served folder. */
async function served() {
  const { manifest, snapshot } = await loadPublishedDirectory(dir, [publicKey]);
  for (const delta of manifest.deltas) {
    await checkFileRef(delta, new Uint8Array(await readFile(join(dir, delta.path))));
  }
  const storedManifest = await registry.db
    .selectFrom('publications')
    .select('manifest')
    .where('version', '=', manifest.version)
    .executeTakeFirstOrThrow();
  expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe(storedManifest.manifest);
  const names = (await readdir(dir)).filter((name) => name !== 'manifest.json');
  return {
    version: manifest.version,
    level: verdictForInput(FLAGGED, new DirectoryIndex(snapshot.state), LATER).verdict.level,
    names,
  };
}

async function namedByTheTwoLatestVersions(): Promise<string[]> {
  const rows = await registry.db
    .selectFrom('publications')
    .select('manifest')
    .orderBy('version', 'desc')
    .limit(2)
    .execute();
  return rows
    .flatMap((row) => {
      const manifest = JSON.parse(Buffer.from(JSON.parse(row.manifest).payload, 'base64').toString('utf8'));
      return [manifest.snapshot.path, ...manifest.deltas.map((delta: { path: string }) => delta.path)];
    })
    .sort();
}

async function startAndStop(): Promise<string[]> {
  const log: string[] = [];
  const service = await startService({
    registry,
    config: loadConfig({ THIQA_DATA_DIR: dataDir, THIQA_PORT: '0' }),
    host: '127.0.0.1',
    log: (line) => log.push(line),
    clock: () => LATER,
  });
  await service.stop();
  return log;
}

/** Stored parts (server/db/stored-parts.ts) that no publication or release names. */
async function unnamedParts(): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select count(*)::integer as count from stored_parts
    where not exists (select 1 from publications where snapshot_parts = stored_parts.owner)
      and not exists (select 1 from open_data_releases where release_parts = stored_parts.owner)`.execute(registry.db);
  return rows[0]?.count ?? -1;
}

/** Steps after which the database records version 2. */
const RECORDED: readonly PublishStep[] = ['committed', 'manifest-written', 'pruned'];
const STEPS: readonly PublishStep[] = ['snapshot-written', 'files-written', 'parts-written', ...RECORDED];

describe('a publish killed at any step', () => {
  it.each(STEPS)(
    'killed at %s: the next publish --if-changed serves version 2, the flagged shop is danger',
    async (step) => {
      await versionOneThenFlag();
      await expect(publish(T1, { crashAt: step })).rejects.toThrow(`killed at ${step}`);

      const next = await publish(LATER, { onlyIfChanged: true });
      // Killed before its commit, version 2 was never recorded: this publish makes it.
      expect(next.published).toBe(!RECORDED.includes(step));
      const folder = await served();
      expect(folder).toMatchObject({ version: 2, level: 'danger' });
      expect(await latestRecordedVersion()).toBe(2);
      // Parts the killed publish wrote and never named are gone; the kept ones read whole.
      expect(await unnamedParts()).toBe(0);
      expect((await storedSnapshot(registry.db, 2)).state.flagged.map((entry) => entry.domain)).toContain(FLAGGED);
    },
  );

  it.each(STEPS)('killed at %s: a service start serves the latest recorded version, complete', async (step) => {
    await versionOneThenFlag();
    await expect(publish(T1, { crashAt: step })).rejects.toThrow(`killed at ${step}`);

    const log = await startAndStop();
    const folder = await served();
    expect(folder.version).toBe(await latestRecordedVersion());
    expect(folder.level).toBe(RECORDED.includes(step) ? 'danger' : 'unknown');
    if (step === 'committed') expect(log).toEqual(['restored the published files of version 2: manifest.json']);
    else expect(log).toEqual([]);
    // What a killed publish wrote and never recorded is pruned with the other old files.
    expect(folder.names.sort()).toEqual(await namedByTheTwoLatestVersions());
  });

  it('a killed renewal: the next start serves the renewed manifest the database recorded', async () => {
    await flag(FLAGGED, T0);
    await publish(T0);
    const dayLater = new Date(T0.getTime() + 24 * 3_600_000);
    await expect(
      publishDirectory(registry.db, {
        dataDir,
        keys: await loadSigningKeys(dataDir),
        now: dayLater,
        actor: 'test',
        onlyIfChanged: true,
        afterStep: (step) => {
          if (step === 'renewal-committed') throw new Error('killed after the renewal commit');
        },
      }),
    ).rejects.toThrow('killed after the renewal commit');
    expect(await startAndStop()).toEqual(['restored the published files of version 1: manifest.json']);
    const { manifest } = await loadPublishedDirectory(dir, [publicKey]);
    expect(manifest).toMatchObject({ version: 1, expiresAt: '2026-12-05T09:00:00.000Z' });
    expect((await served()).level).toBe('danger');
  });

  it.each([
    ['truncated', (path: string) => truncate(path, 10)],
    ['deleted', (path: string) => unlink(path)],
    [
      'changed in one byte (same size)',
      async (path: string) => {
        const bytes = await readFile(path);
        bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
        await writeFile(path, bytes);
      },
    ],
  ])(
    'a snapshot and a delta %s on disk are rebuilt byte-identical, by the next publish and by a start',
    async (_, damage) => {
      await versionOneThenFlag();
      const second = (await publish(T1)) as Extract<PublishResult, { published: true }>;
      const delta = second.manifest.deltas[0]?.path as string;
      await damage(join(dir, second.manifest.snapshot.path));
      await damage(join(dir, delta));
      await expect(loadPublishedDirectory(dir, [publicKey])).rejects.toThrow(second.manifest.snapshot.path);

      expect(await startAndStop()).toEqual([
        `restored the published files of version 2: ${second.manifest.snapshot.path}, ${delta}`,
      ]);
      expect(await served()).toMatchObject({ version: 2, level: 'danger' });

      await damage(join(dir, second.manifest.snapshot.path));
      const next = await publish(LATER, { onlyIfChanged: true });
      expect(next).toMatchObject({
        published: false,
        version: 2,
        repair: { version: 2, restored: [second.manifest.snapshot.path], unrepairable: null },
      });
      expect(await served()).toMatchObject({ version: 2, level: 'danger' });
    },
  );

  it('a file that cannot be rebuilt byte-identical is never served: a fresh version is published instead', async () => {
    await versionOneThenFlag();
    await expect(publish(T1, { crashAt: 'committed' })).rejects.toThrow('killed at committed');
    const broken = await registry.db
      .selectFrom('publications')
      .select('manifest')
      .where('version', '=', 2)
      .executeTakeFirstOrThrow();
    // The stored copy no longer gives the published bytes (as after a zlib upgrade), and the file is gone.
    const stored = await storedSnapshotText(registry.db, 2);
    const altered = storedSnapshotJson(stored).replace('Encaisse', 'Encaissait');
    await sql`update publications set snapshot = ${altered}, snapshot_parts = null where version = 2`.execute(
      registry.db,
    );
    const named = JSON.parse(Buffer.from(JSON.parse(broken.manifest).payload, 'base64').toString('utf8'));
    await unlink(join(dir, named.snapshot.path));

    const log = await startAndStop();
    expect(log[0]).toMatch(
      new RegExp(
        `^the published files cannot be restored: version 2: ${named.snapshot.path} is missing or damaged, and rebuilt from the stored snapshots it is not byte-identical .*; publishing a fresh version instead$`,
      ),
    );
    expect(log.slice(1)).toEqual(['published version 3 in its place']);
    expect(await served()).toMatchObject({ version: 3, level: 'danger' });
    expect(await latestRecordedVersion()).toBe(3);
  });
});
