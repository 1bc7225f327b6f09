import { ServiceError } from '../http/service-error.ts';
import { type BuildInput, PublicationBuilder, PublishRefused } from './publication-build.ts';
import { writePublication } from './publication-write.ts';
import { KeepingFeed, type KeptFile, type KeptRecord } from './publish-record-cache.ts';
import type { PublishBuild } from './publish-thread.ts';
import type { FromWorker, PreviousVersion } from './publish-worker.ts';

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
  readonly #feed: KeepingFeed;

  constructor(input: BuildInput, scratchFd: number, keepFd?: number) {
    this.#builder = new PublicationBuilder(input, scratchFd);
    this.#feed = new KeepingFeed((texts) => this.#builder.addMerchants(texts), keepFd);
  }

  async addMerchants(records: KeptRecord[]): Promise<void> {
    rethrown(() => this.#feed.addMerchants(records));
  }

  async addKept(kept: KeptFile, changed: KeptRecord[]): Promise<number | false> {
    return rethrown(() => this.#feed.addKept(kept, changed));
  }

  async finishState(): Promise<StateDone> {
    return { type: 'state', ...rethrown(() => this.#builder.finishState()), kept: this.#feed.finishKeep() };
  }

  /** As the worker writes (publication-write.ts). */
  async write(
    dir: string,
    previous: PreviousVersion[],
    snapshotText: (version: number) => Promise<string>,
  ): Promise<Written> {
    try {
      return await writePublication(this.#builder, dir, previous, snapshotText);
    } catch (error) {
      throw asPublishError(error);
    }
  }

  async end(): Promise<void> {
    this.#builder.release();
  }
}
