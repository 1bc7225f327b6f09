import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { workerEntry } from '../worker-bundle.ts';
import type { PlanOutcome } from './import-pipeline.ts';
import type { ImportJob, ServiceReply, WorkerMessage } from './import-worker.ts';
import { databaseReader, type ImportOptions, type Planning, runImport } from './import-write.ts';

// The admin API's import: the file, already on disk, is planned in a worker thread (see
// import-worker.ts) while this thread answers its registry questions and, once the plan
// says so, writes the changed records (import-write.ts). Parsing and validating 150k rows
// no longer holds the event loop that serves reports and /healthz.

const IMPORT_WORKER = new URL('./import-worker.ts', import.meta.url);
const IMPORT_WORKER_TSX = new URL('./import-worker-entry.mjs', import.meta.url);

function planInWorker(db: Kysely<Database>, job: Omit<ImportJob, 'spoolPath'>): Planning {
  const reader = databaseReader(db);
  return async (spoolPath) => {
    // Bundled like the publish worker: through tsx a worker thread loads the loader again.
    const entry = await workerEntry(IMPORT_WORKER, IMPORT_WORKER_TSX);
    return new Promise<PlanOutcome>((resolve, reject) => {
      const worker = new Worker(entry, { workerData: { ...job, spoolPath } satisfies ImportJob });
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        action();
      };
      worker.on('message', async (message: WorkerMessage) => {
        if (message.type === 'done') return settle(() => resolve(message.outcome));
        if (message.type === 'failed') return settle(() => reject(new Error(`import worker: ${message.message}`)));
        const method = reader[message.method] as (argument: string | string[]) => Promise<unknown>;
        const reply: ServiceReply = await method(message.argument).then(
          (value) => ({ id: message.id, value }),
          (error: Error) => ({ id: message.id, error: error.message }),
        );
        worker.postMessage(reply);
      });
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', (code) => settle(() => reject(new Error(`import worker exited (${code}) before its plan`))));
    });
  };
}

/** Imports the file at `path` (its name says CSV or JSON), planned in a worker thread. */
export function importFileInWorker(
  db: Kysely<Database>,
  path: string,
  fileName: string,
  options: ImportOptions,
): ReturnType<typeof runImport> {
  const job = {
    path,
    fileName,
    today: options.now.toISOString().slice(0, 10),
    accepting: options.acceptConflicts === true,
  };
  return runImport(db, planInWorker(db, job), options);
}
