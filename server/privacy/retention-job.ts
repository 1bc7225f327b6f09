import { type PurgeCounts, purgeExpired, type RetentionContext } from './retention.ts';

// `thiqa serve` runs the retention purge itself: at start, then once a day. A purge still
// running when the next is due is not doubled; stop() waits for the one under way.

export const RETENTION_EVERY_MS = 24 * 3_600_000;

export interface RetentionJob {
  /** One purge now (the timer's work; tests call it directly). */
  run(): Promise<void>;
  stop(): Promise<void>;
}

/** The counts on one line, only those above zero: `reports 3, mail files 1`. */
export function describeCounts(counts: PurgeCounts): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing past the retention period';
}

export function startRetentionJob(options: {
  context: RetentionContext;
  clock: () => Date;
  log: (line: string) => void;
  everyMs?: number;
}): RetentionJob {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= purgeExpired(options.context, options.clock())
      .then((counts) => {
        if (Object.values(counts).some((n) => n > 0)) options.log(`retention purge: ${describeCounts(counts)}`);
      })
      // A failed purge is retried on the next tick; the service goes on serving.
      .catch((error: unknown) => options.log(`retention purge failed: ${(error as Error).message}`))
      .finally(() => {
        running = null;
      });
    return running;
  };
  void run();
  const timer = setInterval(() => void run(), options.everyMs ?? RETENTION_EVERY_MS);
  return {
    run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
