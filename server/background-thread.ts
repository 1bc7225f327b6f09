import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * The nice value a worker thread doing background work takes (a publish, an import's
 * planning). On two cores such a worker took a core for seconds while the service's thread,
 * answering reports, competed for the other with everything else; at nice 10 the scheduler
 * gives the service's thread the CPU first whenever it has work, and the worker the rest.
 */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's priority alone to BACKGROUND_NICE (Linux keeps a nice value per
 * thread: a thread is a task, `/proc/thread-self` names it). Elsewhere, or when not allowed,
 * the thread runs at the service's priority, as before.
 */
export function yieldCpuToTheService(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isSafeInteger(tid) && tid > 0 && getPriority(tid) < BACKGROUND_NICE) {
      setPriority(tid, BACKGROUND_NICE);
    }
  } catch {
    // No /proc (not Linux), or not allowed.
  }
}
