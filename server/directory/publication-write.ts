import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { PublicationBuilder } from './publication-build.ts';
import type { FromWorker, PreviousVersion } from './publish-worker.ts';
import { storedSnapshotJson } from './served-files.ts';

// Writing a built publication's files, shared by the publish worker and the in-process
// path for small registries: the snapshot, then a delta from each older version, newest
// first (as buildPublication lists them).

type Written = Extract<FromWorker, { type: 'written' }>;

/** An older version's snapshot text: from its kept file when intact, else as stored in the database. */
async function previousText(previous: PreviousVersion, stored: (version: number) => Promise<string>): Promise<string> {
  if (previous.file) {
    const bytes = await readFile(previous.file).catch(() => null);
    if (bytes && createHash('sha256').update(bytes).digest('hex') === previous.sha256) {
      return gunzipSync(bytes).toString('utf8');
    }
  }
  return storedSnapshotJson(await stored(previous.version));
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
    deltas.push(await builder.writeDelta(dir, await previousText(old, storedSnapshot)));
  }
  return { type: 'written', snapshot: snapshot.ref, deltas };
}
