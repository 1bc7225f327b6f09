import { LookalikeIndex } from '../../src/directory/lookalike.ts';
import { shopIdentity } from '../../src/directory/shop-identity.ts';
import { syntheticMerchantRows } from './synthetic-merchants.ts';

// The look-alike index's figures: how long building it takes (once per directory in the
// extension's background) and how many lookups a second it answers, at 10k and 100k
// verified domains. Lookups mix unknown shops, imitations (one edit, an added word, a
// subdomain) and the merchants' own domains, as a shopper's tabs would.

const SIZES = (process.env.THIQA_BENCH_LOOKALIKE_SIZES ?? '10000,100000').split(',').map(Number);
const LOOKUPS = Number(process.env.THIQA_BENCH_LOOKALIKE_LOOKUPS ?? 50_000);

function queriesFor(domains: string[]): Array<{ domain: string; host: string }> {
  const hosts: string[] = [];
  for (let i = 0; hosts.length < LOOKUPS; i++) {
    const known = domains[(i * 7919) % domains.length] as string;
    const [name, ...rest] = known.split('.');
    const suffix = rest.join('.');
    const variants = [
      `unrelated-shop-${i}.ma`,
      `${name}s.${suffix}`,
      `${name}-promo.shop`,
      `${known}.secure-pay-${i % 97}.com`,
      known,
    ];
    hosts.push(variants[i % variants.length] as string);
  }
  return hosts.flatMap((host) => {
    const identity = shopIdentity(host);
    return identity ? [{ domain: identity.domain, host: identity.host }] : [];
  });
}

export function benchLookalikes(): void {
  console.log('\nLook-alike index (in process, one core)');
  for (const size of SIZES) {
    const rows = syntheticMerchantRows(size);
    const targets = rows.slice(0, size).map((row, index) => ({
      domain: (row.domains as string[])[0] as string,
      merchantId: `m${index}`,
    }));
    const started = performance.now();
    const index = new LookalikeIndex(targets);
    const buildMs = performance.now() - started;
    const queries = queriesFor(targets.map((target) => target.domain));
    let found = 0;
    const lookupStart = performance.now();
    for (const query of queries) if (index.imitatedBy(query)) found++;
    const lookupSeconds = (performance.now() - lookupStart) / 1000;
    console.log(
      `  ${size.toLocaleString('en')} verified domains   build ${buildMs.toFixed(0)} ms   ` +
        `${(queries.length / lookupSeconds).toFixed(0)} lookups/s (${((lookupSeconds * 1e6) / queries.length).toFixed(1)} µs each, ${found} look-alikes found)`,
    );
  }
}
