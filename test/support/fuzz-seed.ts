import { randomInt } from 'node:crypto';

// The fuzz tests draw a new seed on every run, so each CI run tries inputs no earlier run
// tried, and print it: THIQA_FUZZ_SEED=<seed> repeats a run exactly (fast-check also names
// the seed and the shrunk case when a property fails).

/** The seed for `fuzzer`: THIQA_FUZZ_SEED when set, else a fresh one, printed either way. */
export function fuzzSeed(fuzzer: string): number {
  const given = process.env.THIQA_FUZZ_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) : randomInt(2 ** 31 - 1);
  if (!Number.isSafeInteger(seed)) throw new Error(`THIQA_FUZZ_SEED must be a whole number, not ${given}`);
  console.log(`${fuzzer}: seed ${seed} (THIQA_FUZZ_SEED=${seed} repeats this run)`);
  return seed;
}

/** A run's size: `base` times THIQA_FUZZ_SCALE (1 unless set), at least one case. */
export function fuzzRuns(base: number): number {
  return Math.max(1, Math.round(base * Number(process.env.THIQA_FUZZ_SCALE ?? 1)));
}
