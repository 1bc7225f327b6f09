import { bytesOf, decodeSections, encodeSections, lowerBound, SECTION, wordsOf } from './compact-format.ts';

// The compact index (compact-directory.ts) as the extension stores it: not one value but
// pieces, each its own IndexedDB value, so a wake reads kilobytes, not the whole directory.
// - `head`: the counts, how the rest is cut, the look-alike letters;
// - `k<b>`: the shop keys whose 32-bit hash starts with the bucket's top bits (the sorted
//   hash table cut where those bits change), with their references;
// - `t<c>`: the ids, verified flags and domain texts of a run of merchants (in id order);
// - `look`: the look-alike part (skeleton hashes, Bloom filter), read only for an unknown shop.
// Every piece carries the stamp of the write that made it, and its own checksum (format of
// compact-format.ts): a piece of another write, or a damaged one, is refused.

/** The whole index's sections (compact-format.ts). */
const W = SECTION;

export const PIECE_HEAD = 'head';
export const PIECE_LOOKALIKE = 'look';
export const bucketPiece = (bucket: number) => `k${bucket}`;
export const chunkPiece = (chunk: number) => `t${chunk}`;

export interface Head {
  readonly stamp: number;
  readonly merchantCount: number;
  readonly domainCount: number;
  readonly bloomBits: number;
  readonly bloomKeys: number;
  readonly bloomCapacity: number;
  /** Keys are bucketed by this many top bits of their hash (0: one bucket). */
  readonly bucketBits: number;
  /** Merchants per text chunk. */
  readonly chunkSize: number;
  /** All pieces' bytes together (the whole stored index). */
  readonly storedBytes: number;
  /** The first domain reference of each chunk, and the domain count after the last. */
  readonly chunkDomainStart: Uint32Array;
  /** The alphabet section's bytes (UTF-16 units). */
  readonly alphabet: Uint8Array;
}

export interface KeyBucket {
  readonly hash: Uint32Array;
  readonly value: Uint32Array;
}

/** A run of merchants; offsets are those of the whole index (so a whole read needs no copy). */
export interface TextChunk {
  readonly first: number;
  readonly idBase: number;
  readonly idBytes: Uint8Array;
  readonly idEnds: Uint32Array;
  readonly verified: Uint8Array;
  /** Global domain references, one more than the merchants. */
  readonly domainStart: Uint32Array;
  readonly domainBase: number;
  readonly domainBytes: Uint8Array;
  readonly domainEnds: Uint32Array;
}

export interface LookalikePart {
  readonly skeletonHash: Uint32Array;
  readonly skeletonDomain: Uint32Array;
  readonly bloom: Uint32Array;
}

export const bucketOf = (hash: number, bits: number) => (bits === 0 ? 0 : hash >>> (32 - bits));
const chunkCount = (head: Head) => Math.ceil(head.merchantCount / head.chunkSize);

/** About √n per piece and √n pieces: the head stays small, and so does every piece. */
function sqrtPower(count: number, min: number, max: number): number {
  const bits = Math.ceil(Math.log2(Math.max(1, Math.sqrt(count))));
  return Math.min(max, Math.max(min, bits));
}

