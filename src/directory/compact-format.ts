// The stored form of the extension's compact directory index (compact-directory.ts): one
// ArrayBuffer of 4-byte-aligned sections behind a header that names its format, its length
// and a checksum, so a truncated or corrupt copy is told from a good one before any of it
// is believed.

/** "THQX" read as a little-endian word. */
const MAGIC = 0x58514854;
export const COMPACT_FORMAT_VERSION = 1;
const HEADER_WORDS = 5; // magic, version, byte length, checksum, section count

export type CompactSections = readonly Uint8Array[];

/**
 * A 32-bit hash of a string's UTF-16 units (FNV-1a, then Murmur3's finaliser so nearby
 * keys spread). `skip` leaves one unit out, so a one-letter deletion is hashed without
 * building the shorter string; `seed` gives independent hashes for the Bloom filter.
 */
export function hashUnits(text: string, seed = 0, skip = -1): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    if (i === skip) continue;
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return finalHash(hash);
}

/** hashUnits's last step (Murmur3's finaliser), for hashes computed elsewhere in one pass. */
export function finalHash(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** The whole index's sections, in order (compact-directory.ts, compact-pieces.ts). */
export const SECTION = {
  meta: 0,
  idBytes: 1,
  idEnds: 2,
  verified: 3,
  domainStart: 4,
  domainBytes: 5,
  domainEnds: 6,
  keyHash: 7,
  keyValue: 8,
  skeletonHash: 9,
  skeletonDomain: 10,
  bloom: 11,
  alphabet: 12,
} as const;
export const SECTION_COUNT = 13;

/** A checksum of whole words (the sections are word-aligned): fast enough to run at every wake. */
function checksum(words: Uint32Array, from: number): number {
  let a = 0x9e3779b9;
  let b = 0x85ebca6b;
  for (let i = from; i < words.length; i++) {
    const word = words[i] as number;
    a = Math.imul(a ^ word, 0x01000193);
    b = (b + (word ^ (a >>> 15))) | 0;
  }
  return (a ^ Math.imul(b, 0xc2b2ae35)) >>> 0;
}

const padded = (length: number) => (length + 3) & ~3;

/** Packs sections into one buffer: header, a table of section lengths, then each section. */
export function encodeSections(sections: CompactSections): Uint8Array<ArrayBuffer> {
  const tableWords = sections.length;
  let size = (HEADER_WORDS + tableWords) * 4;
  for (const section of sections) size += padded(section.byteLength);
  const bytes = new Uint8Array(size);
  const words = new Uint32Array(bytes.buffer);
  words[0] = MAGIC;
  words[1] = COMPACT_FORMAT_VERSION;
  words[2] = size;
  words[4] = sections.length;
  let at = (HEADER_WORDS + tableWords) * 4;
  sections.forEach((section, index) => {
    words[HEADER_WORDS + index] = section.byteLength;
    bytes.set(section, at);
    at += padded(section.byteLength);
  });
  words[3] = checksum(words, HEADER_WORDS);
  return bytes;
}

/**
 * What names one stored buffer cheaply (its length and the checksum its header claims), so
 * that a buffer whose checksum was verified once need not be verified again at every wake.
 * Null when the value is no buffer of this format's shape.
 */
export function sealOf(stored: unknown): string | null {
  const bytes =
    stored instanceof Uint8Array ? stored : stored instanceof ArrayBuffer ? new Uint8Array(stored) : undefined;
  if (!bytes || bytes.byteLength < HEADER_WORDS * 4) return null;
  const word = (index: number) =>
    ((bytes[index * 4] as number) |
      ((bytes[index * 4 + 1] as number) << 8) |
      ((bytes[index * 4 + 2] as number) << 16) |
      ((bytes[index * 4 + 3] as number) << 24)) >>>
    0;
  return `${COMPACT_FORMAT_VERSION}:${bytes.byteLength}:${word(3).toString(16)}`;
}

/**
 * The sections of a stored buffer, or null when it is not one this version wrote whole:
 * wrong type, magic, version, length or checksum, or section lengths that do not add up.
 * `verifyChecksum: false` skips only the checksum (a pass over every word): for a buffer
 * whose seal (sealOf) matches one verified before.
 */
export function decodeSections(stored: unknown, expectedCount: number, verifyChecksum = true): Uint8Array[] | null {
  const bytes =
    stored instanceof Uint8Array ? stored : stored instanceof ArrayBuffer ? new Uint8Array(stored) : undefined;
  if (!bytes || bytes.byteLength < HEADER_WORDS * 4 || bytes.byteLength % 4 !== 0) return null;
  // A copy when the view is not word-aligned (IndexedDB hands back its own buffer).
  const own = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(own.buffer, own.byteOffset, own.byteLength / 4);
  if (words[0] !== MAGIC || words[1] !== COMPACT_FORMAT_VERSION || words[2] !== own.byteLength) return null;
  if (words[4] !== expectedCount || own.byteLength < (HEADER_WORDS + expectedCount) * 4) return null;
  if (verifyChecksum && words[3] !== checksum(words, HEADER_WORDS)) return null;
  const sections: Uint8Array[] = [];
  let at = (HEADER_WORDS + expectedCount) * 4;
  for (let index = 0; index < expectedCount; index++) {
    const length = words[HEADER_WORDS + index] as number;
    if (at + length > own.byteLength) return null;
    sections.push(own.subarray(at, at + length));
    at += padded(length);
  }
  return at === own.byteLength ? sections : null;
}

/** A section as 32-bit words (sections start word-aligned within a word-aligned buffer). */
export function wordsOf(section: Uint8Array): Uint32Array | null {
  if (section.byteLength % 4 !== 0 || section.byteOffset % 4 !== 0) return null;
  return new Uint32Array(section.buffer, section.byteOffset, section.byteLength / 4);
}

export function bytesOf(words: Uint32Array): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}

/** Sorts pairs by their key (unsigned), carrying values: a stable radix sort, linear in size. */
export function sortPairs(keys: Uint32Array, values: Uint32Array): void {
  const count = keys.length;
  let fromKeys: Uint32Array = keys;
  let fromValues: Uint32Array = values;
  let toKeys: Uint32Array = new Uint32Array(count);
  let toValues: Uint32Array = new Uint32Array(count);
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < count; i++) {
      const digit = ((fromKeys[i] as number) >>> shift) & 255;
      counts[digit] = (counts[digit] as number) + 1;
    }
    let sum = 0;
    for (let digit = 0; digit < 256; digit++) {
      const here = counts[digit] as number;
      counts[digit] = sum;
      sum += here;
    }
    for (let i = 0; i < count; i++) {
      const key = fromKeys[i] as number;
      const digit = (key >>> shift) & 255;
      const slot = counts[digit] as number;
      counts[digit] = slot + 1;
      toKeys[slot] = key;
      toValues[slot] = fromValues[i] as number;
    }
    [fromKeys, toKeys] = [toKeys, fromKeys];
    [fromValues, toValues] = [toValues, fromValues];
  }
  // Four passes: the sorted pairs are back in the arrays passed in.
}

/** The first index whose key is ≥ `key` in a sorted array (within [from, to) when given). */
export function lowerBound(sorted: Uint32Array, key: number, from = 0, to = sorted.length): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
