// The content script's own main-thread time, step by step, for the benchmark
// (scripts/bench/content-script-bench.ts) to read through the DevTools protocol. The list
// lives in the content script's isolated world: the page cannot see it, so it tells no
// page that Thiqa is installed (performance marks would).

export interface ContentTiming {
  step: string;
  ms: number;
}

const timings: ContentTiming[] = [];
(globalThis as { thiqaContentTimings?: ContentTiming[] }).thiqaContentTimings = timings;

/** Runs a synchronous step and records how long it held the main thread. */
export function timed<T>(step: string, run: () => T): T {
  const started = performance.now();
  try {
    return run();
  } finally {
    if (timings.length < 200) timings.push({ step, ms: performance.now() - started });
  }
}
