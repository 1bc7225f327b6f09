import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { buildCompact, merchantKeys, patchCompact } from './compact-build.ts';
import { CompactDirectory } from './compact-directory.ts';
import { hashUnits } from './compact-format.ts';
import { compactLookup, recordsWanted } from './compact-lookup.ts';
import { PIECE_HEAD, PIECE_LOOKALIKE, piecesOf } from './compact-pieces.ts';
import { DirectoryIndex } from './directory-index.ts';
import type { DirectoryState, Merchant } from './schemas.ts';
import { resolveShopIdentity } from './shop-identity.ts';
import { verdictForInput } from './verdict.ts';

// The compact index answers as the in-memory DirectoryIndex does, for every kind of shop key,
// through hash collisions, after a delta, and refuses a stored copy that is not whole.

const NOW = new Date('2026-11-27T10:00:00Z');

/** Judges `input` the way the extension does: the compact index, then the records it names. */
function judgeCompact(bytes: Uint8Array, state: DirectoryState, input: string, ices: string[] = []) {
  const compact = CompactDirectory.read(bytes);
  if (!compact) throw new Error('unreadable');
  const resolved = resolveShopIdentity(input, state.platforms);
  const domain = resolved.ok ? resolved.identity.domain : '';
  const wanted = recordsWanted(compact, domain);
  const byId = new Map(state.merchants.map((merchant) => [merchant.id, merchant]));
  const merchants = new Map<string, Merchant>();
  for (const id of wanted.merchantIds) if (byId.has(id)) merchants.set(id, byId.get(id) as Merchant);
  // The extension reads the merchants holding an ICE through IndexedDB's byIce index.
  for (const merchant of state.merchants) if (ices.includes(merchant.ice)) merchants.set(merchant.id, merchant);
  const lookup = compactLookup(compact, state, domain, {
    merchants,
    flag: wanted.flag ? state.flagged.find((flag) => flag.domain === domain) : undefined,
    complaints: wanted.complaints ? state.domainComplaints.find((entry) => entry.domain === domain) : undefined,
  });
  return verdictForInput(input, lookup, NOW, { evidence: { ices, seals: [], mentions: [] } as never });
}

const atlas = testMerchant({
  id: 'atlas-electro',
  domains: ['atlas-electro.test', 'atlaselectro.youcan.shop'],
  social: [{ network: 'instagram', handle: '@atlas.electro' }],
  labels: [{ kind: 'cmi-payment', issuer: 'CMI', reference: 'CMI-1', issued: null, validUntil: '2026-01-01' }],
  complaints: { open: { 'non-delivery': 4 }, resolved: {} },
});
const souk = testMerchant({ id: 'souk-bladi', domains: ['souk-bladi.test'], status: 'suspended' });
const twin = testMerchant({ id: 'zz-twin', social: [{ network: 'instagram', handle: 'atlas.electro' }] });
const state = testState({
  merchants: [atlas, souk, twin],
  flagged: [{ domain: 'fake-shop.test', reason: 'fraud', since: '2026-10-01', summary: 'Took money.' }],
  domainComplaints: [{ domain: 'unlisted.test', complaints: { open: { 'non-delivery': 5 }, resolved: {} } }],
});

const INPUTS = [
  'https://atlas-electro.test/product',
  'https://atlaselectro.youcan.shop/',
  'https://www.instagram.com/atlas.electro/',
  'https://souk-bladi.test/',
  'https://fake-shop.test/checkout',
  'https://unlisted.test/',
  'https://atlas-electr0.test/',
  'https://atlas-electro.test.secure-pay.com/',
  'https://nobody-here.test/',
  'about:blank',
];

