import { getDomain } from 'tldts';
import { buildCompact } from '../../src/directory/compact-build.ts';
import { CompactDirectory } from '../../src/directory/compact-directory.ts';
import { compactLookup, recordsWanted } from '../../src/directory/compact-lookup.ts';
import type { Merchant } from '../../src/directory/schemas.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { verdictForResolved } from '../../src/directory/verdict.ts';
import { recordGoal } from './goals.ts';
import { heldMemory } from './index-held-memory.ts';
import { syntheticState } from './synthetic-directory.ts';

// The extension's compact index (src/directory/compact-directory.ts), in Node on one core:
// - memory per merchant: the pieces of the stored index the worker holds after judging shops,
//   plus the heap its reader adds (and the whole stored size beside it);
// - the verdict for a URL against `new URL` + tldts + `Map.get` on the same domains;
// - the look-alike part's load time: reading (and checking) the binary is all a wake does.
// Records of the shops judged come from a Map here (in the extension: one IndexedDB get).

const MERCHANTS = Number(process.env.THIQA_BENCH_INDEX_MERCHANTS ?? 1_000_000);
const LOOKALIKE_MERCHANTS = Number(process.env.THIQA_BENCH_LOOKALIKE_MERCHANTS ?? 100_000);
const QUERIES = Number(process.env.THIQA_BENCH_INDEX_QUERIES ?? 20_000);
const ROUNDS = Number(process.env.THIQA_BENCH_INDEX_ROUNDS ?? 9);
const NOW = new Date('2026-11-27T10:00:00Z');

const gc = (globalThis as { gc?: () => void }).gc;
const heapNow = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Known shops, their imitations, and unrelated shops, as a shopper's tabs would mix them. */
function queryUrls(merchants: readonly Merchant[]): { urls: string[]; known: string[] } {
  const urls: string[] = [];
  const known: string[] = [];
  for (let i = 0; urls.length < QUERIES; i++) {
    const domain = merchants[(i * 7919) % merchants.length]?.domains[0] as string;
    const [name, ...rest] = domain.split('.');
    const variants = [
      `https://${domain}/product/${i}`,
      `https://unrelated-shop-${i}.ma/`,
      `https://${name}s.${rest.join('.')}/`,
      `https://${domain}.secure-pay-${i % 97}.com/login`,
    ];
    urls.push(variants[i % variants.length] as string);
    known.push(`https://${domain}/product/${i}`);
  }
  return { urls, known };
}

/**
 * The call and its baseline, timed in alternate rounds over the same inputs, so that both
 * see the same machine (on a shared, loaded machine, figures taken minutes apart differ by
 * 2× on their own); the ratio is the median of the rounds' ratios.
 */
function timeAgainst(
  inputs: readonly string[],
  baseline: (input: string) => unknown,
  call: (input: string) => unknown,
): { baseUs: number; callUs: number; ratio: number } {
  const base: number[] = [];
  const timed: number[] = [];
  const ratios: number[] = [];
  const perCall = (run: (input: string) => unknown) => {
    const started = performance.now();
    for (const input of inputs) run(input);
    return ((performance.now() - started) * 1000) / inputs.length;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const baseUs = perCall(baseline);
    const callUs = perCall(call);
    base.push(baseUs);
    timed.push(callUs);
    ratios.push(callUs / baseUs);
  }
  return { baseUs: median(base), callUs: median(timed), ratio: median(ratios) };
}

