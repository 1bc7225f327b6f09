import { decodeSections, finalHash, hashUnits, lowerBound, SECTION, SECTION_COUNT, wordsOf } from './compact-format.ts';
import {
  bucketOf,
  bucketPiece,
  chunkOfDomain,
  chunkPiece,
  type Head,
  type KeyBucket,
  type LookalikePart,
  PIECE_LOOKALIKE,
  readBucket,
  readChunk,
  readHead,
  readLookalike,
  type TextChunk,
} from './compact-pieces.ts';
import { nameSkeleton } from './lookalike.ts';
import { findImitation, type Imitation, type LookalikeTargets, type Target } from './lookalike-match.ts';

// The directory as the extension's service worker holds it: one binary value built at sync
// time (compact-build.ts), read at wake without building anything. It holds no merchant
// record, only what tells which record to read: 32-bit hashes of every shop key (domains,
// social keys, ICEs, flagged and complained-about domains) sorted beside a reference, the
// merchants' ids and domains as UTF-8, and the look-alike targets' skeleton hashes with a
// Bloom filter of their one-letter deletions. A hash says "maybe": a domain is confirmed
// against its stored text, anything else against the record read from IndexedDB.

export { SECTION, SECTION_COUNT };

/** What a key's entry points at, in its value's two top bits; the rest is the reference. */
export const KEY_KIND = { domain: 0, social: 1, ice: 2, marker: 3 } as const;
export const REF_MASK = 0x3fffffff;
/** Markers: the key is a flagged domain, or one with complaints (confirmed by reading the record). */
export const MARKER = { flag: 1, complaints: 2 } as const;
export const BLOOM_PROBES = 7;

const utf8 = new TextDecoder();

/** Short stored strings are nearly always ASCII: read without TextDecoder's per-call cost. */
function decode(bytes: Uint8Array): string {
  if (bytes.length > 64) return utf8.decode(bytes);
  for (const byte of bytes) if (byte > 127) return utf8.decode(bytes);
  // One flat string (a string built a letter at a time is a chain V8 flattens when it is
  // hashed: an id is looked up in a Map right after).
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Whether stored UTF-8 bytes spell `text`, without decoding them when `text` is ASCII. */
function spells(bytes: Uint8Array, text: string): boolean {
  if (bytes.length !== text.length) return bytes.length > text.length && decode(bytes) === text;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 127) return decode(bytes) === text;
    if (bytes[i] !== unit) return false;
  }
  return true;
}

/**
 * lowerBound (compact-format.ts) started from a guess of where `key` sits: the search widens
 * from the guess (1, 2, 4… entries) until it brackets the answer, then halves. With a good
 * guess it touches a few neighbouring cache lines instead of twenty far-apart ones: at a
 * million merchants a binary search over the whole table is most of a lookup's time.
 */
export function lowerBoundNear(sorted: Uint32Array, key: number, guess: number): number {
  const count = sorted.length;
  if (count === 0) return 0;
  const start = Math.min(Math.max(guess, 0), count - 1);
  let low: number;
  let high: number;
  let step = 1;
  if ((sorted[start] as number) < key) {
    // The answer lies after `start`: every entry before `low` is below the key.
    low = start + 1;
    high = low;
    while (high < count && (sorted[high] as number) < key) {
      low = high + 1;
      high = low + step;
      step *= 2;
    }
    high = Math.min(high, count);
  } else {
    // The answer lies at or before `start`: the entry at `high` is at or above the key.
    high = start;
    low = high;
    while (low > 0 && (sorted[low - 1] as number) >= key) {
      high = low - 1;
      low = high - step;
      step *= 2;
    }
    low = Math.max(low, 0);
  }
  return lowerBound(sorted, key, low, high);
}

const NO_TARGETS: ReadonlyArray<{ ref: number; target: Target }> = [];

/** The Bloom filter's probe positions for the deletion `at:deleted` (computed without building it). */
export function bloomSeed(at: number): number {
  return Math.imul(at + 1, 0x9e3779b1);
}

