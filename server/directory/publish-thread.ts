import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { ServiceError } from '../http/service-error.ts';
import { workerEntry } from '../worker-bundle.ts';
import type { BuildInput } from './publication-build.ts';
import { InProcessBuild } from './publish-in-process.ts';
import type { KeptFile, KeptRecord } from './publish-record-cache.ts';
import type { FromWorker, PreviousVersion, ToWorker } from './publish-worker.ts';

// The publisher's side of the publish worker (publish-worker.ts). Starting a worker costs
// its module loading (zod, the Public Suffix List: about half a second), which a service
// publishing every few minutes should not pay each time: an idle worker is kept for the
// next publish, unless the last one was large, so that its heap goes back to the system.
// Any failure in the worker (a
// record extensions would refuse, an exception, running out of memory, an exit) rejects
// what the publisher is waiting for with an error that says so; nothing is committed then.

/** Pages handed to the worker and not yet done: enough to keep it busy, few enough to bound memory. */
const PAGES_IN_FLIGHT = 4;

/** The worker's code, and its entry through tsx should bundling it fail (worker-bundle.ts). */
export const PUBLISH_WORKER = new URL('./publish-worker.ts', import.meta.url);
export const PUBLISH_WORKER_TSX = new URL('./publish-worker-entry.mjs', import.meta.url);

/** After a publish of at least this many merchants the worker is ended rather than kept. */
const KEEP_WORKER_BELOW_MERCHANTS = 20_000;

let idleWorker: Worker | undefined;

function spawnWorker(entry: URL, options: PublishThreadOptions): Worker {
  const worker = new Worker(entry, options.resourceLimits ? { resourceLimits: options.resourceLimits } : {});
  // An idle worker must never take the process down or keep it alive.
  worker.on('error', () => {});
  worker.on('exit', () => {
    if (idleWorker === worker) idleWorker = undefined;
  });
  worker.unref();
  return worker;
}

type Written = Extract<FromWorker, { type: 'written' }>;
type StateDone = Extract<FromWorker, { type: 'state' }>;

export interface PublishThreadOptions {
  /** Limits of the worker's heap (node:worker_threads); a worker past them stops with an error. */
  resourceLimits?: ResourceLimits;
  /** Where the files are built; by default by the registry's size (publishWorkerFrom). */
  run?: 'worker' | 'in-process';
}

/** What a publish drives: the worker thread (PublishThread) or the same build in this thread. */
export interface PublishBuild {
  /** One page of merchants: their ids and records as the database's JSON text. */
  addMerchants(records: KeptRecord[]): Promise<void>;
  /** The records the last publish kept, `changed` in place of theirs; false when the file is not sound (none taken). */
  addKept(kept: KeptFile, changed: KeptRecord[]): Promise<number | false>;
  finishState(): Promise<StateDone>;
  write(dir: string, previous: PreviousVersion[], snapshotText: (version: number) => Promise<string>): Promise<Written>;
  end(): Promise<void>;
}

/**
 * Registries of at least this many merchants are built in the worker thread; smaller ones
 * in the publisher's thread, where building them takes less than starting a worker
 * (THIQA_PUBLISH_WORKER_FROM; 0 sends every publish to the worker). Measured by CPU time
 * on the test machine: 100 merchants hold the event loop about 10 ms, 500 about 140 ms.
 */
export const DEFAULT_PUBLISH_WORKER_FROM = 100;

export function publishWorkerFrom(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.THIQA_PUBLISH_WORKER_FROM;
  if (text === undefined || text === '') return DEFAULT_PUBLISH_WORKER_FROM;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`THIQA_PUBLISH_WORKER_FROM must be a whole number of merchants, not ${JSON.stringify(text)}`);
  }
  return value;
}

/** Where a publish of `merchants` merchants is built (a worker with limits is always a worker). */
export function publishRunsIn(merchants: number, options: PublishThreadOptions = {}, env = process.env) {
  if (options.run) return options.run;
  if (options.resourceLimits) return 'worker';
  const from = publishWorkerFrom(env);
  return from > 0 && merchants < from ? 'in-process' : 'worker';
}

