import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDelta, directoryDigest } from '../../src/directory/delta.ts';
import { checkFileRef, decodeDelta, decodeSnapshot } from '../../src/directory/publication.ts';
import { openSignedManifest } from '../../src/directory/signing.ts';
import { insertSentComplaints } from '../../test/support/answered-complaints.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { readImportFile } from '../merchants/import-read.ts';
import { importMerchants } from '../merchants/import-write.ts';
import { loadPublishedDirectory } from './directory-source.ts';
import { RECORD_CACHE_FILE } from './publish-record-cache.ts';
import { publicDirectoryDir, publishDirectory } from './publisher.ts';
import { storedSnapshot } from './served-files.ts';
import { generateKeyFile, loadSigningKeys } from './signing-keys.ts';

const BUNDLED = new URL('../../public/directory/snapshot.json', import.meta.url);

async function seed(service: TestService) {
  const file = readImportFile('snapshot.json', await readFile(BUNDLED, 'utf8'));
  if ('problems' in file) throw new Error('bundled snapshot does not import');
  await importMerchants(service.registry.db, file.rows, { now: new Date('2026-11-27T09:00:00Z'), actor: 'test' });
}

async function publish(service: TestService) {
  const response = await service.admin('POST', '/v1/admin/publish');
  expect(response.status).toBe(200);
  return response.json();
}

async function published(service: TestService) {
  const dir = publicDirectoryDir(service.dataDir);
  const manifestText = await readFile(join(dir, 'manifest.json'), 'utf8');
  return { dir, manifestText };
}

