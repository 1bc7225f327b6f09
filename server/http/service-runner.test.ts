import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { generateKeyFile } from '../directory/signing-keys.ts';
import { FlaggedDomains } from '../flags/flagged-domains.ts';
import { parseDuration, type RunningService, startService } from './service-runner.ts';

describe('thiqa serve --publish-every', () => {
  let registry: Registry | undefined;
  let service: RunningService | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await service?.stop();
    await registry?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    service = registry = dataDir = undefined;
  });

  it('publishes on schedule when the registry changed, and not otherwise', async () => {
    registry = await openTestRegistry();
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-serve-'));
    await generateKeyFile(dataDir);
    const log: string[] = [];
    service = await startService({
      registry,
      config: { databaseUrl: undefined, dataDir, port: 0, adminToken: undefined, reportRateLimit: undefined },
      host: '127.0.0.1',
      publishEveryMs: 250,
      log: (line) => log.push(line),
    });
    const manifestVersion = async () => {
      const response = await fetch(`${service?.url}/v1/directory/manifest.json`);
      if (response.status !== 200) return null;
      const envelope = await response.json();
      return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')).version as number;
    };
    // Nothing published yet: the first tick publishes the (empty) registry.
    await expect.poll(manifestVersion, { timeout: 5000, interval: 200 }).toBe(1);
    // Several ticks pass with nothing to publish.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await manifestVersion()).toBe(1);
    await new FlaggedDomains(registry.db, () => new Date()).flag(
      'faux-souk.test',
      { reason: 'fraud', summary: 'Encaisse et ne livre pas.' },
      'test',
    );
    await expect.poll(manifestVersion, { timeout: 5000, interval: 200 }).toBe(2);
    // The manifest is served before the publish prunes old files and parts; the tick logs
    // once all of that is done, so on a slower database the line follows the manifest.
    await expect
      .poll(() => log, { timeout: 5000, interval: 100 })
      .toEqual(['published version 1', 'published version 2']);
  });

  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['0s', null],
    ['8d', null],
    ['hourly', null],
  ])('reads the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
