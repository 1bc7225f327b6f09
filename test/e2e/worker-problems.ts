import type { BrowserContext, Worker } from 'playwright-core';

/**
 * The errors and warnings the extension's background logs, in every browser a test file
 * starts and in every service worker each one runs (Chromium may stop the worker and start
 * a new one). Uncaught errors and unhandled rejections are counted too: a service worker
 * reports them outside the console, so each worker is asked to log them.
 */
export class WorkerProblems {
  private problems: string[] = [];

  watch(context: BrowserContext, label: string): void {
    context.on('console', (message) => {
      const worker = message.worker();
      if (!worker?.url().startsWith('chrome-extension://')) return;
      if (message.type() === 'error' || message.type() === 'warning')
        this.problems.push(`${label}: ${message.type()}: ${message.text()}`);
    });
    const logUncaught = (worker: Worker) =>
      worker
        .evaluate(() => {
          addEventListener('error', (event) => console.error(`uncaught: ${(event as ErrorEvent).message}`));
          addEventListener('unhandledrejection', (event) =>
            console.error(`unhandled rejection: ${String((event as PromiseRejectionEvent).reason)}`),
          );
        })
        // A worker that stopped meanwhile has nothing left to report.
        .catch(() => {});
    for (const worker of context.serviceWorkers()) void logUncaught(worker);
    context.on('serviceworker', (worker) => void logUncaught(worker));
  }

  /** What was logged since the last call. */
  take(): string[] {
    const taken = this.problems;
    this.problems = [];
    return taken;
  }
}
