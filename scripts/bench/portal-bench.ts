import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/app.ts';
import { openRegistry } from '../../server/db/database.ts';
import { loadPublishedDirectory } from '../../server/directory/directory-source.ts';
import { publicDirectoryDir, publishDirectory } from '../../server/directory/publisher.ts';
import { generateKeyFile, loadSigningKeys } from '../../server/directory/signing-keys.ts';
import type { Row } from '../../server/merchants/import-map.ts';
import { importMerchants } from '../../server/merchants/import-write.ts';
import { serveOnLoopback } from './loopback-server.ts';
import { syntheticMerchantRows } from './synthetic-merchants.ts';

// The portal's figure (issue 11): a check and a certificate page under 20 ms p99 at
// 200 requests per second on loopback, from a published directory of many merchants.

const MERCHANTS = Number(process.env.THIQA_BENCH_PORTAL_MERCHANTS ?? 20_000);
const RATE = Number(process.env.THIQA_BENCH_PORTAL_RATE ?? 200);
const SECONDS = Number(process.env.THIQA_BENCH_PORTAL_SECONDS ?? 15);

interface LoadResult {
  requests: number;
  notOk: number;
  late: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

async function load(url: string, paths: string[], rate: number, seconds: number): Promise<LoadResult> {
  const folder = await mkdtemp(join(tmpdir(), 'thiqa-bench-paths-'));
  const pathsFile = join(folder, 'paths.json');
  await writeFile(pathsFile, JSON.stringify(paths));
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL('./portal-load.mjs', import.meta.url).pathname, url, pathsFile, String(rate), String(seconds)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(text) as LoadResult) : reject(new Error(`load generator exited ${code}`)),
    );
  }).finally(() => rm(folder, { recursive: true, force: true }));
}

export async function benchPortal(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-bench-portal-'));
  const registry = await openRegistry({ pgliteDir: join(dataDir, 'db') });
  try {
    await generateKeyFile(dataDir);
    const now = new Date('2026-11-27T10:00:00Z');
    const rows = syntheticMerchantRows(MERCHANTS);
    const imported = await importMerchants(
      registry.db,
      rows.map((values, index): Row => ({ line: index + 1, values: new Map(Object.entries(values)) })),
      { now, actor: 'bench' },
    );
    if (imported.problems.length > 0)
      throw new Error(`synthetic rows refused: ${JSON.stringify(imported.problems[0])}`);
    await publishDirectory(registry.db, { dataDir, keys: await loadSigningKeys(dataDir), now, actor: 'bench' });
    const app = await createApp({ db: registry.db, dataDir, adminToken: undefined, clock: () => now });
    const server = await serveOnLoopback(app);
    const url = server.origin;
    try {
      // Every 7th merchant, in a spread order, so that no single page stays hot.
      const { snapshot } = await loadPublishedDirectory(publicDirectoryDir(dataDir));
      const sample = snapshot.state.merchants.filter((_, index) => index % 7 === 0).slice(0, 2000);
      const checks = sample.flatMap((merchant, index) => {
        const domain = merchant.domains[0];
        return [
          `/check?q=${encodeURIComponent(`https://www.${domain}/produit/${index}?utm_source=fb`)}`,
          `/check?q=${encodeURIComponent(`unknown-shop-${index}.ma`)}`,
        ];
      });
      const certificates = sample.map((merchant) => `/merchants/${merchant.id}`);
      await load(url, [...checks.slice(0, 200), ...certificates.slice(0, 200)], 100, 3); // warm-up
      const check = await load(url, checks, RATE, SECONDS);
      const certificate = await load(url, certificates, RATE, SECONDS);
      console.log(
        `\nPortal pages (${MERCHANTS.toLocaleString('en')} merchants published, loopback, ${RATE} req/s for ${SECONDS} s each, open loop)`,
      );
      for (const [name, result] of [
        ['check      /check?q=', check],
        ['certificate /merchants/<id>', certificate],
      ] as const) {
        console.log(
          `  ${name.padEnd(28)} p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms   (goal p99 < 20 ms); ${result.requests} requests at ${result.rps.toFixed(0)} req/s, ${result.notOk} not 200, ${result.late} sent late`,
        );
      }
    } finally {
      await server.close();
    }
  } finally {
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
