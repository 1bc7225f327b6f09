import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, type CDPSession, chromium } from 'playwright-core';
import { buildPublication } from '../../src/directory/publication.ts';
import { snapshotSchema } from '../../src/directory/schemas.ts';
import { generateSigningKey, importSigningKey } from '../../src/directory/signing.ts';
import { SHOP_PAGES, startDirectoryServer, startShopServer } from '../../test/e2e/fixture-servers.ts';
import { ARTICLE_PAGES } from '../../test/fixtures/articles/article-pages.ts';
import { e2eDirectory } from '../../test/fixtures/e2e-directory.ts';
import { HUGE_PAGE } from '../../test/fixtures/page-claim-shops.ts';
import { CHROMIUM_PATH, chromiumArgs, launchWithExtension } from '../demo/chromium-session.ts';
import { buildExtensionInto, PROJECT_ROOT } from '../demo/extension-build.ts';
import { recordGoal } from './goals.ts';
import { writeScriptExtension } from './script-extension.ts';

// Issue 15's page-load figure: fixture shop pages and news/blog pages, each loaded in three
// headless Chromiums launched once: no extension, a no-op extension whose content script is
// empty (the floor any content script pays: the isolated world, the injection) and Thiqa as
// built. Loads are interleaved, page by page, in an order rotated every time, so a burst of
// load on the machine falls on all three alike.
//
// The figure is the main-thread CPU time of the page's renderer from navigation until the
// page has gone quiet: `ThreadTime` of Performance.getMetrics. Each load gets a new tab and,
// every page being its own site, a renderer of its own, so that counter holds everything the
// page view cost on the main thread: parsing, style, layout, the page's script, the
// extension's isolated world and its content script, whenever it runs. Wall-clock times
// (`loadEventEnd`, `TaskDuration`) swing with other processes on a shared machine; CPU time
// far less. The wall figure is printed too: the load event plus the main-thread work after it.

const ROUNDS = Number(process.env.THIQA_BENCH_PAGELOAD_ROUNDS ?? 3);
/** Rounds first loaded and not counted: the extension's caches (V8 code cache) warm as a shopper's would. */
const WARMUP_ROUNDS = Number(process.env.THIQA_BENCH_PAGELOAD_WARMUP ?? 1);
/** Pages of each kind, up to 20. */
const PAGES_PER_KIND = Number(process.env.THIQA_BENCH_PAGELOAD_PAGES ?? 20);
const HOST_RULES = 'MAP *.test 127.0.0.1, MAP *.ma 127.0.0.1, MAP *.youcan.shop 127.0.0.1';
/** Quiet means the main thread did less than 0.5 ms of work in each poll of this window. */
const POLL_MS = 50;
const QUIET_POLLS = 5;
const SETTLE_LIMIT_MS = 4_000;
/**
 * A/B: another checkout of this project (a `git worktree` of the commit before a change, with
 * node_modules) built with the same settings and loaded as a fourth browser, interleaved with
 * the others; the report adds Thiqa against it, page by page.
 */
const AGAINST_ROOT = process.env.THIQA_BENCH_PAGELOAD_AGAINST;

/** SHOP_PAGES entries that are no shop (news pages, a bare IP) or no ordinary one (5 MB, hostile). */
const NOT_ORDINARY_SHOPS = new Set(['actualites.html', 'actualites-rabat.html', HUGE_PAGE]);

interface BenchPage {
  kind: 'shop' | 'article';
  host: string;
  path: string;
}

interface LoadFigures {
  /** Main-thread CPU time of the page's renderer, navigation to quiet (ms). */
  cpu: number;
  /** loadEventEnd plus the main-thread task time after the load event (wall, ms). */
  settled: number;
  /** Where main-thread time went: running JavaScript, and compiling it (wall, ms). */
  script: number;
  compile: number;
}

interface Contender {
  name: 'none' | 'no-op' | 'thiqa' | 'against';
  context: BrowserContext;
  close(): Promise<void>;
  loads: Map<string, LoadFigures[]>;
}

