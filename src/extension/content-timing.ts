// The content script's own main-thread time, step by step, for the benchmark
// (scripts/bench/content-script-bench.ts) to read through the DevTools protocol. The list
// lives in the content script's isolated world: the page cannot see it, so it tells no
// page that Thiqa is installed (performance marks would). Each step also leaves a pair of
// console.timeStamp marks, which exist only in a DevTools trace (the isolated world has its
// own console): the trace stamps them with the main thread's own clock, so the bench reads
// a step's CPU time rather than its wall time, which a busy machine inflates.

export interface ContentTiming {
  step: string;
  ms: number;
}

const timings: ContentTiming[] = [];
(globalThis as { thiqaContentTimings?: ContentTiming[] }).thiqaContentTimings = timings;
let sequence = 0;

/** Runs a synchronous step and records how long it held the main thread. */
export function timed<T>(step: string, run: () => T): T {
  const mark = `thiqa-step ${step} ${sequence++}`;
  console.timeStamp(`${mark} start`);
  const started = performance.now();
  try {
    return run();
  } finally {
    if (timings.length < 200) timings.push({ step, ms: performance.now() - started });
    console.timeStamp(`${mark} end`);
  }
}