describe('publishing the directory', () => {
  let service: TestService;
  let publicKey: { keyId: string; publicKey: string };
  beforeEach(async () => {
    service = await openTestService();
    publicKey = await generateKeyFile(service.dataDir);
    await seed(service);
  });
  afterEach(async () => service.close());

  it('signs the manifest: it verifies with the public key and fails on one changed byte', async () => {
    await publish(service);
    const { manifestText } = await published(service);
    const opened = await openSignedManifest(manifestText, [publicKey]);
    expect(opened).toMatchObject({ ok: true, keyId: publicKey.keyId, manifest: { version: 1 } });

    const envelope = JSON.parse(manifestText);
    const bytes = Buffer.from(envelope.payload, 'base64');
    bytes[10] = (bytes[10] as number) ^ 1;
    const tampered = JSON.stringify({ ...envelope, payload: bytes.toString('base64') });
    expect(await openSignedManifest(tampered, [publicKey])).toMatchObject({
      ok: false,
      refusal: { code: 'signature-invalid' },
    });
  });

  it('signs with every key in the keys folder, so extensions pinning either key accept it (rotation)', async () => {
    const next = await generateKeyFile(service.dataDir);
    await publish(service);
    const { manifestText } = await published(service);
    expect(JSON.parse(manifestText).signatures).toHaveLength(2);
    expect(await openSignedManifest(manifestText, [publicKey])).toMatchObject({ ok: true, keyId: publicKey.keyId });
    expect(await openSignedManifest(manifestText, [next])).toMatchObject({ ok: true, keyId: next.keyId });
  });

  it('grows the version by one, offers deltas that rebuild the new snapshot, and matches its digest', async () => {
    await publish(service);
    const v1 = await loadPublishedDirectory(publicDirectoryDir(service.dataDir), [publicKey]);
    await service.admin('PUT', '/v1/admin/flags/fake-shop.test', {
      reason: 'fraud',
      summary: 'Takes payment, never ships.',
    });
    service.setNow('2026-11-27T11:00:00Z');
    const result = await publish(service);
    expect(result).toMatchObject({ published: true, version: 2 });
    const { dir, manifestText } = await published(service);
    const opened = await openSignedManifest(manifestText, [publicKey]);
    if (!opened.ok) throw new Error('manifest refused');
    const { manifest } = opened;
    expect(manifest).toMatchObject({
      version: 2,
      publishedAt: '2026-11-27T11:00:00.000Z',
      expiresAt: '2026-11-30T11:00:00.000Z',
      deltas: [{ from: 1 }],
    });
    const delta = manifest.deltas[0] as (typeof manifest.deltas)[number];
    const deltaBytes = new Uint8Array(await readFile(join(dir, delta.path)));
    await checkFileRef(delta, deltaBytes);
    const rebuilt = applyDelta(v1.snapshot.state, await decodeDelta(deltaBytes));
    expect(await directoryDigest(rebuilt)).toBe(manifest.digest);
    const snapshot = await decodeSnapshot(new Uint8Array(await readFile(join(dir, manifest.snapshot.path))));
    expect(rebuilt).toEqual(snapshot.state);
    expect(snapshot.state.flagged.map((flag) => flag.domain)).toContain('fake-shop.test');
  });

  it('gives the same bytes for the same data', async () => {
    const other = await openTestService();
    try {
      await generateKeyFile(other.dataDir);
      await seed(other);
      await publish(service);
      await publish(other);
      const files = async (s: TestService) => {
        const dir = publicDirectoryDir(s.dataDir);
        const names = (await readdir(dir)).filter((name) => name !== 'manifest.json').sort();
        return Promise.all(names.map(async (name) => [name, (await readFile(join(dir, name))).toString('hex')]));
      };
      // Different keys sign the two manifests; everything they name is byte-identical.
      expect(await files(other)).toEqual(await files(service));
      const payload = async (s: TestService) => JSON.parse((await published(s)).manifestText).payload;
      expect(await payload(other)).toBe(await payload(service));
    } finally {
      await other.close();
    }
  });

  it('counts a report accepted by a moderator in the next published snapshot', async () => {
    await publish(service);
    const sent = await service.send('POST', '/v1/reports', {
      url: 'https://www.atlas-electro.test/checkout?step=2',
      reason: 'non-delivery',
      idempotencyKey: randomUUID(),
    });
    const { receipt } = await sent.json();
    const accepted = await service.admin('POST', `/v1/admin/reports/${receipt}/accept`, { category: 'non-delivery' });
    expect(accepted.status).toBe(200);
    await publish(service);
    const { snapshot } = await loadPublishedDirectory(publicDirectoryDir(service.dataDir), [publicKey]);
    expect(snapshot.version).toBe(2);
    const atlas = snapshot.state.merchants.find((merchant) => merchant.id === 'atlas-electro');
    expect(atlas?.complaints.open['non-delivery']).toBe(1);
    expect((await (await service.send('GET', `/v1/reports/${receipt}`)).json()).status).toBe('accepted');
  });

  it("publishes each merchant's answer record: sent, answered, median days; unfounded ones left out", async () => {
    await publish(service);
    const db = service.registry.db;
    const atlas = { id: 'atlas-electro', domain: 'atlas-electro.test' };
    // Ten sent, nine answered after 1 to 9 days: the median is 5 days.
    await insertSentComplaints(db, atlas, '2026-10-01T08:00:00Z', [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((days) => ({ answeredAfterDays: days })),
      { answeredAfterDays: null, status: 'open' as const },
      // Unfounded after review: neither sent nor answered in the record, however slow.
      { answeredAfterDays: 300, status: 'unfounded' as const },
      { answeredAfterDays: null, status: 'unfounded' as const },
    ]);
    // Another merchant's complaints count for it alone; 26 h and 40 h: a median of 33 h is 1.375 days.
    await insertSentComplaints(db, { id: 'casa-deals', domain: 'casa-deals.test' }, '2026-10-01T08:00:00Z', [
      { answeredAfterDays: 26 / 24 },
      { answeredAfterDays: 40 / 24 },
      { answeredAfterDays: null, status: 'unanswered' },
    ]);
    service.setNow('2026-11-27T11:00:00Z');
    await publish(service);

    const { manifest, snapshot } = await loadPublishedDirectory(publicDirectoryDir(service.dataDir), [publicKey]);
    const merchant = (id: string) => snapshot.state.merchants.find((entry) => entry.id === id);
    expect(merchant('atlas-electro')?.answers).toEqual({ sent: 10, answered: 9, medianDays: 5 });
    expect(merchant('casa-deals')?.answers).toEqual({ sent: 3, answered: 2, medianDays: 1.4 });
    // Never sent a complaint: no record at all, as in directories published before it existed.
    expect(merchant('dar-argan')).not.toHaveProperty('answers');
    expect(merchant('atlas-electro')?.complaints.open['non-delivery']).toBe(1);

    // The delta from version 1 carries the records, and rebuilds the signed state.
    const v1 = await storedSnapshot(db, 1);
    const ref = manifest.deltas[0] as (typeof manifest.deltas)[number];
    const delta = await decodeDelta(
      new Uint8Array(await readFile(join(publicDirectoryDir(service.dataDir), ref.path))),
    );
    expect(delta.merchants.upsert.map((entry) => [entry.id, entry.answers?.sent])).toEqual([
      ['atlas-electro', 10],
      ['casa-deals', 3],
    ]);
    expect(await directoryDigest(applyDelta(v1.state, delta))).toBe(manifest.digest);
  });

  for (const run of ['in-process', 'worker'] as const) {
    it(`publishes from the kept records and the merchants written since the same directory as from the database alone (${run})`, async () => {
      const publishNow = async (onlyIfChanged = false) =>
        publishDirectory(service.registry.db, {
          dataDir: service.dataDir,
          keys: await loadSigningKeys(service.dataDir),
          now: new Date('2026-11-27T12:00:00Z'),
          actor: 'test',
          onlyIfChanged,
          thread: { run },
        });
      const embedded = service.registry.engine === 'pglite';
      const first = await publishNow();
      expect(first.read).toMatchObject({ read: 'all', fromKept: 0 });
      const merchants = first.read.fromDatabase;
      await sql`update merchants set record = jsonb_set(record, '{city}', '"Essaouira"') where id = 'atlas-electro'`.execute(
        service.registry.db,
      );
      const second = await publishNow();
      expect(second.read).toMatchObject(
        embedded
          ? { read: 'changes', fromDatabase: 1, fromKept: merchants - 1 }
          : { read: 'all', fromDatabase: merchants, fromKept: 0 },
      );
      if (!second.published) throw new Error('the changed city was not published');
      const v2 = await loadPublishedDirectory(publicDirectoryDir(service.dataDir), [publicKey]);
      expect(v2.snapshot.state.merchants.find((merchant) => merchant.id === 'atlas-electro')?.city).toBe('Essaouira');
      // Without the kept file the database alone is read, and the state is the one just signed.
      await rm(join(service.dataDir, RECORD_CACHE_FILE), { force: true });
      const fromDatabase = await publishNow(true);
      expect(fromDatabase).toMatchObject({
        published: false,
        version: 2,
        read: { read: 'all', fromDatabase: merchants },
      });
    });
  }

  it('publishes on schedule only when something changed', async () => {
    expect(await publish(service)).toMatchObject({ version: 1 });
    const unchanged = await service.admin('POST', '/v1/admin/publish?onlyIfChanged=true');
    expect(await unchanged.json()).toMatchObject({ published: false, version: 1, renewed: false });
  });

  it('refuses to publish without a signing key', async () => {
    const keyless = await openTestService();
    try {
      const response = await keyless.admin('POST', '/v1/admin/publish');
      expect(response.status).toBe(503);
      expect((await response.json()).detail).toContain('thiqa keys generate');
    } finally {
      await keyless.close();
    }
  });
});

