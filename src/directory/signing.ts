import { fromBase64, fromUtf8, sha256Hex, toBase64 } from './bytes.ts';
import {
  describeSchemaError,
  type Manifest,
  manifestSchema,
  type SignedManifest,
  signedManifestSchema,
} from './schemas.ts';

// Ed25519 through WebCrypto, over the exact bytes of a file. The manifest travels in an
// envelope that carries its bytes verbatim (base64), so no verifier ever re-serializes
// JSON to check a signature.

const ED25519 = { name: 'Ed25519' } as const;
export const MANIFEST_PAYLOAD_TYPE = 'application/vnd.thiqa.manifest+json';

export interface PublicKeyInfo {
  /** First 16 hex digits of the SHA-256 of the raw 32-byte public key. */
  keyId: string;
  /** The raw public key, base64: what extension builds pin in THIQA_PUBLIC_KEYS. */
  publicKey: string;
}

export interface SigningKey extends PublicKeyInfo {
  privateKey: CryptoKey;
}

export async function keyIdOf(publicKeyBase64: string): Promise<string> {
  return (await sha256Hex(fromBase64(publicKeyBase64))).slice(0, 16);
}

/** A new key pair; the private half is returned as a JWK for the publisher to keep. */
export async function generateSigningKey(): Promise<{ info: PublicKeyInfo; privateJwk: JsonWebKey }> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const publicKey = toBase64(raw);
  const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return { info: { keyId: await keyIdOf(publicKey), publicKey }, privateJwk };
}

export async function importSigningKey(privateJwk: JsonWebKey): Promise<SigningKey> {
  if (privateJwk.kty !== 'OKP' || privateJwk.crv !== 'Ed25519' || !privateJwk.x || !privateJwk.d) {
    throw new Error('not an Ed25519 private key (JWK with kty OKP, crv Ed25519, x and d)');
  }
  const privateKey = await crypto.subtle.importKey('jwk', privateJwk, ED25519, false, ['sign']);
  const publicKey = toBase64(fromBase64(privateJwk.x.replace(/-/g, '+').replace(/_/g, '/').padEnd(44, '=')));
  return { keyId: await keyIdOf(publicKey), publicKey, privateKey };
}

export async function signBytes(key: SigningKey, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return toBase64(new Uint8Array(await crypto.subtle.sign(ED25519, key.privateKey, bytes)));
}

export async function verifyBytes(
  publicKeyBase64: string,
  bytes: Uint8Array<ArrayBuffer>,
  signatureBase64: string,
): Promise<boolean> {
  try {
    const raw = fromBase64(publicKeyBase64);
    const signature = fromBase64(signatureBase64);
    if (raw.length !== 32 || signature.length !== 64) return false;
    const key = await crypto.subtle.importKey('raw', raw, ED25519, false, ['verify']);
    return await crypto.subtle.verify(ED25519, key, signature, bytes);
  } catch {
    return false;
  }
}

/** Wraps the manifest's exact bytes in a signed envelope; one signature per key (rotation). */
export async function signManifest(
  manifestBytes: Uint8Array<ArrayBuffer>,
  keys: readonly SigningKey[],
): Promise<string> {
  if (keys.length === 0) throw new Error('at least one signing key is needed');
  const signatures = [];
  for (const key of keys) signatures.push({ keyId: key.keyId, sig: await signBytes(key, manifestBytes) });
  const envelope: SignedManifest = {
    payloadType: MANIFEST_PAYLOAD_TYPE,
    payload: toBase64(manifestBytes),
    signatures,
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

export type ManifestRefusal =
  | { code: 'envelope-invalid'; detail: string }
  | { code: 'signature-unknown-key'; keyIds: string[] }
  | { code: 'signature-invalid'; keyId: string }
  | { code: 'manifest-invalid'; detail: string };

export type OpenedManifest =
  | { ok: true; manifest: Manifest; keyId: string; bytes: Uint8Array<ArrayBuffer> }
  | { ok: false; refusal: ManifestRefusal };

/**
 * Opens a signed manifest: the envelope must parse, one signature must verify under a
 * pinned key, and only then are the signed bytes parsed as a manifest.
 */
export async function openSignedManifest(
  envelopeText: string,
  pinnedKeys: readonly PublicKeyInfo[],
): Promise<OpenedManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(envelopeText);
  } catch {
    return { ok: false, refusal: { code: 'envelope-invalid', detail: 'not JSON' } };
  }
  const envelope = signedManifestSchema.safeParse(raw);
  if (!envelope.success) {
    return {
      ok: false,
      refusal: { code: 'envelope-invalid', detail: describeSchemaError(envelope.error, 'envelope') },
    };
  }
  const bytes = fromBase64(envelope.data.payload);
  const known = envelope.data.signatures.filter((signature) => pinnedKeys.some((key) => key.keyId === signature.keyId));
  if (known.length === 0) {
    return {
      ok: false,
      refusal: { code: 'signature-unknown-key', keyIds: envelope.data.signatures.map((signature) => signature.keyId) },
    };
  }
  let verifiedBy: string | null = null;
  for (const signature of known) {
    const key = pinnedKeys.find((pinned) => pinned.keyId === signature.keyId);
    if (key && (await verifyBytes(key.publicKey, bytes, signature.sig))) {
      verifiedBy = key.keyId;
      break;
    }
  }
  if (verifiedBy === null) {
    return { ok: false, refusal: { code: 'signature-invalid', keyId: (known[0] as { keyId: string }).keyId } };
  }
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(fromUtf8(bytes));
  } catch {
    return { ok: false, refusal: { code: 'manifest-invalid', detail: 'signed payload is not JSON' } };
  }
  const manifest = manifestSchema.safeParse(manifestJson);
  if (!manifest.success) {
    return {
      ok: false,
      refusal: { code: 'manifest-invalid', detail: describeSchemaError(manifest.error, 'manifest') },
    };
  }
  return { ok: true, manifest: manifest.data, keyId: verifiedBy, bytes };
}

/** Parses `THIQA_PUBLIC_KEYS`: base64 raw Ed25519 keys separated by commas or spaces. */
export async function parsePublicKeys(list: string): Promise<PublicKeyInfo[]> {
  const keys: PublicKeyInfo[] = [];
  for (const publicKey of list.split(/[\s,]+/).filter(Boolean)) {
    let raw: Uint8Array;
    try {
      raw = fromBase64(publicKey);
    } catch {
      throw new Error(`public key ${publicKey.slice(0, 12)}… is not base64`);
    }
    if (raw.length !== 32) throw new Error(`public key ${publicKey.slice(0, 12)}… is not 32 bytes`);
    keys.push({ keyId: await keyIdOf(publicKey), publicKey });
  }
  return keys;
}
