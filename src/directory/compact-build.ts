import { type CompactDirectory, KEY_KIND, MARKER, REF_MASK, SECTION, SECTION_COUNT } from './compact-directory.ts';
import { bytesOf, encodeSections, hashUnits, sortPairs } from './compact-format.ts';
import { MIN_SKELETON_LENGTH, nameSkeleton } from './lookalike.ts';
import type { DirectoryState, Merchant } from './schemas.ts';
import { socialKeyOf } from './social-identity.ts';

// Builds the compact index (compact-directory.ts) at sync time. A snapshot builds it from
// nothing; a delta patches the stored one: kept merchants are copied as bytes and their
// hashes carried over with new references, so a 1 % delta costs a few linear passes over
// typed arrays and the skeletons of the merchants it brings, never a read of every record.

/** What the index keeps of a merchant. */
export interface MerchantKeys {
  readonly id: string;
  readonly verified: boolean;
  readonly domains: readonly string[];
  readonly socialKeys: readonly string[];
  readonly ice: string;
}

export function merchantKeys(merchant: Merchant): MerchantKeys {
  const socialKeys: string[] = [];
  for (const { network, handle } of merchant.social) {
    const key = socialKeyOf(network, handle);
    if (key !== null) socialKeys.push(key);
  }
  return {
    id: merchant.id,
    verified: merchant.status === 'verified',
    domains: merchant.domains,
    socialKeys,
    ice: merchant.ice,
  };
}

export interface Marker {
  readonly domain: string;
  readonly kind: (typeof MARKER)[keyof typeof MARKER];
}

export interface CompactChanges {
  /** Merchants to drop (a delta's removals); an upserted merchant replaces its old entry by itself. */
  readonly removedIds: readonly string[];
  readonly upserted: readonly MerchantKeys[];
  /** Markers added and removed (one each per flagged or complained-about domain that came or went). */
  readonly addMarkers: readonly Marker[];
  readonly removeMarkers: readonly Marker[];
}

const utf8 = new TextEncoder();
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildCompact(state: Pick<DirectoryState, 'merchants' | 'flagged' | 'domainComplaints'>): Uint8Array {
  return patchCompact(null, {
    removedIds: [],
    upserted: state.merchants.map(merchantKeys),
    addMarkers: [
      ...state.flagged.map(({ domain }) => ({ domain, kind: MARKER.flag })),
      ...state.domainComplaints.map(({ domain }) => ({ domain, kind: MARKER.complaints })),
    ],
    removeMarkers: [],
  });
}

/** The old merchant's position in id order, or the insertion point (negative, minus one) when absent. */
function findMerchant(old: CompactDirectory, id: string): number {
  let low = 0;
  let high = old.merchantCount - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareIds(old.id(middle), id);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -low - 1;
}

