import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { canonicalJson, fromBase64, toBase64, utf8 } from '../directory/bytes.ts';
import { buildPublication, type Publication } from '../directory/publication.ts';
import type { Snapshot } from '../directory/schemas.ts';
import {
  generateSigningKey,
  importSigningKey,
  type PublicKeyInfo,
  type SigningKey,
  signManifest,
} from '../directory/signing.ts';
import type { Fetch } from './bounded-fetch.ts';
import { openThiqaDatabase } from './database.ts';
import { createDirectoryStore, type DirectoryStore } from './directory-store.ts';
import { createDirectorySync, nextSyncDelay, SYNC_EVERY_MS, SYNC_RETRY_MS } from './directory-sync.ts';

const URL_BASE = 'https://directory.example/v1/directory/';
const NOW = new Date('2026-11-27T10:00:00Z');

function snapshot(version: number, merchants = [testMerchant({ id: `shop-v${version}` })]): Snapshot {
  return {
    format: 'thiqa.snapshot',
    formatVersion: 1,
    version,
    publishedAt: '2026-11-27T08:00:00Z',
    state: testState({ merchants }),
  };
}

interface FakeHost {
  fetch: Fetch;
  requests: Array<{ url: string; init: RequestInit | undefined }>;
  files: Map<string, Uint8Array<ArrayBuffer>>;
}

/** A directory host in memory, serving a publication and answering ETags like a CDN. */
function fakeHost(publication: Publication, etag = `"v${publication.manifest.version}"`): FakeHost {
  const files = new Map<string, Uint8Array<ArrayBuffer>>([
    ['manifest.json', new TextEncoder().encode(publication.manifestText)],
    ...publication.files.map((file): [string, Uint8Array<ArrayBuffer>] => [file.path, file.bytes]),
  ]);
  const requests: FakeHost['requests'] = [];
  return {
    requests,
    files,
    async fetch(url, init) {
      requests.push({ url, init });
      const name = url.slice(URL_BASE.length);
      const headers = new Headers(init?.headers);
      if (name === 'manifest.json' && headers.get('if-none-match') === etag) return new Response(null, { status: 304 });
      const bytes = files.get(name);
      if (!bytes) return new Response('not found', { status: 404 });
      return new Response(bytes, { status: 200, headers: name === 'manifest.json' ? { ETag: etag } : {} });
    },
  };
}

let counter = 0;
async function freshStore(): Promise<DirectoryStore> {
  counter += 1;
  return createDirectoryStore(await openThiqaDatabase(`sync-test-${counter}`));
}

async function holding(store: DirectoryStore, held: Snapshot) {
  await store.replaceWithSnapshot(held, {
    expiresAt: '2026-11-30T08:00:00Z',
    digest: null,
    source: 'bundled',
    etag: null,
    lastSyncAt: null,
    lastError: null,
  });
}