function benchPages(): BenchPage[] {
  const shops = Object.entries(SHOP_PAGES)
    .filter(([host, page]) => host !== '127.0.0.1' && !NOT_ORDINARY_SHOPS.has(page))
    .slice(0, PAGES_PER_KIND)
    .map(([host]): BenchPage => ({ kind: 'shop', host, path: '/produit' }));
  const articles = ARTICLE_PAGES.slice(0, PAGES_PER_KIND).map(
    (article): BenchPage => ({ kind: 'article', host: article.host, path: article.path }),
  );
  return [...shops, ...articles];
}

/** The floor: an MV3 extension with one empty content script on every http(s) page, at document_idle like Thiqa's. */
const writeNoopExtension = () => writeScriptExtension('No-op content script', '');

async function launchPlain(extensionDir: string | null): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'thiqa-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    locale: 'en-US',
    args: chromiumArgs({ hostRules: HOST_RULES, ...(extensionDir ? { extensionDir } : {}) }),
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: Array<{ name: string; value: number }>;
  };
  return Object.fromEntries(list.map((metric) => [metric.name, metric.value]));
}

/** Main-thread time not spent answering our own DevTools commands (seconds). */
const busy = (m: Record<string, number>) => (m.TaskDuration ?? 0) - (m.DevToolsCommandDuration ?? 0);
const cpu = (m: Record<string, number>) => (m.ThreadTime ?? 0) - (m.DevToolsCommandDuration ?? 0);

async function loadOnce(context: BrowserContext, url: string): Promise<LoadFigures> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    await page.goto(url, { waitUntil: 'load' });
    const atLoad = await metrics(cdp);
    let last = atLoad;
    let quiet = 0;
    const deadline = performance.now() + SETTLE_LIMIT_MS;
    while (quiet < QUIET_POLLS && performance.now() < deadline) {
      await new Promise((done) => setTimeout(done, POLL_MS));
      const now = await metrics(cdp);
      quiet = busy(now) - busy(last) < 0.0005 ? quiet + 1 : 0;
      last = now;
    }
    const loadEventEnd = await page.evaluate(
      () =>
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.loadEventEnd ?? 0,
    );
    return {
      cpu: cpu(last) * 1000,
      settled: loadEventEnd + (busy(last) - busy(atLoad)) * 1000,
      script: (last.ScriptDuration ?? 0) * 1000,
      compile: (last.V8CompileDuration ?? 0) * 1000,
    };
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A directory published for the run (as the content-script bench does), and the settings a build syncs it with. */
async function publishForRun(directory: Awaited<ReturnType<typeof startDirectoryServer>>) {
  const { info, privateJwk } = await generateSigningKey();
  const now = new Date();
  const bundled = snapshotSchema.parse(
    JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'public/directory/snapshot.json'), 'utf8')),
  );
  directory.publish(
    await buildPublication({
      current: e2eDirectory(now, bundled.version + 1, now),
      previous: [bundled],
      keys: [await importSigningKey(privateJwk)],
    }),
  );
  return { directoryUrl: directory.directoryUrl, publicKeys: info.publicKey };
}

/** Thiqa built from `root` (this checkout by default), once it has synced the run's directory. */
async function launchThiqa(
  directory: Awaited<ReturnType<typeof startDirectoryServer>>,
  settings: { directoryUrl: string; publicKeys: string },
  root = PROJECT_ROOT,
) {
  const outDir = resolve(
    PROJECT_ROOT,
    '.output',
    root === PROJECT_ROOT ? 'bench-page-load' : 'bench-page-load-against',
  );
  const extensionDir = await buildExtensionInto(outDir, settings, root);
  const synced = directory.requests.length;
  const browser = await launchWithExtension(extensionDir, { hostRules: HOST_RULES });
  // Measure the shopper's steady state, not the first sync: wait for the directory's files.
  const deadline = Date.now() + 20_000;
  while (
    Date.now() < deadline &&
    !directory.requests.slice(synced).some((r) => /\/v1\/directory\/(?!manifest)/.test(r.path))
  ) {
    await new Promise((done) => setTimeout(done, 100));
  }
  return browser;
}

