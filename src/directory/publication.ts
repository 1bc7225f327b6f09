import { canonicalJson, concatBytes, fromUtf8, sha256Hex, utf8 } from './bytes.ts';
import { createDelta, directoryDigest } from './delta.ts';
import {
  type Delta,
  deltaSchema,
  describeSchemaError,
  MANIFEST_FORMAT,
  type Manifest,
  type Snapshot,
  snapshotSchema,
} from './schemas.ts';
import { type SigningKey, signManifest } from './signing.ts';

// The published directory: a signed manifest naming a content-addressed gzipped snapshot
// and deltas from recent versions. Built here from plain data so that the service, the
// CLI and test fixtures publish byte-identical files for the same data.

export interface PublishedFile {
  path: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export interface Publication {
  manifest: Manifest;
  /** The signed envelope, the text of `manifest.json`. */
  manifestText: string;
  files: PublishedFile[];
}

async function pipeBytes(
  bytes: Uint8Array<ArrayBuffer>,
  transform: GenericTransformStream,
): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes])
    .stream()
    .pipeThrough(transform as unknown as TransformStream<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return pipeBytes(bytes, new CompressionStream('gzip'));
}

export class FileRefused extends Error {
  override name = 'FileRefused';
  constructor(
    readonly code: 'size-mismatch' | 'hash-mismatch' | 'too-large' | 'not-gzip' | 'schema-invalid',
    message: string,
  ) {
    super(message);
  }
}

/** Gunzips, stopping once the output passes `maxBytes` (a gzip bomb stops there). */
export async function gunzip(bytes: Uint8Array<ArrayBuffer>, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new FileRefused('too-large', `decompressed size passes ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FileRefused) throw error;
    throw new FileRefused('not-gzip', `not a gzip file (${(error as Error).message})`);
  }
  return concatBytes(chunks);
}

/** Checks a downloaded file against the size and SHA-256 its manifest names. */
export async function checkFileRef(
  ref: { path: string; size: number; sha256: string },
  bytes: Uint8Array<ArrayBuffer>,
) {
  if (bytes.length !== ref.size) {
    throw new FileRefused('size-mismatch', `${ref.path}: ${bytes.length} bytes, manifest says ${ref.size}`);
  }
  const hash = await sha256Hex(bytes);
  if (hash !== ref.sha256) throw new FileRefused('hash-mismatch', `${ref.path}: SHA-256 differs from the manifest`);
}

/** A gzipped JSON file expands to at most this many times its size, and never past 512 MB. */
export const MAX_EXPANSION = 64;
const MAX_DECODED_BYTES = 512 * 1024 * 1024;

async function decodeJson(bytes: Uint8Array<ArrayBuffer>, what: string): Promise<unknown> {
  const text = fromUtf8(await gunzip(bytes, Math.min(bytes.length * MAX_EXPANSION, MAX_DECODED_BYTES)));
  try {
    return JSON.parse(text);
  } catch {
    throw new FileRefused('schema-invalid', `${what}: not JSON`);
  }
}

export async function decodeSnapshot(bytes: Uint8Array<ArrayBuffer>): Promise<Snapshot> {
  const parsed = snapshotSchema.safeParse(await decodeJson(bytes, 'snapshot'));
  if (!parsed.success) throw new FileRefused('schema-invalid', describeSchemaError(parsed.error, 'snapshot'));
  return parsed.data;
}

export async function decodeDelta(bytes: Uint8Array<ArrayBuffer>): Promise<Delta> {
  const parsed = deltaSchema.safeParse(await decodeJson(bytes, 'delta'));
  if (!parsed.success) throw new FileRefused('schema-invalid', describeSchemaError(parsed.error, 'delta'));
  return parsed.data;
}

export async function encodeJsonFile(value: unknown): Promise<Uint8Array<ArrayBuffer>> {
  return gzip(utf8(canonicalJson(value)));
}

/**
 * Builds the files of one publication: the snapshot of `current`, a delta from each of
 * `previous` (older versions still offered), and the manifest signed by every key.
 */
export async function buildPublication(options: {
  current: Snapshot;
  previous: readonly Snapshot[];
  keys: readonly SigningKey[];
}): Promise<Publication> {
  const { current, previous, keys } = options;
  const snapshotBytes = await encodeJsonFile(current);
  const snapshotHash = await sha256Hex(snapshotBytes);
  const files: PublishedFile[] = [
    { path: `snapshot-${current.version}-${snapshotHash.slice(0, 16)}.json.gz`, bytes: snapshotBytes },
  ];
  const deltas: Manifest['deltas'] = [];
  for (const old of [...previous].sort((a, b) => b.version - a.version)) {
    if (old.version >= current.version) continue;
    const bytes = await encodeJsonFile(createDelta(old, current));
    const sha256 = await sha256Hex(bytes);
    const path = `delta-${old.version}-${current.version}-${sha256.slice(0, 16)}.json.gz`;
    files.push({ path, bytes });
    deltas.push({ from: old.version, path, sha256, size: bytes.length });
  }
  const publishedAt = new Date(current.publishedAt);
  const expiresAt = new Date(publishedAt.getTime() + current.state.policy.directoryLifetimeHours * 3_600_000);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    formatVersion: 1,
    version: current.version,
    publishedAt: publishedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    digest: await directoryDigest(current.state),
    snapshot: { path: files[0]?.path as string, sha256: snapshotHash, size: snapshotBytes.length },
    deltas,
  };
  const manifestText = await signManifest(utf8(canonicalJson(manifest)), keys);
  return { manifest, manifestText, files };
}
