import 'fake-indexeddb/auto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openThiqaDatabase } from '../../src/extension/database.ts';
import { createDirectoryStore } from '../../src/extension/directory-store.ts';
import { createDirectorySync } from '../../src/extension/directory-sync.ts';
import { importMerchantRecords, newMerchant } from '../../test/support/merchant-records.ts';
import { freshDataDirForEachTest, thiqaCli } from '../../test/support/thiqa-cli.ts';
import { openConfiguredRegistry } from '../cli/registry-session.ts';
import { loadConfig } from '../env.ts';
import { loadSigningKeys } from './signing-keys.ts';

// `thiqa publish --out <dir>` for a static host: a plain file server (bytes and a content
// type, no ETag, nothing Thiqa-specific) serves the folder, and the extension's own sync
// verifies and takes it: the snapshot first, then a delta after the next publish.

const currentDataDir = freshDataDirForEachTest('thiqa-publish-out-');
let outDir: string;
let server: Server;
let origin: string;

/** What any static host does: the file's bytes, a type from the name, 404 otherwise. */
function plainStaticServer(root: string): Promise<Server> {
  const started = createServer(async (request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname).replace(/^\/+/, '');
    const info = await stat(join(root, name)).catch(() => null);
    if (name.includes('/') || !info?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': name.endsWith('.json') ? 'application/json' : 'application/gzip',
      'Content-Length': info.size,
    });
    createReadStream(join(root, name)).pipe(response);
  });
  return new Promise((resolve) => started.listen(0, '127.0.0.1', () => resolve(started)));
}

beforeEach(async () => {
  expect((await thiqaCli('keys', 'generate')).code).toBe(0);
  outDir = await mkdtemp(join(tmpdir(), 'thiqa-static-host-'));
  server = await plainStaticServer(outDir);
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(outDir, { recursive: true, force: true });
});

async function addMerchant(n: number, at: string) {
  const registry = await openConfiguredRegistry(loadConfig());
  try {
    await importMerchantRecords(registry, [newMerchant(n)], at);
  } finally {
    await registry.close();
  }
}

describe('thiqa publish --out', { timeout: 120_000 }, () => {
  it('writes a folder a plain static server serves and the extension syncs from, snapshot then delta, and mends it', async () => {
    await addMerchant(1, '2026-11-27T09:00:00Z');
    const first = await thiqaCli('publish', '--out', outDir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/copied to .*: 2 written, 0 removed/);

    const publicKeys = (await loadSigningKeys(currentDataDir())).map(({ keyId, publicKey }) => ({ keyId, publicKey }));
    const store = createDirectoryStore(await openThiqaDatabase(`publish-out-${Date.now()}`));
    const sync = createDirectorySync({
      fetch: (url, init) => fetch(url, init),
      store,
      now: () => new Date(),
      directoryUrl: origin,
      publicKeys,
    });
    expect(await sync.sync()).toEqual({ status: 'updated', version: 1, via: 'snapshot' });

    await addMerchant(2, '2026-11-27T10:00:00Z');
    expect((await thiqaCli('publish', '--out', outDir)).code).toBe(0);
    expect(await sync.sync()).toEqual({ status: 'updated', version: 2, via: 'delta' });
    expect(await store.readMeta()).toMatchObject({ version: 2, lastError: null });

    // The folder holds what the two latest manifests name, like the served one.
    const names = (await readdir(outDir)).sort();
    expect(names.filter((name) => name.startsWith('snapshot-'))).toHaveLength(2);
    expect(names.filter((name) => name.startsWith('delta-'))).toHaveLength(1);
    expect(names).toContain('manifest.json');

    // Nothing changed: the folder still follows the served one, a lost file written back.
    const snapshot = names.find((name) => name.startsWith('snapshot-')) as string;
    await rm(join(outDir, snapshot));
    const again = await thiqaCli('publish', '--if-changed', '--out', outDir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`1 written, 0 removed (${snapshot})`);
  });
});
