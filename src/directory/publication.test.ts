import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { utf8 } from './bytes.ts';
import { applyDelta, directoryDigest } from './delta.ts';
import {
  buildPublication,
  checkFileRef,
  decodeDelta,
  decodeSnapshot,
  FileRefused,
  gunzip,
  gzip,
} from './publication.ts';
import type { Snapshot } from './schemas.ts';
import { generateSigningKey, importSigningKey, openSignedManifest } from './signing.ts';

function snapshot(version: number, merchants = [testMerchant({ id: 'a' })]): Snapshot {
  return {
    format: 'thiqa.snapshot',
    formatVersion: 1,
    version,
    publishedAt: `2026-11-2${version}T10:00:00.000Z`,
    state: testState({ merchants }),
  };
}

describe('buildPublication', async () => {
  const { info, privateJwk } = await generateSigningKey();
  const key = await importSigningKey(privateJwk);
  const v1 = snapshot(1);
  const v2 = snapshot(2, [testMerchant({ id: 'a' }), testMerchant({ id: 'b' })]);

  it('writes a signed manifest naming every file by size and hash', async () => {
    const publication = await buildPublication({ current: v2, previous: [v1], keys: [key] });
    const opened = await openSignedManifest(publication.manifestText, [info]);
    expect(opened.ok && opened.manifest).toMatchObject({
      version: 2,
      publishedAt: '2026-11-22T10:00:00.000Z',
      expiresAt: '2026-11-25T10:00:00.000Z',
      digest: await directoryDigest(v2.state),
    });
    for (const file of publication.files) {
      const ref = [publication.manifest.snapshot, ...publication.manifest.deltas].find((r) => r.path === file.path);
      expect(ref).toBeDefined();
      await checkFileRef(ref as { path: string; size: number; sha256: string }, file.bytes);
    }
  });

  it('gives the same bytes for the same data', async () => {
    const a = await buildPublication({ current: v2, previous: [v1], keys: [key] });
    const b = await buildPublication({ current: v2, previous: [v1], keys: [key] });
    expect(b.manifestText).toBe(a.manifestText);
    expect(b.files).toEqual(a.files);
  });

  it('old snapshot + delta == new snapshot, matching the manifest digest', async () => {
    const publication = await buildPublication({ current: v2, previous: [v1], keys: [key] });
    const [snapshotFile, deltaFile] = publication.files;
    const decoded = await decodeSnapshot(snapshotFile?.bytes as Uint8Array<ArrayBuffer>);
    expect(decoded).toEqual(v2);
    const delta = await decodeDelta(deltaFile?.bytes as Uint8Array<ArrayBuffer>);
    expect(await directoryDigest(applyDelta(v1.state, delta))).toBe(publication.manifest.digest);
  });

  it('refuses a file with one byte changed, or truncated', async () => {
    const publication = await buildPublication({ current: v2, previous: [], keys: [key] });
    const bytes = publication.files[0]?.bytes as Uint8Array<ArrayBuffer>;
    const changed = bytes.slice();
    changed[20] = (changed[20] as number) ^ 0xff;
    await expect(checkFileRef(publication.manifest.snapshot, changed)).rejects.toMatchObject({ code: 'hash-mismatch' });
    await expect(checkFileRef(publication.manifest.snapshot, bytes.slice(0, -1))).rejects.toMatchObject({
      code: 'size-mismatch',
    });
  });
});

describe('gunzip', () => {
  it('stops a gzip bomb at the bound', async () => {
    const bomb = await gzip(new Uint8Array(10_000_000));
    await expect(gunzip(bomb, 1_000_000)).rejects.toBeInstanceOf(FileRefused);
  });

  it('refuses bytes that are not gzip', async () => {
    await expect(gunzip(utf8('<html>captive portal</html>'), 1000)).rejects.toMatchObject({ code: 'not-gzip' });
  });
});