/** Starts a publish's build in the worker or in this thread (publishRunsIn). */
export async function startPublishBuild(
  db: Kysely<Database>,
  input: BuildInput,
  scratchFd: number,
  options: PublishThreadOptions = {},
  keepFd?: number,
): Promise<PublishBuild> {
  // Counted only as far as the threshold: a count of the whole table is a scan of every
  // merchant, which on PGlite held every request up (480 ms at 100k merchants).
  const from = publishWorkerFrom();
  const row = await db
    // In the primary key's order: a table scan first walks the rows that updates left dead
    // (PGlite has no autovacuum): 22 ms after 100k merchants were changed once.
    .selectFrom((eb) => eb.selectFrom('merchants').select('id').orderBy('id').limit(Math.max(from, 1)).as('first'))
    .select(db.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return publishRunsIn(Number(row.n), options) === 'in-process'
    ? new InProcessBuild(input, scratchFd, keepFd)
    : new PublishThread(input, scratchFd, options, await workerEntry(PUBLISH_WORKER, PUBLISH_WORKER_TSX), keepFd);
}

export class PublishThread implements PublishBuild {
  readonly #worker: Worker;
  #failure: Error | undefined;
  #inFlight = 0;
  #pageDone: (() => void) | undefined;
  #waiting: { resolve: (message: FromWorker) => void; reject: (error: Error) => void } | undefined;
  #snapshotText: ((version: number) => Promise<string>) | undefined;
  #ended = false;
  #merchants = 0;
  readonly #keepable: boolean;
  readonly #listeners = {
    message: (message: FromWorker) => this.#receive(message),
    error: (error: Error & { code?: string }) =>
      this.#fail(
        new Error(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `publishing stopped: its worker thread ran out of memory (${error.message})`
            : `publishing failed in its worker thread: ${error.message}`,
        ),
      ),
    exit: (code: number) => {
      if (!this.#ended) this.#fail(new Error(`publishing stopped: its worker thread exited (code ${code})`));
    },
  };

  /**
   * `scratchFd`: a scratch file (openScratchFile) the caller closes once `end` has settled;
   * `entry`: the worker's code (server/worker-bundle.ts), when no idle worker is there to reuse.
   */
  constructor(input: BuildInput, scratchFd: number, options: PublishThreadOptions, entry: URL, keepFd?: number) {
    // A worker with its own limits is never shared.
    const reusable = options.resourceLimits === undefined && idleWorker !== undefined;
    this.#worker = reusable && idleWorker ? idleWorker : spawnWorker(entry, options);
    if (this.#worker === idleWorker) idleWorker = undefined;
    this.#worker.on('message', this.#listeners.message);
    this.#worker.on('error', this.#listeners.error);
    this.#worker.on('exit', this.#listeners.exit);
    this.#keepable = options.resourceLimits === undefined;
    this.#send(
      keepFd === undefined ? { type: 'start', input, scratchFd } : { type: 'start', input, scratchFd, keepFd },
    );
  }

  #send(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  #receive(message: FromWorker): void {
    if (message.type === 'failed') {
      this.#fail(
        message.refused
          ? new ServiceError('invalid', `the registry cannot be published: ${message.message}`)
          : new Error(`publishing failed in its worker thread: ${message.message}`),
      );
    } else if (message.type === 'page-done') {
      this.#inFlight--;
      this.#pageDone?.();
    } else if (message.type === 'need-snapshot') {
      const read = this.#snapshotText;
      if (!read) {
        this.#fail(new Error('the publish worker asked for a snapshot unasked'));
        return;
      }
      read(message.version).then(
        (text) => this.#send({ type: 'snapshot-text', version: message.version, text }),
        (error: Error) => this.#fail(error),
      );
    } else {
      if (message.type === 'state') this.#merchants = message.merchants;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.resolve(message);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#waiting?.reject(this.#failure);
    this.#waiting = undefined;
    this.#pageDone?.();
  }

  #next<T extends FromWorker>(type: T['type']): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<FromWorker>((resolve, reject) => {
      this.#waiting = { resolve, reject };
    }).then((message) => {
      if (message.type !== type) throw new Error(`the publish worker answered ${message.type}, not ${type}`);
      return message as T;
    });
  }

  /** Hands one page of merchant records (JSON texts) over; waits while too many are pending. */
  async addMerchants(records: KeptRecord[]): Promise<void> {
    while (this.#inFlight >= PAGES_IN_FLIGHT && !this.#failure) {
      await new Promise<void>((resolve) => {
        this.#pageDone = resolve;
      });
    }
    if (this.#failure) throw this.#failure;
    this.#inFlight++;
    this.#send({ type: 'merchants', records });
  }

  /** The worker reads the kept file itself: nothing of it passes through this thread. */
  async addKept(kept: KeptFile, changed: KeptRecord[]): Promise<number | false> {
    const done = this.#next<Extract<FromWorker, { type: 'kept-done' }>>('kept-done');
    this.#send({ type: 'kept', kept, changed });
    return (await done).fromKept;
  }

  /** The state's digest, once every page is in. */
  finishState(): Promise<StateDone> {
    const done = this.#next<StateDone>('state');
    this.#send({ type: 'finish-state' });
    return done;
  }

  /** Writes the snapshot and deltas into `dir`; older snapshots not kept aside come from `snapshotText`. */
  write(
    dir: string,
    previous: PreviousVersion[],
    snapshotText: (version: number) => Promise<string>,
  ): Promise<Written> {
    this.#snapshotText = snapshotText;
    const written = this.#next<Written>('written');
    this.#send({ type: 'write', dir, previous });
    return written;
  }

  /** Keeps the worker for the next publish when it is sound and was lightly used; else ends it. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#worker.off('message', this.#listeners.message);
    this.#worker.off('error', this.#listeners.error);
    this.#worker.off('exit', this.#listeners.exit);
    // Only a worker with nothing under way: a late answer must never reach the next publish.
    const quiet = this.#inFlight === 0 && this.#waiting === undefined && !this.#failure;
    const keep = quiet && this.#keepable && this.#merchants < KEEP_WORKER_BELOW_MERCHANTS && !idleWorker;
    if (keep) idleWorker = this.#worker;
    else await this.#worker.terminate();
  }
}
