import { beforeEach, describe, expect, it } from 'vitest';
import { freePort, startServiceProcess } from '../../test/support/service-process.ts';
import { freshDataDirForEachTest, thiqaCli } from '../../test/support/thiqa-cli.ts';
import { openConfiguredRegistry } from '../cli/registry-session.ts';
import type { Registry } from '../db/database.ts';
import { loadConfig } from '../env.ts';
import { FlaggedDomains } from '../flags/flagged-domains.ts';
import { loadPublishedDirectory } from './directory-source.ts';
import { publicDirectoryDir, publishDirectory } from './publisher.ts';
import { loadSigningKeys } from './signing-keys.ts';

// `thiqa publish` as an operator's cron runs it, on PGlite in a fresh data folder (each
// open of it takes seconds on a busy machine, hence the longer timeout). The
// registry is opened directly only to set up what the command then meets: a version
// published hours ago, or a publish killed half-way.

const HOUR = 3_600_000;

const cli = thiqaCli;

const currentDataDir = freshDataDirForEachTest('thiqa-publish-');
beforeEach(async () => {
  expect((await cli('keys', 'generate')).code).toBe(0);
});

/** Work on the data folder's registry as another `thiqa` process would. */
async function withDataFolder(work: (registry: Registry) => Promise<void>) {
  const registry = await openConfiguredRegistry(loadConfig());
  try {
    await work(registry);
  } finally {
    await registry.close();
  }
}

const flag = (registry: Registry, domain: string) =>
  new FlaggedDomains(registry.db, () => new Date()).flag(
    domain,
    { reason: 'fraud', summary: 'Encaisse et ne livre pas.' },
    'test',
  );

describe('thiqa publish', { timeout: 120_000 }, () => {
  it('--if-changed on an unchanged registry renews the freshness of the same version and says until when', async () => {
    // Version 1 went out 20 hours ago, so less than 3/4 of its 72 hours remain.
    await withDataFolder(async (registry) => {
      await flag(registry, 'faux-souk.test');
      await publishDirectory(registry.db, {
        dataDir: currentDataDir(),
        keys: await loadSigningKeys(currentDataDir()),
        now: new Date(Date.now() - 20 * HOUR),
        actor: 'test',
      });
    });
    const dir = publicDirectoryDir(currentDataDir());
    const before = await loadPublishedDirectory(dir);

    const renewal = await cli('publish', '--if-changed');
    expect(renewal.code).toBe(0);
    const until = /^nothing changed since version 1; renewed its freshness until (\S+)$/.exec(renewal.stdout)?.[1];
    expect(until, renewal.stdout).toBeDefined();
    const expected = Date.now() + 72 * HOUR;
    expect(Math.abs(Date.parse(until as string) - expected)).toBeLessThan(60_000);
    const after = await loadPublishedDirectory(dir);
    expect(after.manifest).toEqual({ ...before.manifest, expiresAt: until });

    expect((await cli('publish', '--if-changed')).stdout).toBe(
      `nothing changed since version 1; not published (fresh until ${until})`,
    );
    expect((await cli('publish')).stdout).toContain('published version 2');
  });

  it('after a publish killed between its commit and its manifest, thiqa serve and the next publish --if-changed restore the files: the flagged shops are danger', async () => {
    const killAfterCommit = async (registry: Registry, domain: string) => {
      await flag(registry, domain);
      const crashed = publishDirectory(registry.db, {
        dataDir: currentDataDir(),
        keys: await loadSigningKeys(currentDataDir()),
        now: new Date(),
        actor: 'test',
        afterStep: (step) => {
          if (step === 'committed') throw new Error('killed after the commit');
        },
      });
      await expect(crashed).rejects.toThrow('killed after the commit');
    };
    const dir = publicDirectoryDir(currentDataDir());
    const judge = async (domain: string) =>
      JSON.parse((await cli('check', `https://${domain}/panier`, '--directory', dir)).stdout);

    await withDataFolder(async (registry) => {
      await flag(registry, 'faux-hanout.test');
      await publishDirectory(registry.db, {
        dataDir: currentDataDir(),
        keys: await loadSigningKeys(currentDataDir()),
        now: new Date(),
        actor: 'test',
      });
      await killAfterCommit(registry, 'faux-souk.test');
    });
    expect((await loadPublishedDirectory(dir)).manifest.version).toBe(1);
    const service = await startServiceProcess({ dataDir: currentDataDir(), port: await freePort() });
    try {
      const served = await (await fetch(`${service.url}/v1/directory/manifest.json`)).json();
      expect(JSON.parse(Buffer.from(served.payload, 'base64').toString('utf8')).version).toBe(2);
      expect(service.output()).toContain('restored the published files of version 2: manifest.json');
    } finally {
      await service.stop();
    }
    expect(await judge('faux-souk.test')).toMatchObject({ verdict: { level: 'danger' }, directory: { version: 2 } });

    await withDataFolder((registry) => killAfterCommit(registry, 'faux-atlas.test'));
    const recovery = await cli('publish', '--if-changed');
    expect(recovery).toMatchObject({ code: 0 });
    expect(recovery.stdout.split('\n')).toEqual([
      'restored the published files of version 3: manifest.json',
      expect.stringMatching(/^nothing changed since version 3; not published \(fresh until \S+\)$/),
    ]);
    expect(await judge('faux-atlas.test')).toMatchObject({ verdict: { level: 'danger' }, directory: { version: 3 } });
  });
});