describe('GET /v1/directory/*', () => {
  it('serves the manifest and files with strong ETags, 304 on If-None-Match, and cache rules', async () => {
    const service = await openTestService();
    try {
      await generateKeyFile(service.dataDir);
      expect((await service.send('GET', '/v1/directory/manifest.json')).status).toBe(404);
      await seed(service);
      await publish(service);
      const manifest = await service.send('GET', '/v1/directory/manifest.json');
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get('Cache-Control')).toBe('public, max-age=60, must-revalidate');
      const etag = manifest.headers.get('ETag') as string;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      const { manifest: parsed } = await loadPublishedDirectory(publicDirectoryDir(service.dataDir));
      const again = await service.send('GET', '/v1/directory/manifest.json', undefined, { 'If-None-Match': etag });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');

      const snapshot = await service.send('GET', `/v1/directory/${parsed.snapshot.path}`);
      expect(snapshot.status).toBe(200);
      expect(snapshot.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
      expect(snapshot.headers.get('Content-Type')).toBe('application/gzip');
      const bytes = new Uint8Array(await snapshot.arrayBuffer());
      await checkFileRef(parsed.snapshot, bytes);
      expect(snapshot.headers.get('ETag')).toBe(`"${parsed.snapshot.sha256}"`);
      expect((await service.send('GET', '/v1/directory/..%2Fkeys')).status).toBe(400);
    } finally {
      await service.close();
    }
  });
});
