import { spawn } from 'node:child_process';

// Report intake measured from outside while something else runs (the publish and import
// benches): intake-probe.mjs, its own process, sends reports at a steady rate, open loop,
// from a second before `during` starts until it ends.

const PROBE = new URL('./intake-probe.mjs', import.meta.url).pathname;

export interface Probe {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** The answers that were not 201, by status ("0 ECONNRESET" for a socket error). */
  refused: Record<string, number>;
}

/** Report intake at `rate` reports a second against `origin` while `during` runs (after a second of warm-up). */
export async function probeIntake<T>(
  origin: string,
  rate: number,
  during: () => Promise<T>,
): Promise<Probe & { result: T }> {
  const child = spawn(process.execPath, [PROBE, origin, String(rate)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  let result: T;
  try {
    result = await during();
  } finally {
    child.stdin.end();
    await exited;
  }
  return { ...(JSON.parse(output) as Probe), result };
}

/** The answers that were not 201, "2 × 503, 1 × 0 ECONNRESET"; "none" when every one was. */
export function refusedText(probe: Probe): string {
  const entries = Object.entries(probe.refused ?? {});
  return entries.length === 0 ? 'none' : entries.map(([status, count]) => `${count} × ${status}`).join(', ');
}

/** One line of a probe's figures, aligned under `what`. */
export function probeLine(what: string, probe: Probe): string {
  return `    ${what.padEnd(22)} ${probe.requests} requests, ${probe.errors} not 201${probe.errors ? ` (${refusedText(probe)})` : ''}, p50 ${probe.p50.toFixed(1)} ms, p99 ${probe.p99.toFixed(1)} ms, max ${probe.max.toFixed(0)} ms`;
}
