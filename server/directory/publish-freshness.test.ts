import 'fake-indexeddb/auto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSignedManifest, type PublicKeyInfo } from '../../src/directory/signing.ts';
import { openThiqaDatabase } from '../../src/extension/database.ts';
import { createDirectoryStore } from '../../src/extension/directory-store.ts';
import { createDirectorySync } from '../../src/extension/directory-sync.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import { listAudit } from '../db/audit-log.ts';
import type { Registry } from '../db/database.ts';
import { loadConfig } from '../env.ts';
import { FlaggedDomains } from '../flags/flagged-domains.ts';
import { type RunningService, startService } from '../http/service-runner.ts';
import { createPublishSchedule } from './publish-schedule.ts';
import { publicDirectoryDir, publishDirectory } from './publisher.ts';
import { generateKeyFile, loadSigningKeys } from './signing-keys.ts';

// A registry in which nothing changes for 30 days must still serve a manifest that has not
// expired, at the same version, and shoppers' extensions must take each renewal without
// downloading the snapshot again. The clock is moved by hand, one hour at a time.

const HOUR = 3_600_000;
const DAYS = 30;
const START = Date.parse('2026-12-01T00:17:00Z');

let registry: Registry;
let dataDir: string;
let publicKey: PublicKeyInfo;
let service: RunningService | undefined;

beforeEach(async () => {
  registry = await openTestRegistry();
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-freshness-'));
  publicKey = await generateKeyFile(dataDir);
  await new FlaggedDomains(registry.db, () => new Date(START)).flag(
    'faux-souk.test',
    { reason: 'fraud', summary: 'Encaisse et ne livre pas.' },
    'test',
  );
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function openManifest(text: string) {
  const opened = await openSignedManifest(text, [publicKey]);
  if (!opened.ok) throw new Error(`served manifest refused: ${JSON.stringify(opened.refusal)}`);
  return opened.manifest;
}

describe('freshness of a registry that changes nothing for 30 days', () => {
  it('serve --publish-every 1h: every hour serves an unexpired manifest of version 1, and the extension renews without the snapshot', async () => {
    let now = new Date(START);
    const clock = () => now;
    const log: string[] = [];
    service = await startService({
      registry,
      config: loadConfig({ THIQA_DATA_DIR: dataDir, THIQA_PORT: '0' }),
      host: '127.0.0.1',
      log: (line) => log.push(line),
      clock,
    });
    // The tick `serve --publish-every 1h` runs, driven here at each simulated hour.
    const schedule = createPublishSchedule({ db: registry.db, dataDir, clock, log: (line) => log.push(line) });

    const downloads: string[] = [];
    const directoryUrl = `${service.url}/v1/directory/`;
    const store = createDirectoryStore(await openThiqaDatabase(`freshness-${Date.now()}`));
    const sync = createDirectorySync({
      fetch: (url, init) => {
        downloads.push(url.slice(directoryUrl.length));
        return fetch(url, init);
      },
      store,
      now: clock,
      directoryUrl,
      publicKeys: [publicKey],
    });

    let leastRemainingMs = Number.POSITIVE_INFINITY;
    for (let hour = 0; hour <= DAYS * 24; hour += 1) {
      now = new Date(START + hour * HOUR);
      await schedule.run();
      const response = await fetch(`${directoryUrl}manifest.json`);
      expect(response.status).toBe(200);
      const manifest = await openManifest(await response.text());
      expect(manifest.version).toBe(1);
      const remainingMs = Date.parse(manifest.expiresAt) - now.getTime();
      expect(remainingMs, `at hour ${hour}`).toBeGreaterThan(0);
      leastRemainingMs = Math.min(leastRemainingMs, remainingMs);
      // The extension's alarm runs every 6 hours.
      if (hour % 6 === 0) {
        const outcome = await sync.sync();
        expect(outcome, `sync at hour ${hour}`).toEqual(
          hour === 0 ? { status: 'updated', version: 1, via: 'snapshot' } : { status: 'unchanged', version: 1 },
        );
        // The renewal is taken: the browser holds the expiry the host serves now.
        expect(await store.readMeta()).toMatchObject({ expiresAt: manifest.expiresAt, lastError: null });
      }
    }
    // Renewed every 18 hours: even just before a tick, 54 hours of freshness are left.
    expect(leastRemainingMs - HOUR).toBe(54 * HOUR);
    const snapshotDownloads = downloads.filter((name) => name.startsWith('snapshot-'));
    expect(snapshotDownloads).toHaveLength(1);
    expect(downloads.filter((name) => name !== 'manifest.json' && !name.startsWith('snapshot-'))).toEqual([]);
    expect(log[0]).toBe('published version 1');
    expect(log.filter((line) => line.startsWith('published'))).toHaveLength(1);
    const renewals = log.filter((line) => /^renewed version 1: fresh until /.test(line));
    expect(renewals).toHaveLength((DAYS * 24) / 18);
    const audit = await listAudit(registry.db, 1000);
    expect(audit.filter((entry) => entry.action === 'directory.renew')).toHaveLength(renewals.length);
  }, 180_000);

  it('publish --if-changed from a daily cron (a few minutes early or late): unexpired at every hour, version 1', async () => {
    const keys = await loadSigningKeys(dataDir);
    const dir = publicDirectoryDir(dataDir);
    const first = await publishDirectory(registry.db, { dataDir, keys, now: new Date(START), actor: 'test' });
    expect(first).toMatchObject({ published: true, manifest: { version: 1 } });
    let renewed = 0;
    for (let hour = 1; hour <= DAYS * 24; hour += 1) {
      const now = new Date(START + hour * HOUR);
      if (hour % 24 === 0) {
        // cron at the same time each day, give or take a few minutes of start-up
        const jitter = (hour / 24) % 2 === 0 ? -4 * 60_000 : 3 * 60_000;
        const result = await publishDirectory(registry.db, {
          dataDir,
          keys,
          now: new Date(now.getTime() + jitter),
          actor: 'cron',
          onlyIfChanged: true,
        });
        expect(result).toMatchObject({ published: false, version: 1, renewed: true });
        renewed += 1;
      }
      const manifest = await openManifest(await readFile(join(dir, 'manifest.json'), 'utf8'));
      expect(manifest.version).toBe(1);
      expect(Date.parse(manifest.expiresAt) - now.getTime(), `at hour ${hour}`).toBeGreaterThan(47 * HOUR);
      expect(manifest.snapshot).toEqual(first.published ? first.manifest.snapshot : null);
      expect(manifest.publishedAt).toBe(new Date(START).toISOString());
    }
    expect(renewed).toBe(DAYS);
    // The database serves the renewed manifest too, so a restart or repair keeps it.
    const row = await registry.db.selectFrom('publications').select(['version', 'manifest']).execute();
    expect(row).toEqual([{ version: 1, manifest: await readFile(join(dir, 'manifest.json'), 'utf8') }]);
  }, 120_000);
});
