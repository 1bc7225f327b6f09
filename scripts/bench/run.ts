import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../../server/app.ts';
import { openRegistry } from '../../server/db/database.ts';
import { benchConsole } from './console-bench.ts';
import { benchContentScript } from './content-script-bench.ts';
import { printGoals } from './goals.ts';
import { benchLookalikes } from './lookalike-bench.ts';
import { benchPortal } from './portal-bench.ts';
import { benchPublishing } from './publish-bench.ts';

// `npm run bench`: the figures issue 4 asks for, printed, never asserted. Every load
// goes to loopback only and is bounded in count and time.

const REPORTS = Number(process.env.THIQA_BENCH_REPORTS ?? 10_000);
const CONCURRENCY = Number(process.env.THIQA_BENCH_CONCURRENCY ?? 16);

async function benchReportIntake(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-bench-intake-'));
  const registry = await openRegistry({ pgliteDir: join(dataDir, 'db') });
  try {
    // The per-client limit would stop a single load generator at once; it is raised
    // here so the figure measures the intake path itself.
    const app = await createApp({
      db: registry.db,
      dataDir,
      adminToken: undefined,
      reportRateLimit: { max: 1_000_000, windowMs: 60_000 },
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const { port } = server.address() as AddressInfo;
    const output = await new Promise<string>((resolve, reject) => {
      const load = spawn(
        process.execPath,
        [
          new URL('./report-load.mjs', import.meta.url).pathname,
          `http://127.0.0.1:${port}`,
          String(REPORTS),
          String(CONCURRENCY),
          '500',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let text = '';
      load.stdout.on('data', (chunk) => {
        text += chunk;
      });
      load.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`load generator exited ${code}`))));
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = JSON.parse(output) as {
      requests: number;
      errors: number;
      seconds: number;
      rps: number;
      p50: number;
      p99: number;
    };
    const stored = await registry.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    console.log('Report intake (POST /v1/reports, PGlite on disk, loopback, %d concurrent)', CONCURRENCY);
    console.log(
      `  requests            ${result.requests} (+500 warm-up), ${result.errors} not 201, ${stored.n} stored`,
    );
    console.log(`  throughput          ${result.rps.toFixed(0)} req/s   (goal ≥ 1000)`);
    console.log(`  latency p50 / p99   ${result.p50.toFixed(1)} ms / ${result.p99.toFixed(1)} ms   (goal p99 < 50 ms)`);
  } finally {
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// Each bench by name: `npm run bench` runs them all; `npm run bench -- --only a,b` some
// (the older `--<name>-only` flags still work). Figures are printed, never asserted; the
// goals table (goals.ts) closes the run.
const BENCHES: Record<string, () => Promise<void> | void> = {
  lookalike: benchLookalikes,
  intake: benchReportIntake,
  publish: benchPublishing,
  portal: benchPortal,
  console: benchConsole,
  'content-script': () => benchContentScript(),
};

function chosenBenches(argv: readonly string[]): string[] {
  const only = argv.indexOf('--only');
  const named = only >= 0 ? (argv[only + 1] ?? '').split(',').filter(Boolean) : [];
  for (const arg of argv) {
    const match = /^--(.+)-only$/.exec(arg);
    if (match?.[1]) named.push(match[1]);
  }
  const unknown = named.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  return named.length > 0 ? named : Object.keys(BENCHES);
}

console.log(`thiqa bench — node ${process.version}, ${cpus().length} cores\n`);
for (const name of chosenBenches(process.argv.slice(2))) await BENCHES[name]?.();
printGoals();