export function benchExtensionIndex(): void {
  console.log(`\nExtension compact index, ${MERCHANTS.toLocaleString('en')} merchants (Node, one core)`);
  let state: ReturnType<typeof syntheticState> | null = syntheticState(MERCHANTS);
  const started = performance.now();
  const bytes = buildCompact(state);
  const buildMs = performance.now() - started;
  const { urls, known } = queryUrls(state.merchants);
  // Only the judged shops' records are kept (the extension reads them from IndexedDB), as
  // IndexedDB gives them: structured clones, whose strings are flat (the synthetic rows'
  // strings are concatenations, which V8 compares and hashes more slowly).
  const records = new Map<string, Merchant>();
  const baseline = new Map<string, number>();
  state.merchants.forEach((merchant, index) => {
    for (const domain of merchant.domains) baseline.set(domain, index);
  });
  for (const url of [...urls, ...known]) {
    const host = new URL(url).hostname;
    const merchant = state.merchants[baseline.get(host) ?? -1];
    if (merchant) records.set(merchant.id, structuredClone(merchant));
  }
  const { policy, platforms } = state;
  state = null;

  // Held: what the worker keeps of the stored pieces after judging shops (index-held-memory.ts),
  // beside the whole stored size; the verdicts below use the whole index read at once.
  const [name, ...rest] = new URL(known[0] as string).hostname.split('.');
  const imitation = `https://${name}s.${rest.join('.')}/`; // unknown, and a look-alike: its target's text is read too
  const memory = heldMemory(bytes, platforms, { known: known[0] as string, unknown: imitation }, heapNow);
  const perMerchant = (memory.wakeBytes + memory.readerHeap) / MERCHANTS;
  const boundPerMerchant = (memory.boundBytes + memory.readerHeap) / MERCHANTS;
  const storedPerMerchant = memory.storedBytes / MERCHANTS;
  console.log(
    `  build ${(buildMs / 1000).toFixed(1)} s; stored ${(memory.storedBytes / 1e6).toFixed(1)} MB in ${memory.pieceCount} pieces = ${storedPerMerchant.toFixed(1)} B per merchant (whole binary ${(bytes.byteLength / MERCHANTS).toFixed(1)} B)`,
  );
  console.log(
    `  held by the worker after judging an unknown and a listed shop: ${memory.wakePieces} pieces, ${(memory.wakeBytes / 1e6).toFixed(2)} MB + reader heap ${(memory.readerHeap / 1e3).toFixed(0)} kB = ${perMerchant.toFixed(1)} B per merchant; at most (${'head, look-alike part, 64 pieces'}) ${boundPerMerchant.toFixed(1)} B per merchant${gc ? '' : ' (no --expose-gc: heap figure rough)'}`,
  );
  recordGoal({
    figure: `extension memory per merchant at ${MERCHANTS.toLocaleString('en')} (compact index the worker holds)`,
    baseline: '—',
    measured: `${perMerchant.toFixed(0)} B after a wake, ≤ ${boundPerMerchant.toFixed(0)} B held at most (stored whole: ${storedPerMerchant.toFixed(0)} B)`,
    goal: '≤ 100 B',
    met: boundPerMerchant <= 100,
  });
  const compact = CompactDirectory.read(bytes);
  if (!compact) throw new Error('the built index does not read back');

  // What the worker does for a tab (directory-store.ts lookupFor, then shop-judge.ts): the
  // URL resolved once, the records it needs chosen, read (here: from a Map), and judged.
  const judge = (url: string) => {
    const resolved = resolveShopIdentity(url, platforms);
    const domain = resolved.ok ? resolved.identity.domain : '';
    const wanted = recordsWanted(compact, domain);
    const merchants = new Map<string, Merchant>();
    for (const id of wanted.merchantIds) {
      const record = records.get(id);
      if (record) merchants.set(id, record);
    }
    const lookup = compactLookup(compact, { policy, platforms }, domain, {
      merchants,
      flag: undefined,
      complaints: undefined,
    });
    return verdictForResolved(resolved, lookup, NOW);
  };
  const bare = (url: string) => baseline.get(getDomain(new URL(url).hostname) ?? '');
  const mixed = timeAgainst(urls, bare, judge);
  const knownShops = timeAgainst(known, bare, judge);
  console.log(
    `  verdict, mixed URLs (known, look-alikes, unrelated) ${mixed.callUs.toFixed(1)} µs vs bare ${mixed.baseUs.toFixed(1)} µs = ${mixed.ratio.toFixed(1)}×; known shops ${knownShops.callUs.toFixed(1)} µs vs ${knownShops.baseUs.toFixed(1)} µs = ${knownShops.ratio.toFixed(1)}× (medians of ${ROUNDS} alternate rounds)`,
  );
  recordGoal({
    figure: `verdict for a URL at ${MERCHANTS.toLocaleString('en')} (compact index; known shops / mixed with look-alikes)`,
    baseline: `new URL + tldts + Map.get ${knownShops.baseUs.toFixed(1)} µs`,
    measured: `${knownShops.callUs.toFixed(1)} µs = ${knownShops.ratio.toFixed(1)}× / mixed ${mixed.ratio.toFixed(1)}×`,
    goal: '≤ 3×',
    met: knownShops.ratio <= 3,
  });
}

/** `--only lookalike`: what loading the look-alike part costs at a wake now (nothing is built). */
export function benchLookalikeLoad(): void {
  const bytes = buildCompact(syntheticState(LOOKALIKE_MERCHANTS));
  const loads: number[] = [];
  for (let round = 0; round < 5; round++) {
    const copy = bytes.slice();
    const started = performance.now();
    const compact = CompactDirectory.read(copy);
    loads.push(performance.now() - started);
    if (!compact) throw new Error('unreadable');
  }
  const compact = CompactDirectory.read(bytes) as CompactDirectory;
  const started = performance.now();
  const found = compact.lookalikeOf({ domain: 'atlas-souk-1.ma', host: 'atlas-souk-1.ma' });
  const firstMs = performance.now() - started;
  console.log(
    `  compact index, ${LOOKALIKE_MERCHANTS.toLocaleString('en')} merchants: load (read + checksum, look-alike part included) ${median(loads).toFixed(1)} ms; first look-alike lookup ${firstMs.toFixed(2)} ms (${found ? `found ${found.domain}` : 'none'})`,
  );
}
