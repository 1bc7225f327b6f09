import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived its last full collection, in percent,
 * in a process that reads a large file (`thiqa import`).
 *
 * V8 sizes the next collection's threshold as the live heap times a factor it picks from
 * how fast it collects (up to 4). Planning an import makes garbage fast (every row parsed,
 * checked and mapped, then dropped) while keeping little (the ids, ICEs and domains it must
 * compare): 79 MB live at the end of a 52 MB file, but the heap climbed to about 414 MB
 * and the process to 589–703 MB on PostgreSQL. At 20 % the same import peaked at 364 MB,
 * for about 5 s more of collections (`npm run bench -- --only import`).
 */
export const IMPORT_HEAP_GROWING_PERCENT = 20;

/**
 * Keeps this process's heap close to its live size from now on. V8 reads the flag each time
 * it sizes the next collection, so it applies to a process already running; it is
 * process-wide (every thread), which is why only a one-shot command sets it.
 */
export function keepHeapNearLiveSize(percent = IMPORT_HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
