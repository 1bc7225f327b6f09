import { parentPort } from 'node:worker_threads';
import { yieldCpuToTheService } from '../background-thread.ts';
import { type BuildInput, PublicationBuilder, PublishRefused } from './publication-build.ts';
import { writePublication } from './publication-write.ts';
import { KeepingFeed, type KeptFile, type KeptRecord, type KeptWritten } from './publish-record-cache.ts';

// The publish worker thread: it receives the registry page by page from the publisher
// (publish-thread.ts) and does the serializing, hashing, gzip and deltas, so the
// service's event loop keeps answering while a large directory is published.

/** An older version a delta starts from: its snapshot file kept aside, if still there. */
export interface PreviousVersion {
  version: number;
  /** A copy of that version's published snapshot file, checked against `sha256`. */
  file: string | null;
  sha256: string;
}

export type ToWorker =
  /**
   * `scratchFd`: the scratch file for the merchants' texts, which the publisher owns and
   * closes; `keepFd`: where the records taken are kept for the next publish (publish-record-cache.ts).
   */
  | { type: 'start'; input: BuildInput; scratchFd: number; keepFd?: number }
  | { type: 'merchants'; records: KeptRecord[] }
  /** The records the last publish kept, with the ones written since in place of theirs. */
  | { type: 'kept'; kept: KeptFile; changed: KeptRecord[] }
  | { type: 'finish-state' }
  | { type: 'write'; dir: string; previous: PreviousVersion[] }
  | { type: 'snapshot-text'; version: number; text: string };

export type FromWorker =
  | { type: 'page-done' }
  /** How many records came from the kept file; false when it was not sound (none taken). */
  | { type: 'kept-done'; fromKept: number | false }
  | {
      type: 'state';
      digest: string;
      merchants: number;
      flagged: number;
      /** The open data's merchants table as JSON text, in pieces of UTF-8 (recordOpenDataRelease). */
      openDataMerchants: Uint8Array[];
      /** The new kept file, when the publisher keeps records. */
      kept: KeptWritten | undefined;
    }
  | { type: 'need-snapshot'; version: number }
  | {
      type: 'written';
      snapshot: { path: string; sha256: string; size: number };
      deltas: Array<{ from: number; path: string; sha256: string; size: number }>;
    }
  | { type: 'failed'; refused: boolean; message: string };

const port = parentPort;
if (!port) throw new Error('publish-worker.ts runs as a worker thread');

// Publishing is background work: this thread yields the CPU to the service's (nice 10).
yieldCpuToTheService();
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let builder: PublicationBuilder | undefined;
let feed: KeepingFeed | undefined;
const waitingTexts = new Map<number, (text: string) => void>();

function started(): PublicationBuilder {
  if (!builder) throw new Error('the publish worker was not started');
  return builder;
}

function feeding(): KeepingFeed {
  if (!feed) throw new Error('the publish worker was not started');
  return feed;
}

/** Asks the publisher for an older version's snapshot as the database keeps it. */
function storedSnapshot(version: number): Promise<string> {
  return new Promise<string>((resolve) => {
    waitingTexts.set(version, resolve);
    post({ type: 'need-snapshot', version });
  });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'start':
      builder?.release();
      builder = new PublicationBuilder(message.input, message.scratchFd);
      feed = new KeepingFeed((texts) => started().addMerchants(texts), message.keepFd);
      return;
    case 'merchants':
      feeding().addMerchants(message.records);
      post({ type: 'page-done' });
      return;
    case 'kept':
      post({ type: 'kept-done', fromKept: feeding().addKept(message.kept, message.changed) });
      return;
    case 'finish-state': {
      const state = { ...started().finishState(), kept: feeding().finishKeep() };
      // The open data's bytes are moved to the service's thread, not copied (megabytes).
      post(
        { type: 'state', ...state },
        // Pieces share their buffers: each buffer is named once.
        [...new Set(state.openDataMerchants.map((piece) => piece.buffer as ArrayBuffer))],
      );
      return;
    }
    case 'write':
      post(await writePublication(started(), message.dir, message.previous, storedSnapshot));
      return;
    case 'snapshot-text':
      waitingTexts.get(message.version)?.(message.text);
      waitingTexts.delete(message.version);
      return;
  }
}

// Messages are handled one after another, except the answer to a snapshot request,
// which the write in progress is waiting for.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToWorker) => {
  const run = () =>
    handle(message).catch((error: unknown) => {
      const refused = error instanceof PublishRefused;
      post({ type: 'failed', refused, message: refused ? error.message : String((error as Error).stack ?? error) });
    });
  if (message.type === 'snapshot-text') void run();
  else queue = queue.then(run);
});
