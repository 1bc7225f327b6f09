// When each step of a service-worker wake happened, for the cold-start benchmark
// (scripts/bench/cold-start-bench.ts) to read from the worker through the DevTools protocol.
// Times are the worker's performance.now(): milliseconds since this worker started. Only
// the first time each step happens in a worker counts; nothing here leaves the worker.

export interface WakeMark {
  step: string;
  at: number;
}

const marks: WakeMark[] = [];
(globalThis as { thiqaWakeTimings?: WakeMark[] }).thiqaWakeTimings = marks;

/** Notes that `step` happened now, unless it already happened in this worker. */
export function markWake(step: string): void {
  if (marks.length < 50 && !marks.some((mark) => mark.step === step)) marks.push({ step, at: performance.now() });
}
