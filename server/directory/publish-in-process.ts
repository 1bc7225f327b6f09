import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { ServiceError } from '../http/service-error.ts';
import { type BuildInput, PublicationBuilder, PublishRefused } from './publication-build.ts';
import type { PublishBuild } from './publish-thread.ts';
import type { FromWorker, PreviousVersion } from './publish-worker.ts';
import { storedSnapshotJson } from './served-files.ts';

// A small registry's publish built in the publisher's own thread: the same build code
// (PublicationBuilder) the publish worker runs, without the worker. Starting a worker
// loads its modules again (about half a second, seconds on a busy machine), far more than
// building a few hundred merchants costs; a large registry still goes to the worker
// (publish-thread.ts decides), where it cannot hold up the service's event loop.

type Written = Extract<FromWorker, { type: 'written' }>;
type StateDone = Extract<FromWorker, { type: 'state' }>;

/** The worker's words for a refused registry, so both paths fail alike. */
function asPublishError(error: unknown): Error {
  if (error instanceof PublishRefused) {
    return new ServiceError('invalid', `the registry cannot be published: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function rethrown<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw asPublishError(error);
  }
}

export class InProcessBuild implements PublishBuild {
  readonly #builder: PublicationBuilder;

  constructor(input: BuildInput) {
    this.#builder = new PublicationBuilder(input);
  }

  async addMerchants(texts: string[]): Promise<void> {
    rethrown(() => this.#builder.addMerchants(texts));
  }

  async finishState(): Promise<StateDone> {
    return { type: 'state', ...rethrown(() => this.#builder.finishState()) };
  }

  /** As the worker writes: the snapshot, then a delta from each older version, newest first. */
  async write(
    dir: string,
    previous: PreviousVersion[],
    snapshotText: (version: number) => Promise<string>,
  ): Promise<Written> {
    try {
      const snapshot = await this.#builder.writeSnapshot(dir);
      const deltas = [];
      for (const old of [...previous].sort((a, b) => b.version - a.version)) {
        deltas.push(await this.#builder.writeDelta(dir, await previousText(old, snapshotText)));
      }
      return { type: 'written', snapshot: snapshot.ref, deltas, storedSnapshot: snapshot.stored };
    } catch (error) {
      throw asPublishError(error);
    }
  }

  async end(): Promise<void> {}
}

/** An older version's snapshot text: from its kept file when intact, else from the database. */
async function previousText(previous: PreviousVersion, stored: (version: number) => Promise<string>): Promise<string> {
  if (previous.file) {
    const bytes = await readFile(previous.file).catch(() => null);
    if (bytes && createHash('sha256').update(bytes).digest('hex') === previous.sha256) {
      return gunzipSync(bytes).toString('utf8');
    }
  }
  return storedSnapshotJson(await stored(previous.version));
}