export interface CompactMeta {
  merchantCount: number;
  domainCount: number;
  bloomBits: number;
  /** Deletion keys put in the filter since it was sized (removed ones included: they stay set). */
  bloomKeys: number;
  bloomCapacity: number;
}

/** A verdict asked for a piece (compact-pieces.ts) not read yet: the store reads it and asks again. */
export class PieceMissing extends Error {
  constructor(readonly piece: string) {
    super(`compact index: piece ${piece} not read`);
  }
}

export class CompactDirectory implements LookalikeTargets {
  readonly meta: CompactMeta;
  readonly head: Head;
  readonly alphabet: string;
  readonly #buckets: Array<KeyBucket | undefined>;
  readonly #chunks: Array<TextChunk | undefined>;
  #lookalike: LookalikePart | undefined;
  /** Bytes of the pieces held (what the worker keeps in memory). */
  #heldBytes = 0;

  private constructor(head: Head, heldBytes: number) {
    this.head = head;
    const { merchantCount, domainCount, bloomBits, bloomKeys, bloomCapacity } = head;
    this.meta = { merchantCount, domainCount, bloomBits, bloomKeys, bloomCapacity };
    this.#buckets = new Array(2 ** head.bucketBits);
    this.#chunks = new Array(Math.ceil(merchantCount / head.chunkSize));
    this.#heldBytes = heldBytes;
    let alphabet = '';
    for (const unit of new Uint16Array(head.alphabet.slice().buffer)) alphabet += String.fromCharCode(unit);
    this.alphabet = alphabet;
  }

  /** The index of a stored head alone (compact-pieces.ts): pieces are added as a verdict needs them. Null when damaged. */
  static fromHead(stored: unknown): CompactDirectory | null {
    const head = readHead(stored);
    return head ? new CompactDirectory(head, (stored as Uint8Array).byteLength) : null;
  }