const ms = (value: number) => value.toFixed(1).padStart(7);
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

export async function benchPageLoad(): Promise<void> {
  const pages = benchPages();
  const [shops, directory] = await Promise.all([startShopServer(), startDirectoryServer()]);
  const noopDir = await writeNoopExtension();
  const contenders: Contender[] = [];
  const loadBefore = load();
  try {
    const settings = await publishForRun(directory);
    const thiqa = await launchThiqa(directory, settings);
    contenders.push({ name: 'thiqa', context: thiqa.context, close: () => thiqa.close(), loads: new Map() });
    if (AGAINST_ROOT) {
      const against = await launchThiqa(directory, settings, resolve(AGAINST_ROOT));
      contenders.push({ name: 'against', context: against.context, close: () => against.close(), loads: new Map() });
    }
    contenders.unshift({ name: 'no-op', ...(await launchPlain(noopDir)), loads: new Map() });
    contenders.unshift({ name: 'none', ...(await launchPlain(null)), loads: new Map() });
    let turn = 0;
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      for (const page of pages) {
        const url = shops.urlFor(page.host, page.path);
        // Rotated each time: none first, then no-op first, then Thiqa first (then the A/B build).
        const order = contenders.map((_, index) => contenders[(index + turn) % contenders.length] as Contender);
        turn++;
        for (const contender of order) {
          const figures = await loadOnce(contender.context, url);
          if (round < WARMUP_ROUNDS) continue;
          const list = contender.loads.get(page.host) ?? [];
          list.push(figures);
          contender.loads.set(page.host, list);
        }
      }
    }
  } finally {
    await Promise.all(contenders.map((contender) => contender.close()));
    await Promise.all([shops.close(), directory.close(), rm(noopDir, { recursive: true, force: true })]);
  }
  report(pages, contenders, loadBefore);
}

