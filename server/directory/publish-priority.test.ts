import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importMerchantRecords, newMerchant } from '../../test/support/merchant-records.ts';
import { publishAt } from '../../test/support/publish-at.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import { niceByThread } from '../../test/support/thread-nice.ts';
import type { Registry } from '../db/database.ts';
import { generateKeyFile } from './signing-keys.ts';

// A publish is background work: its worker thread runs at a lower priority than the
// service's thread, which answers shoppers' reports meanwhile (publish-worker.ts). Linux
// keeps a nice value per thread, readable in /proc; this test reads every thread of this
// process before and after a publish through the worker (which stays, idle, for the next).

let registry: Registry;
let dataDir: string;

beforeEach(async () => {
  registry = await openTestRegistry();
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-publish-priority-'));
  await generateKeyFile(dataDir);
  await importMerchantRecords(registry, [newMerchant(1), newMerchant(2)], '2026-12-01T08:00:00Z');
});
afterEach(async () => {
  await registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('the publish worker thread', () => {
  it('runs at nice 10 while the service’s own thread keeps its priority', async () => {
    const before = niceByThread();
    const result = await publishAt(registry, dataDir, '2026-12-01T09:00:00Z', { run: 'worker' });
    expect(result.published).toBe(true);
    const after = niceByThread();
    const lowered = [...after].filter(([tid, nice]) => !before.has(tid) && nice >= 10);
    // The worker, kept idle for the next publish, is a thread that was not there before, at nice 10.
    expect(lowered.length).toBeGreaterThanOrEqual(1);
    // Every thread that was there before (the service's among them) keeps its value.
    for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice);
    expect(after.get(String(process.pid))).toBe(before.get(String(process.pid)));
  });
});