/** Cuts a whole index (compact-build.ts) into its stored pieces, all stamped `stamp`. */
export function piecesOf(whole: Uint8Array, stamp: number): Map<string, Uint8Array> {
  const sections = decodeSections(whole, 13);
  if (!sections) throw new Error('compact index: cannot cut an unreadable index');
  const words = (index: number) => wordsOf(sections[index] as Uint8Array) as Uint32Array;
  const [merchantCount, domainCount, bloomBits, bloomKeys, bloomCapacity] = words(W.meta) as unknown as number[];
  const keyHash = words(W.keyHash);
  const keyValue = words(W.keyValue);
  const bucketBits = sqrtPower(keyHash.length, 0, 16);
  const chunkSize = 2 ** sqrtPower(merchantCount as number, 6, 14);
  const pieces = new Map<string, Uint8Array>();
  const info = (...values: number[]) => bytesOf(Uint32Array.from(values));
  for (let bucket = 0; bucket < 2 ** bucketBits; bucket++) {
    const from = bucketBits === 0 ? 0 : lowerBound(keyHash, bucket * 2 ** (32 - bucketBits));
    const to = bucketBits === 0 ? keyHash.length : lowerBound(keyHash, (bucket + 1) * 2 ** (32 - bucketBits));
    const section = (of: Uint32Array) => bytesOf(of.subarray(from, to));
    pieces.set(bucketPiece(bucket), encodeSections([info(stamp, bucket), section(keyHash), section(keyValue)]));
  }
  const idEnds = words(W.idEnds);
  const domainStart = words(W.domainStart);
  const domainEnds = words(W.domainEnds);
  const chunkDomainStart: number[] = [];
  for (let first = 0, chunk = 0; first < (merchantCount as number); first += chunkSize, chunk++) {
    const end = Math.min(first + chunkSize, merchantCount as number);
    const idBase = first === 0 ? 0 : (idEnds[first - 1] as number);
    const d0 = domainStart[first] as number;
    const d1 = domainStart[end] as number;
    const domainBase = d0 === 0 ? 0 : (domainEnds[d0 - 1] as number);
    const domainTo = d1 === 0 ? 0 : (domainEnds[d1 - 1] as number);
    chunkDomainStart.push(d0);
    pieces.set(
      chunkPiece(chunk),
      encodeSections([
        info(stamp, chunk, idBase, domainBase),
        (sections[W.idBytes] as Uint8Array).subarray(idBase, idEnds[end - 1]),
        bytesOf(idEnds.subarray(first, end)),
        (sections[W.verified] as Uint8Array).subarray(first, end),
        bytesOf(domainStart.subarray(first, end + 1)),
        (sections[W.domainBytes] as Uint8Array).subarray(domainBase, domainTo),
        bytesOf(domainEnds.subarray(d0, d1)),
      ]),
    );
  }
  chunkDomainStart.push(domainCount as number);
  pieces.set(
    PIECE_LOOKALIKE,
    encodeSections([
      info(stamp),
      sections[W.skeletonHash] as Uint8Array,
      sections[W.skeletonDomain] as Uint8Array,
      sections[W.bloom] as Uint8Array,
    ]),
  );
  let storedBytes = 0;
  for (const piece of pieces.values()) storedBytes += piece.byteLength;
  const headOf = (total: number) =>
    encodeSections([
      info(stamp, ...([merchantCount, domainCount, bloomBits, bloomKeys, bloomCapacity] as number[])),
      info(bucketBits, chunkSize, total),
      bytesOf(Uint32Array.from(chunkDomainStart)),
      sections[W.alphabet] as Uint8Array,
    ]);
  storedBytes += headOf(0).byteLength;
  pieces.set(PIECE_HEAD, headOf(storedBytes));
  return pieces;
}

const ascending = (words: Uint32Array) => {
  for (let i = 1; i < words.length; i++) if ((words[i] as number) < (words[i - 1] as number)) return false;
  return true;
};

/** The head of a stored index, or null when it is absent or damaged. */
export function readHead(stored: unknown): Head | null {
  const sections = decodeSections(stored, 4);
  if (!sections) return null;
  const [first, second, boundaries] = sections.slice(0, 3).map(wordsOf);
  const alphabet = sections[3] as Uint8Array;
  if (first?.length !== 6 || !second || second.length !== 3 || !boundaries) return null;
  const [stamp, merchantCount, domainCount, bloomBits, bloomKeys, bloomCapacity] = first as unknown as number[];
  const [bucketBits, chunkSize, storedBytes] = second as unknown as number[];
  const head = {
    ...{ stamp, merchantCount, domainCount, bloomBits, bloomKeys, bloomCapacity },
    ...{ bucketBits, chunkSize, storedBytes, chunkDomainStart: boundaries, alphabet },
  } as Head;
  const consistent =
    head.bucketBits <= 16 &&
    head.chunkSize >= 1 &&
    boundaries.length === chunkCount(head) + 1 &&
    boundaries.at(-1) === head.domainCount &&
    (boundaries[0] ?? 0) === 0 &&
    ascending(boundaries) &&
    alphabet.length % 2 === 0;
  return consistent ? head : null;
}