  /**
   * Adds a stored piece this index asked for (PieceMissing). False when it is damaged or of
   * another write (its stamp): the caller must not believe this index, and rebuilds it.
   */
  addPiece(piece: string, stored: unknown, options: { alreadyVerified?: boolean } = {}): boolean {
    const kind = piece.charAt(0);
    const index = Number(piece.slice(1));
    if (piece === PIECE_LOOKALIKE)
      this.#lookalike = readLookalike(this.head, stored, options.alreadyVerified) ?? undefined;
    else if (kind === 'k' && index < this.#buckets.length)
      this.#buckets[index] = readBucket(this.head, index, stored) ?? undefined;
    else if (kind === 't' && index < this.#chunks.length)
      this.#chunks[index] = readChunk(this.head, index, stored) ?? undefined;
    else return false;
    const added =
      piece === PIECE_LOOKALIKE ? this.#lookalike : kind === 'k' ? this.#buckets[index] : this.#chunks[index];
    if (added) this.#heldBytes += (stored as Uint8Array).byteLength;
    return added !== undefined;
  }

  /** The pieces besides the head this index holds. */
  heldPieces(): string[] {
    const held = this.#lookalike ? [PIECE_LOOKALIKE] : [];
    for (const [index, bucket] of this.#buckets.entries()) if (bucket) held.push(bucketPiece(index));
    for (const [index, chunk] of this.#chunks.entries()) if (chunk) held.push(chunkPiece(index));
    return held;
  }

  /**
   * A whole index (compact-build.ts), every piece held: for building, benches and tests.
   * Null when it is absent, truncated, corrupt or of another version. `alreadyVerified`:
   * this very value passed the whole check before, so the checksum and references are not
   * checked again.
   */
  static read(stored: unknown, options: { alreadyVerified?: boolean } = {}): CompactDirectory | null {
    const verify = !options.alreadyVerified;
    const sections = decodeSections(stored, SECTION_COUNT, verify);
    if (!sections) return null;
    const words: Uint32Array[] = [];
    for (const [index, section] of sections.entries()) {
      const isBytes = index === SECTION.idBytes || index === SECTION.domainBytes || index === SECTION.verified;
      const view = isBytes || index === SECTION.alphabet ? new Uint32Array(0) : wordsOf(section);
      if (!view) return null;
      words.push(view);
    }
    const [merchantCount, domainCount, bloomBits, bloomKeys, bloomCapacity] = words[SECTION.meta] as Uint32Array;
    const meta = { merchantCount, domainCount, bloomBits, bloomKeys, bloomCapacity } as CompactMeta;
    const length = (index: number) => (words[index] as Uint32Array).length;
    const last = (index: number) => (words[index] as Uint32Array).at(-1) ?? 0;
    const consistent =
      length(SECTION.meta) === 5 &&
      length(SECTION.idEnds) === meta.merchantCount &&
      (sections[SECTION.verified] as Uint8Array).length === meta.merchantCount &&
      length(SECTION.domainStart) === meta.merchantCount + 1 &&
      last(SECTION.domainStart) === meta.domainCount &&
      length(SECTION.domainEnds) === meta.domainCount &&
      last(SECTION.idEnds) === (sections[SECTION.idBytes] as Uint8Array).length &&
      last(SECTION.domainEnds) === (sections[SECTION.domainBytes] as Uint8Array).length &&
      length(SECTION.keyHash) === length(SECTION.keyValue) &&
      length(SECTION.skeletonHash) === length(SECTION.skeletonDomain) &&
      meta.bloomBits === length(SECTION.bloom) * 32 &&
      (sections[SECTION.alphabet] as Uint8Array).length % 2 === 0;
    if (!consistent || (verify && !referencesInRange(words, meta))) return null;
    // One bucket and one chunk: views into the value, nothing copied.
    const bytes = stored instanceof ArrayBuffer ? stored.byteLength : (stored as Uint8Array).byteLength;
    const head: Head = {
      stamp: 0,
      ...meta,
      bucketBits: 0,
      chunkSize: Math.max(1, meta.merchantCount),
      storedBytes: bytes,
      chunkDomainStart: meta.merchantCount === 0 ? Uint32Array.of(0) : Uint32Array.of(0, meta.domainCount),
      alphabet: sections[SECTION.alphabet] as Uint8Array,
    };
    const directory = new CompactDirectory(head, bytes);
    directory.#buckets[0] = {
      hash: words[SECTION.keyHash] as Uint32Array,
      value: words[SECTION.keyValue] as Uint32Array,
    };
    if (meta.merchantCount > 0) {
      directory.#chunks[0] = {
        first: 0,
        idBase: 0,
        idBytes: sections[SECTION.idBytes] as Uint8Array,
        idEnds: words[SECTION.idEnds] as Uint32Array,
        verified: sections[SECTION.verified] as Uint8Array,
        domainStart: words[SECTION.domainStart] as Uint32Array,
        domainBase: 0,
        domainBytes: sections[SECTION.domainBytes] as Uint8Array,
        domainEnds: words[SECTION.domainEnds] as Uint32Array,
      };
    }
    directory.#lookalike = {
      skeletonHash: words[SECTION.skeletonHash] as Uint32Array,
      skeletonDomain: words[SECTION.skeletonDomain] as Uint32Array,
      bloom: words[SECTION.bloom] as Uint32Array,
    };
    return directory;
  }

  /** The pieces held, as one index's: throws PieceMissing for one not read yet. */
  #bucket(hash: number): KeyBucket {
    const index = bucketOf(hash, this.head.bucketBits);
    const bucket = this.#buckets[index];
    if (!bucket) throw new PieceMissing(bucketPiece(index));
    return bucket;
  }

