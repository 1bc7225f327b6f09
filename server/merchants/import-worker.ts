import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { yieldCpuToTheService } from '../background-thread.ts';
import type { MerchantRecord } from './import-map.ts';
import { type PlanOutcome, planImport, type RegistryReader } from './import-pipeline.ts';
import { readImportRows } from './import-read.ts';

// The worker thread of an import through the admin API: it reads the uploaded file,
// parses and validates every row (the CPU-heavy part) and plans the import, asking the
// service's thread for registry pages (the database lives there). The service's event
// loop meanwhile keeps answering reports and /healthz.

export interface ImportJob {
  path: string;
  fileName: string;
  today: string;
  accepting: boolean;
  spoolPath: string;
}

/** Worker → service messages. */
export type WorkerMessage =
  | { type: 'call'; id: number; method: keyof RegistryReader; argument: string | string[] }
  | { type: 'done'; outcome: PlanOutcome }
  | { type: 'failed'; message: string };

/** Service → worker: the answer to a call. */
export type ServiceReply = { id: number; value?: unknown; error?: string };

const port = parentPort;
if (!port) throw new Error('import-worker.ts runs as a worker thread');
const job = workerData as ImportJob;
// Planning is background work: the service's thread, answering reports, comes first (nice 10).
yieldCpuToTheService();
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextId = 0;

port.on('message', (reply: ServiceReply) => {
  const waiting = pending.get(reply.id);
  pending.delete(reply.id);
  if (reply.error !== undefined) waiting?.reject(new Error(reply.error));
  else waiting?.resolve(reply.value);
});

function call<T>(method: keyof RegistryReader, argument: string | string[]): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    port?.postMessage({ type: 'call', id, method, argument } satisfies WorkerMessage);
  });
}

const reader: RegistryReader = {
  merchantKeysAfter: (after) => call('merchantKeysAfter', after),
  domainOwnersAfter: (after) => call('domainOwnersAfter', after),
  records: (ids) => call<MerchantRecord[]>('records', ids),
};

try {
  const outcome = await planImport(
    readImportRows(job.fileName, createReadStream(job.path)),
    reader,
    { today: job.today, accepting: job.accepting },
    job.spoolPath,
  );
  port.postMessage({ type: 'done', outcome } satisfies WorkerMessage);
} catch (error) {
  port.postMessage({ type: 'failed', message: (error as Error).stack ?? String(error) } satisfies WorkerMessage);
}
port.close();