class Growing {
  keys = new Uint32Array(1024);
  values = new Uint32Array(1024);
  length = 0;
  push(key: number, value: number): void {
    if (this.length === this.keys.length) {
      const keys = new Uint32Array(this.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const values = new Uint32Array(this.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.keys[this.length] = key;
    this.values[this.length++] = value;
  }
  sorted(): [Uint32Array, Uint32Array] {
    const keys = this.keys.slice(0, this.length);
    const values = this.values.slice(0, this.length);
    sortPairs(keys, values);
    return [keys, values];
  }
}

export function patchCompact(old: CompactDirectory | null, changes: CompactChanges): Uint8Array {
  const upserted = [...new Map(changes.upserted.map((keys) => [keys.id, keys])).values()].sort((a, b) =>
    compareIds(a.id, b.id),
  );
  const oldCount = old?.merchantCount ?? 0;
  const dropped = new Uint8Array(oldCount);
  const insertAt = new Uint32Array(upserted.length);
  if (old) {
    for (const id of changes.removedIds) {
      const at = findMerchant(old, id);
      if (at >= 0) dropped[at] = 1;
    }
    upserted.forEach(({ id }, index) => {
      const at = findMerchant(old, id);
      if (at >= 0) dropped[at] = 1;
      insertAt[index] = at >= 0 ? at : -at - 1;
    });
  }

  // The merchants in id order: kept old ones and the upserted ones merged.
  const merchantOld = new Int32Array(oldCount).fill(-1);
  const domainOld = new Int32Array(old?.meta.domainCount ?? 0).fill(-1);
  const idParts: Uint8Array[] = [];
  const domainParts: Uint8Array[] = [];
  const idEnds: number[] = [];
  const domainEnds: number[] = [];
  const domainStart: number[] = [0];
  const verified: number[] = [];
  let idBytes = 0;
  let domainBytes = 0;
  const keys = new Growing();
  const skeletons = new Growing();
  const newTargets: Array<{ skeleton: string }> = [];
  const pushDomain = (bytes: Uint8Array) => {
    domainParts.push(bytes);
    domainBytes += bytes.byteLength;
    domainEnds.push(domainBytes);
  };
  const pushId = (bytes: Uint8Array, isVerified: boolean) => {
    idParts.push(bytes);
    idBytes += bytes.byteLength;
    idEnds.push(idBytes);
    verified.push(isVerified ? 1 : 0);
  };
  const keepOld = (merchant: number) => {
    if (!old || dropped[merchant]) return;
    merchantOld[merchant] = verified.length;
    pushId(old.idBytes(merchant), old.isVerified(merchant));
    const [from, to] = old.domainRange(merchant);
    for (let domain = from; domain < to; domain++) {
      domainOld[domain] = domainEnds.length;
      pushDomain(old.domainBytes(domain));
    }
    domainStart.push(domainEnds.length);
  };
  const addNew = (merchant: MerchantKeys) => {
    const ordinal = verified.length;
    pushId(utf8.encode(merchant.id), merchant.verified);
    for (const domain of merchant.domains) {
      const ref = domainEnds.length;
      pushDomain(utf8.encode(domain));
      keys.push(hashUnits(domain), (KEY_KIND.domain << 30) | ref);
      if (!merchant.verified) continue;
      const skeleton = nameSkeleton(domain);
      if (skeleton.length < MIN_SKELETON_LENGTH) continue;
      skeletons.push(hashUnits(skeleton), ref);
      newTargets.push({ skeleton });
    }
    domainStart.push(domainEnds.length);
    for (const key of merchant.socialKeys) keys.push(hashUnits(key), ((KEY_KIND.social << 30) | ordinal) >>> 0);
    // No ICE: the extension reads the merchants holding an ICE through IndexedDB's byIce index.
  };
  let next = 0;
  upserted.forEach((merchant, index) => {
    for (; next < (insertAt[index] as number); next++) keepOld(next);
    addNew(merchant);
  });
  for (; next < oldCount; next++) keepOld(next);

  if (old) carryOver(old, merchantOld, domainOld, changes.removeMarkers, keys, skeletons);
  for (const { domain, kind } of changes.addMarkers)
    keys.push(hashUnits(domain), ((KEY_KIND.marker << 30) | kind) >>> 0);

  const [keyHash, keyValue] = keys.sorted();
  const [skeletonHash, skeletonDomain] = skeletons.sorted();
  const alphabet = alphabetFor(old, newTargets, skeletonDomain, domainParts);
  const sections: Uint8Array[] = [];
  // No deletion filter (alphabetFor): its bits, keys and capacity are 0.
  sections[SECTION.meta] = bytesOf(Uint32Array.of(verified.length, domainEnds.length, 0, 0, 0));
  sections[SECTION.idBytes] = concat(idParts, idBytes);
  sections[SECTION.idEnds] = bytesOf(Uint32Array.from(idEnds));
  sections[SECTION.verified] = Uint8Array.from(verified);
  sections[SECTION.domainStart] = bytesOf(Uint32Array.from(domainStart));
  sections[SECTION.domainBytes] = concat(domainParts, domainBytes);
  sections[SECTION.domainEnds] = bytesOf(Uint32Array.from(domainEnds));
  sections[SECTION.keyHash] = bytesOf(keyHash);
  sections[SECTION.keyValue] = bytesOf(keyValue);
  sections[SECTION.skeletonHash] = bytesOf(skeletonHash);
  sections[SECTION.skeletonDomain] = bytesOf(skeletonDomain);
  sections[SECTION.bloom] = new Uint8Array(0);
  sections[SECTION.alphabet] = new Uint8Array(Uint16Array.from(alphabet, (c) => c.charCodeAt(0)).buffer);
  if (sections.length !== SECTION_COUNT) throw new Error('compact index: a section is missing');
  return encodeSections(sections);
}

/** The old entries of kept merchants under their new references, less the markers that went. */
function carryOver(
  old: CompactDirectory,
  merchantOld: Int32Array,
  domainOld: Int32Array,
  removeMarkers: readonly Marker[],
  keys: Growing,
  skeletons: Growing,
): void {
  const toRemove = new Map<string, number>();
  for (const { domain, kind } of removeMarkers) {
    const key = `${hashUnits(domain)}:${kind}`;
    toRemove.set(key, (toRemove.get(key) ?? 0) + 1);
  }
  old.forEachKey((hash, value) => {
    const kind = value >>> 30;
    const ref = value & REF_MASK;
    if (kind === KEY_KIND.marker) {
      const key = `${hash}:${ref}`;
      const left = toRemove.get(key) ?? 0;
      if (left > 0) toRemove.set(key, left - 1);
      else keys.push(hash, value);
      return;
    }
    if (kind === KEY_KIND.ice) return; // an index of the previous format
    const moved = kind === KEY_KIND.domain ? (domainOld[ref] as number) : (merchantOld[ref] as number);
    if (moved >= 0) keys.push(hash, ((kind << 30) | moved) >>> 0);
  });
  for (let at = 0; at < old.skeletonHash.length; at++) {
    const moved = domainOld[old.skeletonDomain[at] as number] as number;
    if (moved >= 0) skeletons.push(old.skeletonHash[at] as number, moved);
  }
}

/**
 * The letters the targets' skeletons are written with: a one-letter search puts each back
 * where a letter is missing. The index keeps no filter of the deletions (its section stays,
 * empty). The filter (8 bits a deletion, 1.7 MB of the 2.6 MB look-alike piece at 100k
 * merchants) spared a look-alike search most of its skeleton look-ups (67 µs a search
 * instead of 670 µs), but the piece is read from IndexedDB whole on the first unknown shop
 * after every wake, and reading it cost a cold worker 57 ms, and its badge some 70 ms more.
 * A delta adds its targets' letters to the stored alphabet (letters of removed targets stay:
 * they only cost a look-up). An index stored with a filter still uses it (compact-directory.ts).
 */
function alphabetFor(
  old: CompactDirectory | null,
  newTargets: ReadonlyArray<{ skeleton: string }>,
  skeletonDomain: Uint32Array,
  domainParts: readonly Uint8Array[],
): string {
  const letters = new Set<string>(old ? old.alphabet.split('') : []);
  const addLetters = (skeleton: string) => {
    for (let at = 0; at < skeleton.length; at++) letters.add(skeleton.charAt(at)); // UTF-16 units, as deletions are taken.
  };
  if (old) for (const { skeleton } of newTargets) addLetters(skeleton);
  else {
    const decoder = new TextDecoder();
    for (const ref of skeletonDomain) addLetters(nameSkeleton(decoder.decode(domainParts[ref])));
  }
  return [...letters].sort().join('');
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}
