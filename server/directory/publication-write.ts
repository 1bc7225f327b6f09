import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { PublicationBuilder } from './publication-build.ts';
import type { FromWorker, PreviousVersion } from './publish-worker.ts';
import { storedGzip } from './served-files.ts';

// Writing a built publication's files, shared by the publish worker and the in-process
// path for small registries: the snapshot, then a delta from each older version, newest
// first (as buildPublication lists them).

type Written = Extract<FromWorker, { type: 'written' }>;

/** Decompressed as it is read, so that the snapshot's JSON is never whole in memory. */
function gunzipped(gzipped: Buffer): AsyncIterable<Buffer> {
  return Readable.from([gzipped]).pipe(createGunzip());
}

/**
 * An older version's snapshot, as the bytes of its JSON: from its kept file when intact,
 * else as stored in the database (STORED_GZIP_PREFIX, or the JSON text rows before it hold).
 */
async function previousSnapshot(
  previous: PreviousVersion,
  stored: (version: number) => Promise<string>,
): Promise<AsyncIterable<Buffer> | Iterable<Buffer>> {
  if (previous.file) {
    const bytes = await readFile(previous.file).catch(() => null);
    if (bytes && createHash('sha256').update(bytes).digest('hex') === previous.sha256) return gunzipped(bytes);
  }
  const form = await stored(previous.version);
  const gzipped = storedGzip(form);
  return gzipped ? gunzipped(gzipped) : [Buffer.from(form, 'utf8')];
}

export async function writePublication(
  builder: PublicationBuilder,
  dir: string,
  previous: readonly PreviousVersion[],
  storedSnapshot: (version: number) => Promise<string>,
): Promise<Written> {
  const snapshot = await builder.writeSnapshot(dir);
  const deltas = [];
  for (const old of [...previous].sort((a, b) => b.version - a.version)) {
    deltas.push(await builder.writeDelta(dir, await previousSnapshot(old, storedSnapshot)));
  }
  return { type: 'written', snapshot: snapshot.ref, deltas };
}
