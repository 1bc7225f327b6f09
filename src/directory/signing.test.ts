import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.ts';
import {
  generateSigningKey,
  importSigningKey,
  openSignedManifest,
  parsePublicKeys,
  signBytes,
  signManifest,
  verifyBytes,
} from './signing.ts';

const manifest = {
  format: 'thiqa.manifest',
  formatVersion: 1,
  version: 7,
  publishedAt: '2026-11-27T10:00:00.000Z',
  expiresAt: '2026-11-30T10:00:00.000Z',
  digest: 'a'.repeat(64),
  snapshot: { path: 'snapshot-aaaa.json.gz', sha256: 'b'.repeat(64), size: 1234 },
  deltas: [{ from: 6, path: 'delta-6-7.json.gz', sha256: 'c'.repeat(64), size: 99 }],
};

async function newKey() {
  const { info, privateJwk } = await generateSigningKey();
  return { info, key: await importSigningKey(privateJwk) };
}

describe('Ed25519 signing over exact bytes', () => {
  it('verifies with the public key and fails on one changed byte', async () => {
    const { info, key } = await newKey();
    const bytes = utf8('{"version":1}');
    const signature = await signBytes(key, bytes);
    expect(await verifyBytes(info.publicKey, bytes, signature)).toBe(true);
    for (let i = 0; i < bytes.length; i++) {
      const changed = bytes.slice();
      changed[i] = (changed[i] as number) ^ 1;
      expect(await verifyBytes(info.publicKey, changed, signature)).toBe(false);
    }
  });

  it('rejects malformed keys and signatures without throwing', async () => {
    const { info } = await newKey();
    expect(await verifyBytes('not base64!', utf8('x'), 'AAAA')).toBe(false);
    expect(await verifyBytes(info.publicKey, utf8('x'), 'AAAA')).toBe(false);
  });

  it('opens a manifest signed by a pinned key, and names the key', async () => {
    const { info, key } = await newKey();
    const envelope = await signManifest(utf8(JSON.stringify(manifest)), [key]);
    const opened = await openSignedManifest(envelope, [info]);
    expect(opened).toMatchObject({ ok: true, keyId: info.keyId, manifest: { version: 7 } });
  });

  it('accepts either key during rotation, and refuses a key that is not pinned', async () => {
    const old = await newKey();
    const next = await newKey();
    const envelope = await signManifest(utf8(JSON.stringify(manifest)), [old.key, next.key]);
    expect(await openSignedManifest(envelope, [next.info])).toMatchObject({ ok: true, keyId: next.info.keyId });
    expect(await openSignedManifest(envelope, [old.info])).toMatchObject({ ok: true, keyId: old.info.keyId });
    const stranger = await newKey();
    expect(await openSignedManifest(envelope, [stranger.info])).toMatchObject({
      ok: false,
      refusal: { code: 'signature-unknown-key' },
    });
  });

  it('refuses a payload changed after signing', async () => {
    const { info, key } = await newKey();
    const envelope = JSON.parse(await signManifest(utf8(JSON.stringify(manifest)), [key]));
    envelope.payload = btoa(JSON.stringify({ ...manifest, version: 8 }));
    expect(await openSignedManifest(JSON.stringify(envelope), [info])).toMatchObject({
      ok: false,
      refusal: { code: 'signature-invalid' },
    });
  });

  it('refuses a signed manifest that fails its schema, naming the field', async () => {
    const { info, key } = await newKey();
    const envelope = await signManifest(utf8(JSON.stringify({ ...manifest, expiresAt: 'tomorrow' })), [key]);
    const opened = await openSignedManifest(envelope, [info]);
    expect(opened.ok).toBe(false);
    expect(!opened.ok && opened.refusal.code === 'manifest-invalid' && opened.refusal.detail).toContain('expiresAt');
  });

  it.each(['', 'null', '<html>captive portal</html>', '{"payload":1}'])('refuses envelope %j', async (text) => {
    const { info } = await newKey();
    expect(await openSignedManifest(text, [info])).toMatchObject({ ok: false, refusal: { code: 'envelope-invalid' } });
  });

  it('parses pinned keys from THIQA_PUBLIC_KEYS', async () => {
    const a = await newKey();
    const b = await newKey();
    expect(await parsePublicKeys(` ${a.info.publicKey}, ${b.info.publicKey} `)).toEqual([a.info, b.info]);
    await expect(parsePublicKeys('AAAA')).rejects.toThrow('not 32 bytes');
  });
});