describe('the compact directory index', () => {
  it('keeps the look-alike part, read whole on the first unknown shop of a wake, to 8 bytes a target', () => {
    // 2,000 merchants with a domain each: the part holds each target skeleton's hash and
    // domain. A filter of their deletions made it three times that (2.6 MB at 100k
    // merchants: 57 ms of a cold worker's read, and its first badge some 70 ms later still).
    const many = testState({
      merchants: Array.from({ length: 2_000 }, (_, i) =>
        testMerchant({ id: `shop-${i}`, ice: undefined, domains: [`boutique-numero-${i}.ma`] }),
      ),
    });
    const pieces = piecesOf(buildCompact(many), 1);
    const look = pieces.get(PIECE_LOOKALIKE);
    const compact = CompactDirectory.fromHead(pieces.get(PIECE_HEAD));
    if (!look || !compact?.addPiece(PIECE_LOOKALIKE, look)) throw new Error('no look-alike part');
    expect(compact.skeletonHash.length).toBe(2_000);
    expect(look.byteLength).toBeLessThan(8 * 2_000 + 1_024);
    // And it still finds a one-letter imitation among them.
    for (const [key, value] of pieces) if (key !== PIECE_HEAD) compact.addPiece(key, value);
    expect(compact.lookalikeOf({ domain: 'boutique-numer-1234.ma' })).toMatchObject({
      domain: 'boutique-numero-1234.ma',
      kind: 'one-edit',
    });
  });

  it.each(INPUTS)('judges %s as the in-memory index does', (input) => {
    const bytes = buildCompact(state);
    expect(judgeCompact(bytes, state, input)).toEqual(verdictForInput(input, new DirectoryIndex(state), NOW));
  });

  it('names the merchant holding an ICE a page shows', () => {
    const bytes = buildCompact(state);
    const input = 'https://impostor.test/';
    const evidence = { ices: [atlas.ice], seals: [], mentions: [] } as never;
    const expected = verdictForInput(input, new DirectoryIndex(state), NOW, { evidence });
    expect(expected.verdict.reasons.map((reason) => reason.code)).toContain('ice-impersonation');
    expect(judgeCompact(bytes, state, input, [atlas.ice])).toEqual(expected);
  });

  it('tells apart keys whose hashes collide', () => {
    // Two domains with one 32-bit hash, found once by a search (1.4 million tries).
    const pair = ['shop1232789.test', 'shop1429192.test'] as const;
    expect(hashUnits(pair[0])).toBe(hashUnits(pair[1]));
    const [held, stranger] = pair;
    const withCollision = testState({ merchants: [testMerchant({ id: 'held', domains: [held] })] });
    const bytes = buildCompact(withCollision);
    const index = new DirectoryIndex(withCollision);
    for (const input of [held, stranger]) {
      expect(judgeCompact(bytes, withCollision, `https://${input}/`)).toEqual(verdictForInput(input, index, NOW));
    }
    expect(judgeCompact(bytes, withCollision, `https://${stranger}/`).verdict.level).toBe('unknown');
    // A merchant's own domain is no look-alike; the stranger sharing its hash is not its own.
    expect(CompactDirectory.read(bytes)?.owns(held)).toBe(true);
    expect(CompactDirectory.read(bytes)?.owns(stranger)).toBe(false);
  });

  it('answers after a delta as a snapshot of the new state would', () => {
    const before = buildCompact(state);
    const moved = { ...atlas, domains: ['atlas-electro.test'], status: 'revoked' as const };
    const added = testMerchant({ id: 'nejma-store', domains: ['nejma-store.test', 'atlaselectro.youcan.shop'] });
    const after = testState({
      merchants: [moved, added, twin],
      flagged: [],
      domainComplaints: state.domainComplaints,
    });
    const old = CompactDirectory.read(before);
    const patched = patchCompact(old, {
      removedIds: ['souk-bladi'],
      upserted: [moved, added].map(merchantKeys),
      addMarkers: [],
      removeMarkers: [{ domain: 'fake-shop.test', kind: 1 }],
    });
    const index = new DirectoryIndex(after);
    for (const input of [...INPUTS, 'https://nejma-st0re.test/', 'https://souk-bladii.test/']) {
      expect(judgeCompact(patched, after, input)).toEqual(verdictForInput(input, index, NOW));
    }
  });

  it('refuses a stored copy that is truncated, altered, of another version or not bytes', () => {
    const bytes = buildCompact(state);
    expect(CompactDirectory.read(bytes)).not.toBeNull();
    const flipped = bytes.slice();
    flipped[flipped.length - 9] = (flipped[flipped.length - 9] as number) ^ 1;
    const otherVersion = bytes.slice();
    otherVersion[4] = 99;
    for (const stored of [
      bytes.slice(0, bytes.length - 4),
      bytes.slice(0, 10),
      flipped,
      otherVersion,
      new Uint8Array(0),
      'not bytes',
      { length: 3 },
      undefined,
    ]) {
      expect(CompactDirectory.read(stored)).toBeNull();
    }
  });
});
