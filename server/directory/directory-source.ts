import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBase64, fromUtf8 } from '../../src/directory/bytes.ts';
import { checkFileRef, decodeSnapshot, FileRefused } from '../../src/directory/publication.ts';
import {
  describeSchemaError,
  type Manifest,
  manifestSchema,
  type Snapshot,
  signedManifestSchema,
  snapshotSchema,
} from '../../src/directory/schemas.ts';
import { openSignedManifest, type PublicKeyInfo } from '../../src/directory/signing.ts';

/** The demo directory bundled with the extension, also the CLI's default. */
export const BUNDLED_DIRECTORY = fileURLToPath(new URL('../../public/directory/', import.meta.url));

export class DirectoryFileError extends Error {
  override name = 'DirectoryFileError';
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DirectoryFileError(`${path}: cannot read (${code ?? 'error'})`);
  }
}

/** Reads and validates `snapshot.json` from a directory folder. */
export async function loadSnapshotFile(folder: string): Promise<Snapshot> {
  const path = join(folder, 'snapshot.json');
  const text = await readText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DirectoryFileError(`${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) throw new DirectoryFileError(describeSchemaError(parsed.error, path));
  return parsed.data;
}

/**
 * Reads a published folder: `manifest.json` (the signed envelope) and the snapshot it
 * names, checked against the manifest's size and SHA-256. With pinned keys the signature
 * must verify under one of them; without, the manifest is read as published.
 */
export async function loadPublishedDirectory(
  folder: string,
  pinnedKeys?: readonly PublicKeyInfo[],
): Promise<{ manifest: Manifest; snapshot: Snapshot; signedBy: string | null }> {
  const manifestPath = join(folder, 'manifest.json');
  const envelopeText = await readText(manifestPath);
  let manifest: Manifest;
  let signedBy: string | null = null;
  if (pinnedKeys && pinnedKeys.length > 0) {
    const opened = await openSignedManifest(envelopeText, pinnedKeys);
    if (!opened.ok) throw new DirectoryFileError(`${manifestPath}: refused (${JSON.stringify(opened.refusal)})`);
    manifest = opened.manifest;
    signedBy = opened.keyId;
  } else {
    let envelope: unknown;
    try {
      envelope = JSON.parse(envelopeText);
    } catch {
      throw new DirectoryFileError(`${manifestPath}: not JSON`);
    }
    const parsedEnvelope = signedManifestSchema.safeParse(envelope);
    if (!parsedEnvelope.success) throw new DirectoryFileError(describeSchemaError(parsedEnvelope.error, manifestPath));
    let payload: unknown;
    try {
      payload = JSON.parse(fromUtf8(fromBase64(parsedEnvelope.data.payload)));
    } catch {
      throw new DirectoryFileError(`${manifestPath}: the signed payload is not JSON`);
    }
    const parsed = manifestSchema.safeParse(payload);
    if (!parsed.success) throw new DirectoryFileError(describeSchemaError(parsed.error, manifestPath));
    manifest = parsed.data;
  }
  const snapshotPath = join(folder, manifest.snapshot.path);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await readFile(snapshotPath));
  } catch (error) {
    throw new DirectoryFileError(`${snapshotPath}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    await checkFileRef(manifest.snapshot, bytes);
    const snapshot = await decodeSnapshot(bytes);
    if (snapshot.version !== manifest.version) {
      throw new FileRefused(
        'schema-invalid',
        `snapshot version ${snapshot.version}, manifest says ${manifest.version}`,
      );
    }
    return { manifest, snapshot, signedBy };
  } catch (error) {
    if (error instanceof FileRefused) throw new DirectoryFileError(`${snapshotPath}: ${error.message}`);
    throw error;
  }
}

/** A folder with `manifest.json` is a published directory; otherwise it holds `snapshot.json`. */
export async function loadDirectory(folder: string, pinnedKeys?: readonly PublicKeyInfo[]): Promise<Snapshot> {
  const published = await stat(join(folder, 'manifest.json')).then(
    (info) => info.isFile(),
    () => false,
  );
  if (published) return (await loadPublishedDirectory(folder, pinnedKeys)).snapshot;
  return loadSnapshotFile(folder);
}
