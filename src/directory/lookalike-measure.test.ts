import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { e2eDirectory } from '../../test/fixtures/e2e-directory.ts';
import { buildCompact } from './compact-build.ts';
import { CompactDirectory } from './compact-directory.ts';
import { CONFUSABLE_PROTOTYPES } from './confusables-table.ts';
import { DirectoryIndex } from './directory-index.ts';
import type { Merchant, Snapshot } from './schemas.ts';
import { shopIdentity } from './shop-identity.ts';

// How well look-alikes are told apart, measured (issue 14 item 1):
// - false positives: real, unrelated domains (test/fixtures/real-domains.txt) that the
//   index calls imitations of a demo or test merchant, over all of them (goal < 0.5 %);
// - recall: imitations generated from each verified demo merchant's domain (doubled,
//   dropped and swapped letters, confusables from the UTS #39 table, Latin and
//   Arabic-Indic digits, added words, the brand in front of another domain, other
//   suffixes) that the index catches, over all of them (goal > 95 %).
// The same name under a suffix the merchant does not own is an imitation and counted in
// recall; a suffix the merchant owns is its own domain and never counted anywhere.
// Run: npx vitest run --project unit src/directory/lookalike-measure.test.ts

const bundled = JSON.parse(readFileSync(new URL('../../public/directory/snapshot.json', import.meta.url), 'utf8'))
  .state as Snapshot['state'];
const testShops = e2eDirectory(new Date('2026-11-27T10:00:00Z'), 1, new Date('2026-11-27T09:00:00Z')).state;

