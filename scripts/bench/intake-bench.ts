import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, type ServiceProcess, startServiceProcess } from '../../test/support/service-process.ts';
import { onFreshPostgres } from './fresh-postgres.ts';
import { recordGoal } from './goals.ts';

// Report intake as a shopper's extension meets it (issue 15): the real `thiqa serve` in a
// process of its own, loaded by autocannon from this one over loopback. POST /v1/reports
// against GET /healthz on the same server (one database read), on PGlite and, when
// DATABASE_URL names a PostgreSQL server, on a fresh database there. Figures are
// printed and recorded in the goals table, never asserted.

const SECONDS = Number(process.env.THIQA_BENCH_INTAKE_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.THIQA_BENCH_CONCURRENCY ?? 16);
/** Above any count the bench reaches: one load generator is one client, the limit would stop it at once. */
const RATE_LIMIT = '9999999/1h';
const REASONS = ['fraud', 'non-delivery', 'counterfeit', 'overcharge', 'suspicious'];
/** THIQA_BENCH_PROFILE_DIR: where the service writes a V8 CPU profile (node --cpu-prof) when it stops. */
const PROFILE_DIR = process.env.THIQA_BENCH_PROFILE_DIR;
const nodeArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  failed: number;
  requests: number;
  /** CPU time of the service process per request, and of PostgreSQL's processes (0 on PGlite). */
  serviceCpuUs: number;
  databaseCpuUs: number;
}

/** User + system CPU time of a process, all threads, in microseconds (Linux /proc). */
async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

/** The CPU time of every `postgres` process on this machine: the server is local here. */
async function postgresCpuMicros(): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const name = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (name.trim() === 'postgres') total += await cpuMicros(Number(entry));
  }
  return total;
}

async function load(service: ServiceProcess, report: boolean, onPostgres: boolean): Promise<Figures> {
  let sent = 0;
  const url = service.url;
  const [serviceBefore, databaseBefore] = [await cpuMicros(service.pid), onPostgres ? await postgresCpuMicros() : 0];
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      report
        ? {
            method: 'POST',
            path: '/v1/reports',
            headers: { 'content-type': 'application/json' },
            // A fresh idempotency key each time, or the service answers from the first one.
            setupRequest: (request) => {
              const index = sent++;
              request.body = JSON.stringify({
                url: `https://shop-${index % 500}.test/produit/${index}`,
                reason: REASONS[index % REASONS.length],
                details: 'Commande payée, jamais livrée. لم يصل الطلب',
                idempotencyKey: randomUUID(),
                lang: 'fr',
                clientVersion: '0.1.0',
              });
              return request;
            },
          }
        : { method: 'GET', path: '/healthz' },
    ],
  });
  const [serviceAfter, databaseAfter] = [await cpuMicros(service.pid), onPostgres ? await postgresCpuMicros() : 0];
  return {
    serviceCpuUs: (serviceAfter - serviceBefore) / result.requests.total,
    databaseCpuUs: (databaseAfter - databaseBefore) / result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

async function measure(engine: 'PGlite' | 'PostgreSQL', service: ServiceProcess): Promise<void> {
  // A short warm-up: tsx's first compile of each route, PGlite's first pages.
  await autocannon({ url: service.url, connections: 4, amount: 200, requests: [{ path: '/healthz' }] });
  const healthz = await load(service, false, engine === 'PostgreSQL');
  const reports = await load(service, true, engine === 'PostgreSQL');
  // CPU time per request hardly moves when other processes take the cores; req/s does.
  const cpu = (figures: Figures) =>
    `CPU/request: service ${(figures.serviceCpuUs / 1000).toFixed(2)} ms${engine === 'PostgreSQL' ? `, postgres ${(figures.databaseCpuUs / 1000).toFixed(2)} ms` : ''}`;
  const line = (name: string, figures: Figures) =>
    `  ${name.padEnd(18)} ${figures.rps.toFixed(0).padStart(6)} req/s   p50 ${figures.p50.toFixed(1)} ms   p99 ${figures.p99.toFixed(1)} ms   (${figures.requests} requests, ${figures.failed} failed)   ${cpu(figures)}`;
  console.log(`\nReport intake, ${engine} (thiqa serve, autocannon, ${CONNECTIONS} connections, ${SECONDS} s each)`);
  console.log(line('GET /healthz', healthz));
  console.log(line('POST /v1/reports', reports));
  console.log(
    `  load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  recordGoal({
    figure: `report intake, ${engine}`,
    baseline: `healthz ${healthz.rps.toFixed(0)} req/s, p99 ${healthz.p99.toFixed(1)} ms`,
    measured: `${reports.rps.toFixed(0)} req/s, p99 ${reports.p99.toFixed(1)} ms, ${reports.failed} failed`,
    goal: '≥ 1,000 req/s, p99 < 50 ms',
    met: reports.rps >= 1_000 && reports.p99 < 50 && reports.failed === 0,
  });
}

async function onPglite(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-bench-intake-'));
  const service = await startServiceProcess({
    dataDir,
    port: await freePort(),
    reportRateLimit: RATE_LIMIT,
    nodeArgs,
  });
  try {
    await measure('PGlite', service);
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function onPostgres(serverUrl: string): Promise<void> {
  await onFreshPostgres(serverUrl, async (databaseUrl) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-bench-intake-'));
    try {
      const service = await startServiceProcess({
        dataDir,
        port: await freePort(),
        reportRateLimit: RATE_LIMIT,
        nodeArgs,
        env: { DATABASE_URL: databaseUrl },
      });
      try {
        await measure('PostgreSQL', service);
      } finally {
        await service.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
}

/** THIQA_BENCH_INTAKE_ENGINES: `pglite`, `postgresql` or both (the default), comma-separated. */
const ENGINES = (process.env.THIQA_BENCH_INTAKE_ENGINES ?? 'pglite,postgresql').split(',');

export async function benchReportIntake(): Promise<void> {
  if (ENGINES.includes('pglite')) await onPglite();
  if (!ENGINES.includes('postgresql')) return;
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) await onPostgres(serverUrl);
  else console.log('  (PostgreSQL: set DATABASE_URL to a server where this role may create databases)');
}