  #chunk(merchant: number): TextChunk {
    const index = Math.floor(merchant / this.head.chunkSize);
    const chunk = this.#chunks[index];
    if (!chunk) throw new PieceMissing(chunkPiece(index));
    return chunk;
  }

  #domainChunk(domain: number): TextChunk {
    return this.#chunk(chunkOfDomain(this.head, domain) * this.head.chunkSize);
  }

  get #look(): LookalikePart {
    if (!this.#lookalike) throw new PieceMissing(PIECE_LOOKALIKE);
    return this.#lookalike;
  }

  get skeletonHash(): Uint32Array {
    return this.#look.skeletonHash;
  }

  get skeletonDomain(): Uint32Array {
    return this.#look.skeletonDomain;
  }

  get bloom(): Uint32Array {
    return this.#look.bloom;
  }

  /** Every key entry (hash, kind and reference), bucket by bucket: all must be held (building). */
  forEachKey(visit: (hash: number, value: number) => void): void {
    for (let index = 0; index < this.#buckets.length; index++) {
      const bucket = this.#buckets[index];
      if (!bucket) throw new PieceMissing(bucketPiece(index));
      for (let at = 0; at < bucket.hash.length; at++) visit(bucket.hash[at] as number, bucket.value[at] as number);
    }
  }

  get merchantCount(): number {
    return this.meta.merchantCount;
  }

  id(merchant: number): string {
    // A verdict asks one merchant's id twice (to read its record, then to find it among those read).
    if (merchant === this.#idOrdinal) return this.#idText;
    const text = decode(this.idBytes(merchant));
    this.#idOrdinal = merchant;
    this.#idText = text;
    return text;
  }
  #idOrdinal = -1;
  #idText = '';

  idBytes(merchant: number): Uint8Array {
    const chunk = this.#chunk(merchant);
    const local = merchant - chunk.first;
    const start = local === 0 ? chunk.idBase : (chunk.idEnds[local - 1] as number);
    return chunk.idBytes.subarray(start - chunk.idBase, (chunk.idEnds[local] as number) - chunk.idBase);
  }

  isVerified(merchant: number): boolean {
    const chunk = this.#chunk(merchant);
    return chunk.verified[merchant - chunk.first] === 1;
  }

  domainRange(merchant: number): [number, number] {
    const chunk = this.#chunk(merchant);
    const local = merchant - chunk.first;
    return [chunk.domainStart[local] as number, chunk.domainStart[local + 1] as number];
  }

  domainBytes(domain: number): Uint8Array {
    const chunk = this.#domainChunk(domain);
    const local = domain - (chunk.domainStart[0] as number);
    const start = local === 0 ? chunk.domainBase : (chunk.domainEnds[local - 1] as number);
    return chunk.domainBytes.subarray(start - chunk.domainBase, (chunk.domainEnds[local] as number) - chunk.domainBase);
  }

  domain(domain: number): string {
    return decode(this.domainBytes(domain));
  }

  merchantOfDomain(domain: number): number {
    // The last merchant whose domains start at or before this one.
    const chunk = this.#domainChunk(domain);
    return chunk.first + lowerBound(chunk.domainStart, domain + 1) - 1;
  }

  /**
   * Where `key`'s hash sits in the sorted hashes: [from, to). The last key's answer is kept:
   * one verdict asks about the same shop key several times (its domain, its markers, its
   * social entries), and at a million merchants each binary search is a dozen cache misses.
   * The index never changes once read, so the kept answer never goes stale.
   */
  #keyRange(key: string): void {
    if (key === this.#rangeKey) return;
    const hash = hashUnits(key);
    // The hash's bucket (a piece: PieceMissing until the store has read it), searched whole:
    // a bucket is a few kilobytes.
    const { hash: keyHash, value } = this.#bucket(hash);
    const from = lowerBound(keyHash, hash);
    let to = from;
    while (to < keyHash.length && keyHash[to] === hash) to++;
    this.#rangeKey = key;
    this.#rangeValues = value;
    this.#rangeFrom = from;
    this.#rangeTo = to;
  }
  #rangeKey: string | null = null;
  #rangeValues: Uint32Array = new Uint32Array(0);
  #rangeFrom = 0;
  #rangeTo = 0;

  /** The references stored under `key` with this kind (a hash match: each is a "maybe"). */
  refs(key: string, kind: number): number[] {
    this.#keyRange(key);
    const found: number[] = [];
    const values = this.#rangeValues;
    for (let at = this.#rangeFrom; at < this.#rangeTo; at++) {
      const value = values[at] as number;
      if (value >>> 30 === kind) found.push(value & REF_MASK);
    }
    return found;
  }

  /** The markers (MARKER bits, or-ed) stored under `key`: each says "maybe", the record confirms. */
  markersOf(key: string): number {
    this.#keyRange(key);
    let markers = 0;
    const values = this.#rangeValues;
    for (let at = this.#rangeFrom; at < this.#rangeTo; at++) {
      const value = values[at] as number;
      const ref = value & REF_MASK;
      if (value >>> 30 === KEY_KIND.marker && (ref === MARKER.flag || ref === MARKER.complaints)) markers |= ref;
    }
    return markers;
  }

  /** The merchant holding this domain: confirmed against the stored text, so exact. */
  merchantOfOwnDomain(domain: string): number | null {
    if (domain === this.#ownDomain) return this.#ownMerchant;
    this.#keyRange(domain);
    let merchant: number | null = null;
    const values = this.#rangeValues;
    for (let at = this.#rangeFrom; at < this.#rangeTo; at++) {
      const value = values[at] as number;
      if (value >>> 30 !== KEY_KIND.domain) continue;
      const ref = value & REF_MASK;
      if (spells(this.domainBytes(ref), domain)) {
        merchant = this.merchantOfDomain(ref);
        break;
      }
    }
    // Kept as the key range is: asked when the records are chosen, again when they answer.
    this.#ownDomain = domain;
    this.#ownMerchant = merchant;
    return merchant;
  }
  #ownDomain: string | null = null;
  #ownMerchant: number | null = null;

  owns(domain: string): boolean {
    return this.merchantOfOwnDomain(domain) !== null;
  }

  /** The look-alike targets of one skeleton in directory order (domains come in merchant order). */
  #targetsWithSkeleton(skeleton: string): ReadonlyArray<{ ref: number; target: Target }> {
    const hash = hashUnits(skeleton);
    const { skeletonHash, skeletonDomain } = this;
    let at = this.#firstWithSkeletonHash(hash);
    // Nearly every skeleton a look-alike search asks about is no target's: answered without allocating.
    if (at < 0) return NO_TARGETS;
    const domains: number[] = [];
    for (; at < skeletonHash.length && skeletonHash[at] === hash; at++) {
      domains.push(skeletonDomain[at] as number);
    }
    domains.sort((a, b) => a - b);
    const targets: Array<{ ref: number; target: Target }> = [];
    for (const ref of domains) {
      const domain = this.domain(ref);
      if (nameSkeleton(domain) !== skeleton) continue; // Another skeleton with the same hash.
      targets.push({ ref, target: { domain, merchantId: this.id(this.merchantOfDomain(ref)), skeleton } });
    }
    return targets;
  }

  /** Where the first target skeleton with this hash is in the sorted hashes; -1 when none has it. */
  #firstWithSkeletonHash(hash: number): number {
    const { skeletonHash } = this;
    const at = lowerBoundNear(skeletonHash, hash, Math.floor((hash / 0x100000000) * skeletonHash.length));
    return at < skeletonHash.length && skeletonHash[at] === hash ? at : -1;
  }

  withSkeleton(skeleton: string, fits: (target: Target) => boolean): Target | undefined {
    return this.#targetsWithSkeleton(skeleton).find(({ target }) => fits(target))?.target;
  }

  #bloomHas(at: number, deleted: string): boolean {
    const bits = this.meta.bloomBits;
    // No filter (compact-build.ts bloomFor): every deletion is looked up.
    if (bits === 0) return true;
    // hashUnits(deleted, seed) and hashUnits(deleted, seed ^ 0x5bd1e995), in one pass over
    // the text: a look-alike search asks the filter about a hundred deletions.
    const bloom = this.bloom;
    const seed = bloomSeed(at);
    let first = (0x811c9dc5 ^ seed) >>> 0;
    let step = (0x811c9dc5 ^ seed ^ 0x5bd1e995) >>> 0;
    for (let i = 0; i < deleted.length; i++) {
      const unit = deleted.charCodeAt(i);
      first = Math.imul(first ^ unit, 0x01000193);
      step = Math.imul(step ^ unit, 0x01000193);
    }
    first = finalHash(first);
    step = finalHash(step) | 1;
    for (let probe = 0; probe < BLOOM_PROBES; probe++) {
      const bit = (first + Math.imul(probe, step)) >>> 0;
      const at32 = bit % bits;
      if (((bloom[at32 >>> 5] as number) & (1 << (at32 & 31))) === 0) return false;
    }
    return true;
  }

  withDeletion(at: number, deleted: string, fits: (target: Target) => boolean): Target | undefined {
    if (at > deleted.length || !this.#bloomHas(at, deleted)) return undefined;
    // The filter says maybe: the skeletons it can stand for are `deleted` with one letter put
    // back at `at`, from the letters targets use; each skeleton's first target is the one
    // the in-memory index keyed its deletions under.
    const firsts: Array<{ ref: number; target: Target }> = [];
    const before = deleted.slice(0, at);
    const after = deleted.slice(at);
    // hashUnits(before + letter + after), without building the text: the hash of `before`
    // once, then per letter the letter and `after`. Nearly every such skeleton is no
    // target's, and without a filter a search asks about thousands of them.
    let prefix = 0x811c9dc5;
    for (let i = 0; i < at; i++) prefix = Math.imul(prefix ^ deleted.charCodeAt(i), 0x01000193);
    // UTF-16 units, as the deletions were taken (a letter outside the BMP is two).
    for (let unit = 0; unit < this.alphabet.length; unit++) {
      let hash = Math.imul(prefix ^ this.alphabet.charCodeAt(unit), 0x01000193);
      for (let i = at; i < deleted.length; i++) hash = Math.imul(hash ^ deleted.charCodeAt(i), 0x01000193);
      if (this.#firstWithSkeletonHash(finalHash(hash)) < 0) continue;
      const first = this.#targetsWithSkeleton(before + this.alphabet.charAt(unit) + after)[0];
      if (first) firsts.push(first);
    }
    firsts.sort((a, b) => a.ref - b.ref);
    return firsts.find(({ target }) => fits(target))?.target;
  }

  lookalikeOf(identity: { readonly domain: string; readonly host?: string }): Imitation | null {
    if (identity.domain.includes('/')) return null; // A social key imitates no domain.
    if (this.owns(identity.domain)) return null;
    // A verdict asks twice for the same shop: once to read the pieces the search needs, then
    // to judge. The index never changes (a new write is a new index): the answer is kept.
    const key = `${identity.domain} ${identity.host ?? ''}`;
    if (this.#lastLookalike?.key !== key)
      this.#lastLookalike = { key, imitation: findImitation(this, identity, undefined) };
    return this.#lastLookalike.imitation;
  }
  #lastLookalike: { key: string; imitation: Imitation | null } | undefined;

  /** The bytes of the pieces this index holds now (the head included). */
  get byteLength(): number {
    return this.#heldBytes;
  }

  /** The whole stored index, every piece (what the browser keeps on disk). */
  get storedByteLength(): number {
    return this.head.storedBytes;
  }
}

/** Every reference points inside its table: a forged value that passes the checksum still cannot send a read astray. */
function referencesInRange(words: Uint32Array[], meta: CompactMeta): boolean {
  const values = words[SECTION.keyValue] as Uint32Array;
  for (const value of values) {
    const kind = value >>> 30;
    const ref = value & REF_MASK;
    if (kind === KEY_KIND.domain ? ref >= meta.domainCount : kind !== KEY_KIND.marker && ref >= meta.merchantCount) {
      return false;
    }
  }
  for (const ref of words[SECTION.skeletonDomain] as Uint32Array) if (ref >= meta.domainCount) return false;
  return true;
}