describe('directory sync', () => {
  let key: SigningKey;
  let pinned: PublicKeyInfo[];
  let otherKey: PublicKeyInfo[];
  const v1 = snapshot(1);
  const v2 = snapshot(2, [testMerchant({ id: 'shop-v1' }), testMerchant({ id: 'shop-v2' })]);
  let publication: Publication;
  /** The same version offered as a snapshot only, so the snapshot path is the one taken. */
  let snapshotOnly: Publication;

  beforeAll(async () => {
    const generated = await generateSigningKey();
    key = await importSigningKey(generated.privateJwk);
    pinned = [generated.info];
    otherKey = [(await generateSigningKey()).info];
    publication = await buildPublication({ current: v2, previous: [v1], keys: [key] });
    snapshotOnly = await buildPublication({ current: v2, previous: [], keys: [key] });
  });

  const syncWith = (store: DirectoryStore, host: FakeHost, keys = pinned, now = NOW) =>
    createDirectorySync({ fetch: host.fetch, store, now: () => now, directoryUrl: URL_BASE, publicKeys: keys });

  it('takes the full snapshot when it holds nothing, and keeps the signed expiry', async () => {
    const store = await freshStore();
    const outcome = await syncWith(store, fakeHost(publication)).sync();
    expect(outcome).toEqual({ status: 'updated', version: 2, via: 'snapshot' });
    expect(await store.readState()).toEqual(v2.state);
    expect(await store.readMeta()).toMatchObject({
      version: 2,
      expiresAt: publication.manifest.expiresAt,
      source: 'synced',
      lastError: null,
    });
  });

  it('applies a delta from the version it holds, then answers a repeat with the ETag', async () => {
    const store = await freshStore();
    await holding(store, v1);
    const host = fakeHost(publication);
    const sync = syncWith(store, host);
    expect(await sync.sync()).toEqual({ status: 'updated', version: 2, via: 'delta' });
    expect(await store.readState()).toEqual(v2.state);
    expect(host.requests.map((request) => request.url.slice(URL_BASE.length))).toEqual([
      'manifest.json',
      publication.manifest.deltas[0]?.path,
    ]);
    expect(await sync.sync()).toEqual({ status: 'unchanged', version: 2 });
    expect(new Headers(host.requests.at(-1)?.init?.headers).get('if-none-match')).toBe('"v2"');
  });

  it('sends the same cookie-less, query-less requests whatever the shopper does', async () => {
    const store = await freshStore();
    const host = fakeHost(publication);
    await syncWith(store, host).sync();
    for (const { url, init } of host.requests) {
      expect(new URL(url).search).toBe('');
      expect(init).toMatchObject({ credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
    }
  });

  it('falls back to the snapshot when the delta does not match its hash', async () => {
    const store = await freshStore();
    await holding(store, v1);
    const host = fakeHost(publication);
    const deltaPath = publication.manifest.deltas[0]?.path as string;
    const tampered = new Uint8Array(host.files.get(deltaPath) as Uint8Array<ArrayBuffer>);
    tampered[0] = (tampered[0] ?? 0) ^ 0xff;
    host.files.set(deltaPath, tampered);
    expect(await syncWith(store, host).sync()).toEqual({ status: 'updated', version: 2, via: 'snapshot' });
    expect(await store.readState()).toEqual(v2.state);
  });

  type RefusalOptions = { keys?: 'other'; now?: Date; held?: number; snapshotOnly?: true };
  const refusals: Array<[string, string, (host: FakeHost) => void, RefusalOptions]> = [
    ['a manifest signed by a key the build does not pin', 'signature-unknown-key', () => {}, { keys: 'other' }],
    [
      'a manifest whose bytes were changed after signing',
      'signature-invalid',
      (host) => {
        const envelope = JSON.parse(new TextDecoder().decode(host.files.get('manifest.json')));
        const bytes = fromBase64(envelope.payload);
        const text = new TextDecoder().decode(bytes).replace('"version":2', '"version":9');
        envelope.payload = toBase64(new TextEncoder().encode(text));
        host.files.set('manifest.json', new TextEncoder().encode(JSON.stringify(envelope)));
      },
      {},
    ],
    ['a manifest older than the directory held (rollback)', 'rollback', () => {}, { held: 3 }],
    [
      'a manifest past its expiry (frozen feed)',
      'manifest-expired',
      () => {},
      { now: new Date('2027-01-01T00:00:00Z') },
    ],
    [
      'a snapshot that is not the bytes the manifest names',
      'size-mismatch',
      (host) => {
        const path = publication.manifest.snapshot.path;
        const bytes = host.files.get(path) as Uint8Array<ArrayBuffer>;
        const longer = new Uint8Array(bytes.length - 1);
        longer.set(bytes.subarray(0, bytes.length - 1));
        host.files.set(path, longer);
      },
      { snapshotOnly: true },
    ],
    [
      'a snapshot larger than the manifest promised (the download stops)',
      'too-large',
      (host) => {
        host.files.set(publication.manifest.snapshot.path, new Uint8Array(publication.manifest.snapshot.size + 10_000));
      },
      { snapshotOnly: true },
    ],
    [
      'a manifest that is not a signed envelope',
      'envelope-invalid',
      (host) => host.files.set('manifest.json', new TextEncoder().encode('{"hello":"world"}')),
      {},
    ],
    ['a host that is down', 'http-status', (host) => host.files.delete('manifest.json'), {}],
  ];

  it.each(refusals)(
    'refuses %s, keeps the last good directory and records why',
    async (_name, code, tamper, options) => {
      const store = await freshStore();
      const held = snapshot(options.held ?? 1);
      await holding(store, held);
      const host = fakeHost(options.snapshotOnly ? snapshotOnly : publication);
      tamper(host);
      const outcome = await syncWith(store, host, options.keys === 'other' ? otherKey : pinned, options.now).sync();
      expect(outcome).toMatchObject({ status: 'refused', error: { code } });
      expect(await store.readState()).toEqual(held.state);
      expect((await store.readMeta())?.lastError?.code).toBe(code);
      expect((await store.readMeta())?.version).toBe(held.version);
    },
  );

  it('abandons a host that accepts the request and then says nothing, and the next sync runs', async () => {
    const store = await freshStore();
    await holding(store, v1);
    const host = fakeHost(publication);
    let silent = true;
    const stalling: Fetch = (url, init) =>
      silent
        ? new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
        : host.fetch(url, init);
    const sync = createDirectorySync({
      fetch: stalling,
      store,
      now: () => NOW,
      directoryUrl: URL_BASE,
      publicKeys: pinned,
      stallTimeoutMs: 50,
    });
    expect(await sync.sync()).toMatchObject({ status: 'refused', error: { code: 'timeout' } });
    expect((await store.readMeta())?.lastError?.detail).toBe('manifest.json: nothing received for 0.05 s');
    expect(await store.readState()).toEqual(v1.state);
    silent = false;
    expect(await sync.sync()).toMatchObject({ status: 'updated', version: 2 });
  });

  it('refuses a "not modified" answer once the manifest it holds has expired (frozen feed)', async () => {
    const store = await freshStore();
    const host = fakeHost(publication);
    await syncWith(store, host).sync();
    const afterExpiry = new Date(Date.parse(publication.manifest.expiresAt) + 1000);
    const outcome = await syncWith(store, host, pinned, afterExpiry).sync();
    expect(outcome).toMatchObject({ status: 'refused', error: { code: 'manifest-expired' } });
    expect(new Headers(host.requests.at(-1)?.init?.headers).get('if-none-match')).toBe('"v2"');
    expect((await store.readMeta())?.lastError?.detail).toBe(
      `the server still offers version 2, expired at ${publication.manifest.expiresAt}`,
    );
  });

  it('takes a renewed manifest of the held version without a download, and a replayed older one never shortens it', async () => {
    const store = await freshStore();
    await syncWith(store, fakeHost(publication)).sync();
    // The publisher re-signed the same version with a later expiry (TUF's timestamp role).
    const later = new Date(Date.parse(publication.manifest.expiresAt) + 48 * 3_600_000).toISOString();
    const renewedManifest = { ...publication.manifest, expiresAt: later };
    const renewed: Publication = {
      ...publication,
      manifest: renewedManifest,
      manifestText: await signManifest(utf8(canonicalJson(renewedManifest)), [key]),
    };
    const renewedHost = fakeHost(renewed, '"v2-renewed"');
    const dayLater = new Date(NOW.getTime() + 24 * 3_600_000);
    expect(await syncWith(store, renewedHost, pinned, dayLater).sync()).toEqual({ status: 'unchanged', version: 2 });
    expect(renewedHost.requests.map((request) => request.url.slice(URL_BASE.length))).toEqual(['manifest.json']);
    expect(await store.readMeta()).toMatchObject({
      version: 2,
      expiresAt: later,
      etag: '"v2-renewed"',
      lastError: null,
    });

    // A mirror or an attacker serves the first manifest again: validly signed, not yet expired.
    const replayHost = fakeHost(publication, '"v2-first"');
    expect(await syncWith(store, replayHost, pinned, dayLater).sync()).toEqual({ status: 'unchanged', version: 2 });
    expect(replayHost.requests.map((request) => request.url.slice(URL_BASE.length))).toEqual(['manifest.json']);
    expect((await store.readMeta())?.expiresAt).toBe(later);
    expect(await store.readState()).toEqual(v2.state);
  });

  it('never applies a delta from a version it does not hold, and says so when the snapshot fails too', async () => {
    const v3 = snapshot(3, [testMerchant({ id: 'shop-v3' })]);
    // The manifest offers "from 2" but the file it names starts from version 1.
    const fromV1 = await buildPublication({ current: v3, previous: [v1], keys: [key] });
    const realDelta = fromV1.manifest.deltas[0] as Publication['manifest']['deltas'][number];
    const manifest = { ...fromV1.manifest, deltas: [{ ...realDelta, from: 2 }] };
    const host = fakeHost({
      ...fromV1,
      manifest,
      manifestText: await signManifest(utf8(canonicalJson(manifest)), [key]),
    });
    host.files.delete(fromV1.manifest.snapshot.path);
    const store = await freshStore();
    await holding(store, v2);
    const outcome = await syncWith(store, host).sync();
    expect(outcome).toMatchObject({ status: 'refused', error: { code: 'http-status' } });
    expect((await store.readMeta())?.lastError?.detail).toBe(
      `${fromV1.manifest.snapshot.path}: HTTP 404; the delta was not used either: it goes from version 1 to 3, this browser holds 2`,
    );
    expect(await store.readState()).toEqual(v2.state);
  });

  it('accepts a manifest signed by any one of several pinned keys (rotation)', async () => {
    const store = await freshStore();
    const outcome = await syncWith(store, fakeHost(publication), [...otherKey, ...pinned]).sync();
    expect(outcome.status).toBe('updated');
  });

  it('applies a delta that moves a domain from one merchant to another (unique domain index)', async () => {
    const a = testMerchant({ id: 'alpha', domains: ['alpha.test', 'shared.test'] });
    const b = testMerchant({ id: 'beta', domains: ['beta.test'] });
    const before = snapshot(1, [a, b]);
    const after = snapshot(2, [
      { ...a, domains: ['alpha.test'] },
      // With the answer record it gained meanwhile: the store keeps it as signed.
      { ...b, domains: ['beta.test', 'shared.test'], answers: { sent: 3, answered: 2, medianDays: 1.5 } },
    ]);
    const moved = await buildPublication({ current: after, previous: [before], keys: [key] });
    const store = await freshStore();
    await holding(store, before);
    expect(await syncWith(store, fakeHost(moved)).sync()).toEqual({ status: 'updated', version: 2, via: 'delta' });
    expect((await store.lookupFor('shared.test'))?.lookup.entryFor('shared.test').merchant?.id).toBe('beta');
    expect((await store.lookupFor('beta.test'))?.lookup.entryFor('beta.test').merchant?.answers).toEqual({
      sent: 3,
      answered: 2,
      medianDays: 1.5,
    });
    expect(await store.readState()).toEqual(after.state);
  });

  it('rebuilds the hot index after a change', async () => {
    const store = await freshStore();
    await holding(store, v1);
    expect((await store.lookupFor('shop-v2.test'))?.lookup.entryFor('shop-v2.test').merchant).toBeNull();
    await syncWith(store, fakeHost(publication)).sync();
    expect((await store.lookupFor('shop-v2.test'))?.lookup.entryFor('shop-v2.test').merchant?.id).toBe('shop-v2');
  });
});

describe('the next sync', () => {
  const refused = {
    status: 'refused' as const,
    error: { code: 'network', detail: 'offline', at: '2026-12-02T00:00:00Z' },
  };
  it('comes within 15 to 30 minutes after a refused sync (offline at install, the service down), not in six hours', () => {
    expect(nextSyncDelay(refused, () => 0)).toBe(SYNC_RETRY_MS);
    expect(nextSyncDelay(refused, () => 0.999)).toBeLessThan(2 * SYNC_RETRY_MS);
    expect(SYNC_RETRY_MS).toBe(15 * 60_000);
  });
  it('comes after six hours and up to half an hour more after a sync that worked', () => {
    for (const outcome of [
      { status: 'updated' as const, version: 3, via: 'delta' as const },
      { status: 'unchanged' as const, version: 3 },
    ]) {
      expect(nextSyncDelay(outcome, () => 0)).toBe(SYNC_EVERY_MS);
      expect(nextSyncDelay(outcome, () => 0.999)).toBeLessThan(SYNC_EVERY_MS + 30 * 60_000);
    }
  });
});
