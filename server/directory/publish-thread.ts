import { type ResourceLimits, Worker } from 'node:worker_threads';
import { ServiceError } from '../http/service-error.ts';
import type { BuildInput } from './publication-build.ts';
import type { FromWorker, PreviousVersion, ToWorker } from './publish-worker.ts';

// The publisher's side of the publish worker (publish-worker.ts): one worker per publish,
// ended when the publish ends, so its memory goes with it. Any failure in the worker (a
// record extensions would refuse, an exception, running out of memory, an exit) rejects
// what the publisher is waiting for with an error that says so; nothing is committed then.

const ENTRY = new URL('./publish-worker-entry.mjs', import.meta.url);

/** Pages handed to the worker and not yet done: enough to keep it busy, few enough to bound memory. */
const PAGES_IN_FLIGHT = 4;

type Written = Extract<FromWorker, { type: 'written' }>;
type StateDone = Extract<FromWorker, { type: 'state' }>;

export interface PublishThreadOptions {
  /** Limits of the worker's heap (node:worker_threads); a worker past them stops with an error. */
  resourceLimits?: ResourceLimits;
}

export class PublishThread {
  readonly #worker: Worker;
  #failure: Error | undefined;
  #inFlight = 0;
  #pageDone: (() => void) | undefined;
  #waiting: { resolve: (message: FromWorker) => void; reject: (error: Error) => void } | undefined;
  #snapshotText: ((version: number) => Promise<string>) | undefined;
  #ended = false;

  constructor(input: BuildInput, options: PublishThreadOptions = {}) {
    this.#worker = new Worker(ENTRY, options.resourceLimits ? { resourceLimits: options.resourceLimits } : {});
    this.#worker.on('message', (message: FromWorker) => this.#receive(message));
    this.#worker.on('error', (error: Error & { code?: string }) =>
      this.#fail(
        new Error(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `publishing stopped: its worker thread ran out of memory (${error.message})`
            : `publishing failed in its worker thread: ${error.message}`,
        ),
      ),
    );
    this.#worker.on('exit', (code) => {
      if (!this.#ended) this.#fail(new Error(`publishing stopped: its worker thread exited (code ${code})`));
    });
    this.#send({ type: 'start', input });
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
      if (!read) return this.#fail(new Error('the publish worker asked for a snapshot unasked'));
      read(message.version).then(
        (text) => this.#send({ type: 'snapshot-text', version: message.version, text }),
        (error: Error) => this.#fail(error),
      );
    } else {
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
  async addMerchants(texts: string[]): Promise<void> {
    while (this.#inFlight >= PAGES_IN_FLIGHT && !this.#failure) {
      await new Promise<void>((resolve) => {
        this.#pageDone = resolve;
      });
    }
    if (this.#failure) throw this.#failure;
    this.#inFlight++;
    this.#send({ type: 'merchants', texts });
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

  async end(): Promise<void> {
    this.#ended = true;
    await this.#worker.terminate();
  }
}