function report(pages: BenchPage[], contenders: Contender[], loadBefore: string): void {
  const [none, noop, thiqa, against] = contenders as [Contender, Contender, Contender, Contender?];
  const of = (contender: Contender, host: string, key: keyof LoadFigures) =>
    (contender.loads.get(host) ?? []).map((figures) => figures[key]);
  const all = (contender: Contender, key: keyof LoadFigures, kind?: BenchPage['kind']) =>
    pages.filter((page) => !kind || page.kind === kind).flatMap((page) => of(contender, page.host, key));

  const shopCount = pages.filter((page) => page.kind === 'shop').length;
  console.log(
    `\nPage load: ${shopCount} shop pages and ${pages.length - shopCount} article pages, ${ROUNDS} rounds (+${WARMUP_ROUNDS} warm-up), interleaved and rotated, headless Chromium`,
  );
  console.log(`  load average before: ${loadBefore}, after: ${load()}`);
  console.log('  main-thread CPU per page view (renderer, navigation until quiet), median ms:');
  console.log(`  ${'page'.padEnd(34)}   none   no-op   thiqa   thiqa/no-op`);
  for (const page of pages) {
    const [a, b, c] = [none, noop, thiqa].map((contender) => median(of(contender, page.host, 'cpu')));
    console.log(
      `  ${`${page.kind === 'shop' ? 'S' : 'A'} ${page.host}`.padEnd(34)} ${ms(a ?? 0)} ${ms(b ?? 0)} ${ms(c ?? 0)}   ${((c ?? 0) / (b || 1)).toFixed(2)}×`,
    );
  }
  const summary = (key: keyof LoadFigures, kind?: BenchPage['kind']) => {
    const [a, b, c] = [none, noop, thiqa].map((contender) => median(all(contender, key, kind))) as [
      number,
      number,
      number,
    ];
    // Ratios page by page, then their median: shop pages (small) and articles (large) make two
    // clusters, and a ratio of medians taken over both would depend on where the clusters meet.
    const chosen = pages.filter((page) => !kind || page.kind === kind);
    const perPage = (over: Contender, under: Contender) =>
      median(chosen.map((page) => median(of(over, page.host, key)) / (median(of(under, page.host, key)) || 1)));
    return {
      none: a,
      noop: b,
      thiqa: c,
      thiqaOverNoop: perPage(thiqa, noop),
      noopOverNone: perPage(noop, none),
      added: median(chosen.map((page) => median(of(thiqa, page.host, key)) - median(of(noop, page.host, key)))),
    };
  };
  const line = (label: string, s: ReturnType<typeof summary>) =>
    `  ${label.padEnd(34)} ${ms(s.none)} ${ms(s.noop)} ${ms(s.thiqa)}   thiqa/no-op ${s.thiqaOverNoop.toFixed(2)}× (+${s.added.toFixed(1)} ms), no-op/none ${s.noopOverNone.toFixed(2)}×`;
  const main = summary('cpu');
  console.log(line('shop pages, median', summary('cpu', 'shop')));
  console.log(line('article pages, median', summary('cpu', 'article')));
  console.log(`${line('all pages, median', main)}   (goal thiqa/no-op ≤ 1.05×)`);
  console.log('  (ratios and ms added: page by page, then the median over pages)');
  const wall = summary('settled');
  console.log('  wall clock: load event + main-thread work after it, median ms:');
  console.log(line('shop pages, median', summary('settled', 'shop')));
  console.log(line('article pages, median', summary('settled', 'article')));
  console.log(line('all pages, median', wall));
  // What the lead slimming the content script wants to see: how much is JavaScript at all.
  const [script, compile] = [summary('script'), summary('compile')];
  console.log(
    `  JavaScript run / compiled on the main thread (wall), median ms: none ${script.none.toFixed(1)} / ${compile.none.toFixed(1)}, no-op ${script.noop.toFixed(1)} / ${compile.noop.toFixed(1)}, thiqa ${script.thiqa.toFixed(1)} / ${compile.thiqa.toFixed(1)}`,
  );
  if (against) reportAgainst(pages, thiqa, against, of);
  recordGoal({
    figure: `page load, ${shopCount} fixture shop pages and ${pages.length - shopCount} article pages (main-thread CPU per page view)`,
    baseline: `no-op extension ${main.noop.toFixed(1)} ms (no extension ${main.none.toFixed(1)} ms: floor ${main.noopOverNone.toFixed(2)}×)`,
    measured: `Thiqa ${main.thiqa.toFixed(1)} ms, ${main.thiqaOverNoop.toFixed(2)}× the floor page by page (+${main.added.toFixed(1)} ms) (wall, load + work after: ${wall.thiqaOverNoop.toFixed(2)}×); load average ${loadBefore}`,
    goal: '≤ 1.05× the no-op floor',
    met: main.thiqaOverNoop <= 1.05,
  });
}

/** The A/B lines: Thiqa as built against the other checkout's build, page by page then the median. */
function reportAgainst(
  pages: BenchPage[],
  thiqa: Contender,
  against: Contender,
  of: (contender: Contender, host: string, key: keyof LoadFigures) => number[],
): void {
  console.log(`  A/B: this checkout against ${AGAINST_ROOT}, main-thread CPU, median ms:`);
  for (const kind of ['shop', 'article'] as const) {
    const chosen = pages.filter((page) => page.kind === kind);
    const pair = chosen.map((page) => [median(of(thiqa, page.host, 'cpu')), median(of(against, page.host, 'cpu'))]);
    const ratio = median(pair.map(([now, before]) => (now ?? 0) / (before || 1)));
    const added = median(pair.map(([now, before]) => (now ?? 0) - (before ?? 0)));
    console.log(
      `  ${`${kind} pages`.padEnd(34)} against ${median(pair.map((p) => p[1] ?? 0)).toFixed(1)} ms, this ${median(pair.map((p) => p[0] ?? 0)).toFixed(1)} ms: ${ratio.toFixed(3)}× (${added >= 0 ? '+' : ''}${added.toFixed(1)} ms), page by page`,
    );
  }
}
