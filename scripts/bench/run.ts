import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRegistry } from '../../server/db/database.ts';
import { publicDirectoryDir, publishDirectory } from '../../server/directory/publisher.ts';
import { generateKeyFile, loadSigningKeys } from '../../server/directory/signing-keys.ts';
import type { Row } from '../../server/merchants/import-map.ts';
import { importMerchants } from '../../server/merchants/import-write.ts';
import { gunzip } from '../../src/directory/publication.ts';
import { benchConsole } from './console-bench.ts';
import { benchContentScript } from './content-script-bench.ts';
import { benchDeltaApply } from './delta-apply-bench.ts';
import { benchExtensionIndex, benchLookalikeLoad } from './extension-index-bench.ts';
import { printGoals } from './goals.ts';
import { benchReportIntake } from './intake-bench.ts';
import { benchImport } from './import-bench.ts';
import { benchLookalikes } from './lookalike-bench.ts';
import { benchPageLoad } from './page-load-bench.ts';
import { benchPortal } from './portal-bench.ts';
import { type MerchantRow, syntheticMerchantRows } from './synthetic-merchants.ts';

// `npm run bench`: the figures issue 4 asks for, printed, never asserted. Every load
// goes to loopback only and is bounded in count and time.

const MERCHANTS = Number(process.env.THIQA_BENCH_MERCHANTS ?? 100_000);

const toRows = (rows: MerchantRow[]): Row[] =>
  rows.map((values, index) => ({ line: index + 1, values: new Map(Object.entries(values)) }));

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

async function benchPublishing(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-bench-publish-'));
  const registry = await openRegistry({ pgliteDir: join(dataDir, 'db') });
  try {
    await generateKeyFile(dataDir);
    const keys = await loadSigningKeys(dataDir);
    const now = new Date('2026-11-27T10:00:00Z');
    const rows = syntheticMerchantRows(MERCHANTS);
    let started = performance.now();
    const imported = await importMerchants(registry.db, toRows(rows), { now, actor: 'bench' });
    if (imported.problems.length > 0)
      throw new Error(`synthetic rows refused: ${JSON.stringify(imported.problems[0])}`);
    const importSeconds = seconds(started);

    started = performance.now();
    const first = await publishDirectory(registry.db, { dataDir, keys, now, actor: 'bench' });
    const publishSeconds = seconds(started);
    if (!first.published) throw new Error('nothing published');
    const snapshotBytes = first.manifest.snapshot.size;
    const gzipped = new Uint8Array(await readFile(join(publicDirectoryDir(dataDir), first.manifest.snapshot.path)));
    const jsonBytes = (await gunzip(gzipped, 1024 * 1024 * 1024)).length;

    // 1 % of merchants change: a new label, a suspension, a new phone, a moved city.
    const changed = rows.map((row, index) => {
      if (index % 100 !== 0) return row;
      const kind = (index / 100) % 4;
      if (kind === 0) return { ...row, labels: [...(row.labels as string[]), 'fnem'] };
      if (kind === 1) return { ...row, status: 'suspended' };
      if (kind === 2) return { ...row, phone: `+2126${String(index).padStart(8, '0')}` };
      return { ...row, city: 'Essaouira' };
    });
    const update = await importMerchants(registry.db, toRows(changed), { now, actor: 'bench' });
    started = performance.now();
    const second = await publishDirectory(registry.db, {
      dataDir,
      keys,
      now: new Date('2026-11-27T11:00:00Z'),
      actor: 'bench',
    });
    const secondSeconds = seconds(started);
    if (!second.published) throw new Error('nothing published');
    const delta = second.manifest.deltas.find((entry) => entry.from === 1);
    if (!delta) throw new Error('no delta from version 1');

    console.log(`\nPublishing ${MERCHANTS.toLocaleString('en')} merchants (PGlite on disk)`);
    console.log(`  import (thiqa import path)   ${importSeconds.toFixed(1)} s`);
    console.log(`  publish, version 1           ${publishSeconds.toFixed(1)} s`);
    console.log(
      `  snapshot, gzipped            ${snapshotBytes.toLocaleString('en')} bytes = ${(snapshotBytes / MERCHANTS).toFixed(1)} B per merchant   (goal ≤ 60 B)`,
    );
    console.log(
      `  (canonical JSON before gzip: ${jsonBytes.toLocaleString('en')} bytes = ${(jsonBytes / MERCHANTS).toFixed(0)} B per merchant)`,
    );
    console.log(`  1 % changed (${update.updated} merchants), publish version 2   ${secondSeconds.toFixed(1)} s`);
    console.log(
      `  delta 1→2, gzipped           ${delta.size.toLocaleString('en')} bytes = ${((100 * delta.size) / second.manifest.snapshot.size).toFixed(2)} % of the snapshot   (goal ≤ 2 %)`,
    );
  } finally {
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// Each bench by name: `npm run bench` runs them all; `npm run bench -- --only a,b` some
// (the older `--<name>-only` flags still work). Figures are printed, never asserted; the
// goals table (goals.ts) closes the run.
const BENCHES: Record<string, () => Promise<void> | void> = {
  lookalike: () => {
    benchLookalikes();
    benchLookalikeLoad();
  },
  'extension-index': benchExtensionIndex,
  'delta-apply': benchDeltaApply,
  intake: benchReportIntake,
  publish: benchPublishing,
  portal: benchPortal,
  console: benchConsole,
  'content-script': () => benchContentScript(),
  'page-load': benchPageLoad,
  import: benchImport,
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
