import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DeltaRecords } from './text-delta.ts';

// The new version's merchants as canonical JSON, kept in a scratch file instead of the
// publish worker's heap. Held as strings they were most of that heap: about 80 MB at 100k
// merchants (580 characters each, three in ten stored two bytes a character for their
// Arabic), 800 MB at a million. What stays in memory is each record's key and where its
// bytes are; the snapshot and the digest stream the file, and a delta hashes the records
// it compares instead of holding their texts (docs/performance.md, "Publishing").

/** Bytes gathered before each write to the file, and read at a time when it is streamed. */
const CHUNK_BYTES = 1 << 20;

const COMMA = Buffer.from(',');

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** SHA-256 of a text's UTF-8 bytes, as a 32-character key for a Map. */
function digestOf(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('binary');
}

/**
 * Opens a new scratch file in `dir` and removes its name at once: the file lives as long as
 * the descriptor, so a publish that crashes or is killed leaves nothing behind. The caller
 * closes the descriptor (closeSync) once no thread uses it.
 */
export function openScratchFile(dir: string): number {
  const path = join(dir, `.publish-scratch-${randomUUID()}`);
  const fd = openSync(path, 'wx+', 0o600);
  try {
    rmSync(path);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

export class MerchantTexts implements DeltaRecords {
  #fd: number | undefined;
  #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #used = 0;
  /** Bytes in the file, and so the offset the buffer starts at. */
  #flushed = 0;
  /** Each record's key, where its JSON starts in the file, and its length in bytes, in arrival order. */
  readonly #keys: string[] = [];
  readonly #starts: number[] = [];
  readonly #lengths: number[] = [];
  #inOrder = true;
  /** Arrival indices in key order, when the records did not arrive in it. */
  #order: number[] | undefined;
  #finished = false;
  #byDigest: Map<string, number> | undefined;
  #keySet: Set<string> | undefined;

  /**
   * `fd`: an empty file open for reading and writing (openScratchFile), which the caller
   * owns: the texts never close it, so a descriptor number reused after its owner closed it
   * is never touched by a builder left behind in an idle worker.
   */
  constructor(fd: number) {
    this.#fd = fd;
  }

  get size(): number {
    return this.#keys.length;
  }

  keyOf(record: Record<string, unknown>): string {
    return record.id as string;
  }

  /** Appends a record's canonical JSON; written to the file, comma-separated, in arrival order. */
  add(key: string, json: string): void {
    if (this.#finished) throw new Error('MerchantTexts: add after finish');
    const last = this.#keys[this.#keys.length - 1];
    if (last !== undefined && last >= key) this.#inOrder = false;
    // Three bytes at most for each UTF-16 code unit, and the comma.
    const most = json.length * 3 + 1;
    if (this.#used + most > this.#buffer.length) {
      this.#flush();
      if (most > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(most);
    }
    if (this.#keys.length > 0) this.#used += this.#buffer.write(',', this.#used, 'latin1');
    const length = this.#buffer.write(json, this.#used, 'utf8');
    this.#keys.push(key);
    this.#starts.push(this.#flushed + this.#used);
    this.#lengths.push(length);
    this.#used += length;
  }

  #flush(): void {
    let at = 0;
    while (at < this.#used) at += writeSync(this.#open(), this.#buffer, at, this.#used - at, this.#flushed + at);
    this.#flushed += this.#used;
    this.#used = 0;
  }

  #open(): number {
    if (this.#fd === undefined) throw new Error('MerchantTexts: used after release');
    return this.#fd;
  }

  /**
   * No more records: the rest goes to the file, and the key order is settled (a database
   * whose collation orders ids unlike JavaScript sends its pages out of it). Returns the
   * first key that two records share, if any.
   */
  finish(): string | undefined {
    this.#flush();
    this.#buffer = Buffer.allocUnsafe(0);
    this.#finished = true;
    if (!this.#inOrder) {
      this.#order = this.#keys.map((_, index) => index);
      this.#order.sort((a, b) => byCodeUnits(this.#keys[a] as string, this.#keys[b] as string));
    }
    for (let i = 1; i < this.size; i++) {
      const key = this.#keys[this.#arrival(i)] as string;
      if (this.#keys[this.#arrival(i - 1)] === key) return key;
    }
    return undefined;
  }

  /** The arrival index of the record at place `i` in key order. */
  #arrival(i: number): number {
    return this.#order ? (this.#order[i] as number) : i;
  }

  #bytesOf(index: number): Buffer {
    const bytes = Buffer.allocUnsafe(this.#lengths[index] as number);
    this.#readInto(bytes, this.#starts[index] as number);
    return bytes;
  }

  #readInto(bytes: Buffer, position: number): void {
    let at = 0;
    while (at < bytes.length) {
      const read = readSync(this.#open(), bytes, at, bytes.length - at, position + at);
      if (read === 0) throw new Error('MerchantTexts: the scratch file ends early');
      at += read;
    }
  }

  /**
   * The records' JSON joined by commas, in key order, as UTF-8 in chunks of about a megabyte.
   * `reuse`: each chunk is read into the same buffer, for a caller done with a chunk before it
   * asks for the next (a hash): the snapshot's 60 MB at 100k is then not 60 buffers of garbage.
   */
  *bytes(reuse = false): Generator<Buffer> {
    if (!this.#finished) throw new Error('MerchantTexts: finish first');
    if (!this.#order) {
      // Arrived in key order: the file is the text.
      const shared = reuse ? Buffer.allocUnsafe(Math.min(CHUNK_BYTES, this.#flushed)) : undefined;
      for (let position = 0; position < this.#flushed; position += CHUNK_BYTES) {
        const size = Math.min(CHUNK_BYTES, this.#flushed - position);
        const chunk = shared ? shared.subarray(0, size) : Buffer.allocUnsafe(size);
        this.#readInto(chunk, position);
        yield chunk;
      }
      return;
    }
    let chunk: Buffer[] = [];
    let gathered = 0;
    for (let i = 0; i < this.size; i++) {
      if (i > 0) chunk.push(COMMA);
      const bytes = this.#bytesOf(this.#arrival(i));
      chunk.push(bytes);
      gathered += bytes.length + 1;
      if (gathered >= CHUNK_BYTES) {
        yield Buffer.concat(chunk);
        chunk = [];
        gathered = 0;
      }
    }
    if (chunk.length > 0) yield Buffer.concat(chunk);
  }

  /** The key-order place of the record whose canonical JSON is `text`, or -1. */
  indexOf(text: string): number {
    if (!this.#byDigest) {
      // Built when a delta first needs it: a publish without deltas never reads the texts back.
      const byDigest = new Map<string, number>();
      for (let i = 0; i < this.size; i++) byDigest.set(digestOf(this.#bytesOf(this.#arrival(i))), i);
      this.#byDigest = byDigest;
    }
    // SHA-256 names the text (as the manifest names each file).
    return this.#byDigest.get(digestOf(text)) ?? -1;
  }

  hasKey(key: string): boolean {
    this.#keySet ??= new Set(this.#keys);
    return this.#keySet.has(key);
  }

  /** The texts of the records whose place is not marked, in key order. */
  unmarked(marks: Uint8Array): string[] {
    const texts: string[] = [];
    for (let i = 0; i < this.size; i++) {
      if (marks[i] !== 1) texts.push(this.#bytesOf(this.#arrival(i)).toString('utf8'));
    }
    return texts;
  }

  /** Lets go of the file (its owner closes it); the texts are of no use afterwards. */
  release(): void {
    this.#fd = undefined;
  }
}