// The demo's merchants and the browser tests' ones, by id (the same shops, some with more domains).
const merchants = new Map<string, Merchant>();
for (const merchant of [...bundled.merchants, ...testShops.merchants]) {
  const known = merchants.get(merchant.id);
  merchants.set(
    merchant.id,
    known ? { ...known, domains: [...new Set([...known.domains, ...merchant.domains])] } : merchant,
  );
}
const index = new DirectoryIndex({ ...bundled, merchants: [...merchants.values()], flagged: [] });
const owned = new Set([...merchants.values()].flatMap((merchant) => merchant.domains));
// The extension's stored index, over the same merchants in the order IndexedDB gives them (by id).
const byId = [...merchants.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
const sortedIndex = new DirectoryIndex({ ...bundled, merchants: byId, flagged: [] });
const compact = CompactDirectory.read(buildCompact({ merchants: byId, flagged: [], domainComplaints: [] }));

function imitates(input: string): string | null {
  const identity = shopIdentity(input, bundled.platforms);
  if (!identity || owned.has(identity.domain)) return null;
  return index.lookalikeOf(identity)?.domain ?? null;
}

/** Latin letter → one Cyrillic and one Greek look-alike from the generated table, where there are. */
const HOMOGLYPHS = new Map<string, string[]>();
for (const [prototype, sources] of CONFUSABLE_PROTOTYPES) {
  const pick = [...sources].filter((char) => /\p{Script=Cyrillic}|\p{Script=Greek}/u.test(char)).slice(0, 2);
  if (prototype.length === 1 && pick.length > 0) HOMOGLYPHS.set(prototype, pick);
}
const DIGITS: Record<string, string[]> = { o: ['0', '٠', '۰'], l: ['1', '١', '۱'], e: ['3'], a: ['4'], s: ['5'] };
// The words, then some the index does not list: with a hyphen they count in recall;
// glued (`atlaselectroplus`) they are a known limit, printed apart and not asserted, since
// catching any glued word would also flag `atlaselectronics`.
const WORDS = ['promo', 'shop', 'maroc', 'officiel', 'store', 'online', 'deals', 'vip', 'express'];
const UNLISTED_WORDS = ['plus', 'souq', 'bestof', 'world'];
const OTHER_SUFFIXES = ['ma', 'co.ma', 'com', 'net', 'shop', 'store'];

function nameAndSuffix(domain: string): [string, string] {
  const display = shopIdentity(domain)?.display ?? domain;
  const dot = display.indexOf('.');
  return [display.slice(0, dot), display.slice(dot + 1)];
}

/** The known limit: the brand glued to a word the index does not list. */
function gluedToUnlistedWords(domain: string): string[] {
  const [name, suffix] = nameAndSuffix(domain);
  const plain = name.replace(/-/g, '');
  return UNLISTED_WORDS.flatMap((word) => [`${plain}${word}.${suffix}`, `${word}${plain}.${suffix}`]);
}

/** Imitations of one verified domain, each a host a shopper could be sent to. */
function imitationsOf(domain: string): string[] {
  const display = shopIdentity(domain)?.display ?? domain;
  const [name, suffix] = nameAndSuffix(domain);
  const letters = [...name];
  const positions = letters.map((char, at) => (char === '-' ? -1 : at)).filter((at) => at >= 0);
  const names: string[] = [];
  const edit = (at: number, replace: string, length = 1) =>
    names.push([...letters.slice(0, at), replace, ...letters.slice(at + length)].join(''));
  for (const at of positions) {
    edit(at, `${letters[at]}${letters[at]}`); // doubled
    edit(at, ''); // dropped
    const next = letters[at + 1];
    if (next && next !== '-') edit(at, `${next}${letters[at]}`, 2); // swapped
  }
  letters.forEach((char, at) => {
    for (const look of [...(HOMOGLYPHS.get(char) ?? []), ...(DIGITS[char] ?? [])]) edit(at, look);
  });
  const plain = name.replace(/-/g, '');
  for (const word of WORDS) {
    names.push(`${name}-${word}`, `${word}-${name}`, `${plain}${word}`, `${word}${plain}`);
  }
  // Two tricks at once: a doubled letter and an added word.
  const last = letters.length - 1;
  names.push(`${name}${letters[last]}-promo`, `promo-${name}${letters[last]}`);
  for (const word of UNLISTED_WORDS) names.push(`${name}-${word}`, `${word}-${name}`);
  const hosts = names.map((variant) => `${variant}.${suffix}`);
  for (const other of OTHER_SUFFIXES) hosts.push(`${name}.${other}`);
  hosts.push(`${display}.secure-pay.com`, `${name}.secure-pay.com`, `www.${display}.login-verify.net`);
  hosts.push(`${plain}.paiement-maroc.com`, `${name}-promo.livraison-gratuite.ma`);
  return hosts;
}

describe('look-alikes, measured', () => {
  const verified = [...merchants.values()].filter((merchant) => merchant.status === 'verified');
  const realDomains = readFileSync(new URL('../../test/fixtures/real-domains.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('flags few real domains and catches the imitations', () => {
    expect(realDomains.length).toBeGreaterThanOrEqual(1000);
    const falsePositives = realDomains.filter((domain) => imitates(domain) !== null);

    const attempts = new Map<string, string>();
    for (const merchant of verified) {
      for (const domain of merchant.domains) {
        for (const host of imitationsOf(domain)) {
          const identity = shopIdentity(host, bundled.platforms);
          if (identity && !owned.has(identity.domain)) attempts.set(host, domain);
        }
      }
    }
    const missed = [...attempts.keys()].filter((host) => imitates(host) === null);
    const caught = attempts.size - missed.length;

    const percent = (part: number, whole: number) => ((100 * part) / whole).toFixed(2);
    console.log(
      `look-alikes: false positives ${falsePositives.length}/${realDomains.length} (${percent(falsePositives.length, realDomains.length)} %), recall ${caught}/${attempts.size} (${percent(caught, attempts.size)} %)`,
    );
    if (falsePositives.length > 0) console.log(`false positives: ${falsePositives.join(' ')}`);
    if (missed.length > 0) console.log(`missed: ${missed.join(' ')}`);
    const glued = verified.flatMap((merchant) => merchant.domains.flatMap(gluedToUnlistedWords));
    const gluedCaught = glued.filter((host) => imitates(host) !== null).length;
    console.log(
      `look-alikes, known limit (not asserted): brand glued to an unlisted word ${gluedCaught}/${glued.length}`,
    );
    // The compact index answers every host exactly as the in-memory one.
    const hosts = [...realDomains, ...attempts.keys(), ...glued];
    const differing = hosts.filter((host) => {
      const identity = shopIdentity(host, bundled.platforms);
      return (
        identity && JSON.stringify(compact?.lookalikeOf(identity)) !== JSON.stringify(sortedIndex.lookalikeOf(identity))
      );
    });
    expect(differing).toEqual([]);
    expect(attempts.size).toBeGreaterThan(500);
    expect(falsePositives.length / realDomains.length).toBeLessThan(0.005);
    expect(caught / attempts.size).toBeGreaterThan(0.95);
  });
});
