/**
 * Publishes of one process run one after the other (the schedule, the admin API, start-up
 * repair), and so does what must not overlap one: publisher.ts and merchants/import-move.ts
 * both queue here, so neither module imports the other for it.
 */
let publishQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs `work` after everything queued before it, whether that succeeded or failed; nothing
 * queued after it starts while it runs. Each publish runs so, and an import's move on PGlite
 * (merchants/import-move.ts) too, so that no publish reads a registry it has half written.
 */
export function afterQueuedPublishes<T>(work: () => Promise<T>): Promise<T> {
  const run = publishQueue.then(work);
  publishQueue = run.catch(() => undefined);
  return run;
}