/** Every reference of a key points inside its table (kind in the two top bits; 3: a marker). */
function keysInRange(head: Head, values: Uint32Array): boolean {
  for (const value of values) {
    const kind = value >>> 30;
    const ref = value & 0x3fffffff;
    if (kind === 0 ? ref >= head.domainCount : kind !== 3 && ref >= head.merchantCount) return false;
  }
  return true;
}

export function readBucket(head: Head, bucket: number, stored: unknown): KeyBucket | null {
  const sections = decodeSections(stored, 3);
  if (!sections) return null;
  const [info, hash, value] = sections.map(wordsOf);
  if (!info || info[0] !== head.stamp || info[1] !== bucket || !hash || !value || hash.length !== value.length) {
    return null;
  }
  for (const key of hash) if (bucketOf(key, head.bucketBits) !== bucket) return null;
  return ascending(hash) && keysInRange(head, value) ? { hash, value } : null;
}

export function readChunk(head: Head, chunk: number, stored: unknown): TextChunk | null {
  const sections = decodeSections(stored, 7);
  if (!sections) return null;
  const info = wordsOf(sections[0] as Uint8Array);
  const [idEnds, domainStart, domainEnds] = [sections[2], sections[4], sections[6]].map((s) =>
    wordsOf(s as Uint8Array),
  );
  const [idBytes, verified, domainBytes] = [sections[1], sections[3], sections[5]] as Uint8Array[];
  if (info?.length !== 4 || info[0] !== head.stamp || info[1] !== chunk) return null;
  if (!idEnds || !domainStart || !domainEnds || !idBytes || !verified || !domainBytes) return null;
  const first = chunk * head.chunkSize;
  const count = Math.min(head.chunkSize, head.merchantCount - first);
  const [idBase, domainBase] = [info[2] as number, info[3] as number];
  const consistent =
    count > 0 &&
    idEnds.length === count &&
    verified.length === count &&
    idEnds.at(-1) === idBase + idBytes.length &&
    (idEnds[0] as number) >= idBase &&
    domainStart.length === count + 1 &&
    domainStart[0] === head.chunkDomainStart[chunk] &&
    domainStart.at(-1) === head.chunkDomainStart[chunk + 1] &&
    domainEnds.length === (domainStart.at(-1) as number) - (domainStart[0] as number) &&
    (domainEnds.length === 0 ? domainBytes.length === 0 : domainEnds.at(-1) === domainBase + domainBytes.length) &&
    (domainEnds.length === 0 || (domainEnds[0] as number) >= domainBase) &&
    ascending(idEnds) &&
    ascending(domainStart) &&
    ascending(domainEnds);
  return consistent
    ? { first, idBase, idBytes, idEnds, verified, domainStart, domainBase, domainBytes, domainEnds }
    : null;
}

/** `alreadyVerified`: this very value (compact-format.ts sealOf) passed the checksum before. */
export function readLookalike(head: Head, stored: unknown, alreadyVerified = false): LookalikePart | null {
  const sections = decodeSections(stored, 4, !alreadyVerified);
  if (!sections) return null;
  const [info, skeletonHash, skeletonDomain, bloom] = sections.map(wordsOf);
  if (!info || info[0] !== head.stamp || !skeletonHash || !skeletonDomain || !bloom) return null;
  if (skeletonHash.length !== skeletonDomain.length || bloom.length * 32 !== head.bloomBits) return null;
  if (!alreadyVerified) for (const ref of skeletonDomain) if (ref >= head.domainCount) return null;
  return { skeletonHash, skeletonDomain, bloom };
}

/** The chunk holding a domain reference. */
export function chunkOfDomain(head: Head, domain: number): number {
  return lowerBound(head.chunkDomainStart, domain + 1) - 1;
}
