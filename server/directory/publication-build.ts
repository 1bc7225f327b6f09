import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { canonicalJson } from '../../src/directory/bytes.ts';
import {
  type AnswerRecord,
  type ComplaintCounts,
  describeSchemaError,
  directoryStateSchema,
  type FlaggedDomain,
  type Merchant,
  type Policy,
  SNAPSHOT_FORMAT,
} from '../../src/directory/schemas.ts';
import { socialKeyOf } from '../../src/directory/social-identity.ts';
import { openDataMerchantRow } from '../opendata/open-data-merchant-row.ts';
import { merchantRowSchema } from '../opendata/open-data-schema.ts';
import { MerchantTexts } from './merchant-texts.ts';
import { temporaryPathFor, writeFileAtomically } from './served-files.ts';
import { CanonicalCollection, type CanonicalState, deltaFromSnapshot } from './text-delta.ts';

// The CPU-heavy half of a publish, run in the publish worker thread (publish-thread.ts):
// merchant records arrive page by page as the database's JSON text, are counted,
// validated and kept only as canonical JSON in a scratch file (merchant-texts.ts); the
// snapshot is then streamed from it through SHA-256 and gzip to disk, and each delta
// compares it with an older snapshot read record by record (text-delta.ts).
// The bytes equal those of buildPublication (src/directory/publication.ts): node's zlib
// with its defaults is what CompressionStream('gzip') runs.

export interface BuildInput {
  version: number;
  publishedAt: string;
  policy: Policy;
  platforms: string[];
  complaintCounts: Array<[string, ComplaintCounts]>;
  answerRecords: Array<[string, AnswerRecord]>;
  flagged: FlaggedDomain[];
}

export interface FileRef {
  path: string;
  sha256: string;
  size: number;
}

/** The registry holds something extensions would refuse: nothing is published. */
export class PublishRefused extends Error {
  override name = 'PublishRefused';
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const byId = (a: Merchant, b: Merchant) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function* utf8Chunks(text: string): Generator<Buffer> {
  yield* chunked([text]);
}

function addCounts(total: ComplaintCounts, more: ComplaintCounts): ComplaintCounts {
  const add = (a: ComplaintCounts['open'], b: ComplaintCounts['open']) => {
    const sum = { ...a };
    for (const [category, count] of Object.entries(b) as [keyof typeof sum, number][]) {
      sum[category] = (sum[category] ?? 0) + count;
    }
    return sum;
  };
  return { open: add(total.open, more.open), resolved: add(total.resolved, more.resolved) };
}

/** Bytes of a chunk the pieces of a text are encoded into before hashing or compressing. */
const CHUNK_BYTES = 1 << 20;

/**
 * The pieces' UTF-8 bytes in chunks of about CHUNK_BYTES: each piece is encoded straight
 * into the chunk (joining the pieces into one string first made V8 copy every character
 * once more to flatten it). Pieces are whole JSON texts, so no surrogate pair is split
 * between two of them; a piece larger than a chunk is a chunk of its own.
 */
function* chunked(pieces: Iterable<string>): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for (const piece of pieces) {
    // Three bytes at most for each UTF-16 code unit.
    if (used + piece.length * 3 > CHUNK_BYTES) {
      if (used > 0) yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      used = 0;
      if (piece.length * 3 > CHUNK_BYTES) {
        yield Buffer.from(piece, 'utf8');
        continue;
      }
    }
    used += chunk.write(piece, used, 'utf8');
  }
  if (used > 0) yield chunk.subarray(0, used);
}

/**
 * A piece of the open data's merchants table is cut once it holds this many UTF-8 bytes
 * (so at most this many characters, plus its last row): see OpenDataPieces.
 */
export const OPEN_DATA_PIECE_CHARS = 1 << 16;

/** Bytes of each buffer the open data's pieces are encoded into. */
const SLAB_BYTES = 1 << 22;

/**
 * The open data's merchants table (a JSON array of the rows), gathered row by row into
 * pieces of about OPEN_DATA_PIECE_CHARS bytes that joined are the table's text; each
 * piece holds whole rows and is encoded as UTF-8 once full, so a publish keeps megabytes
 * of bytes rather than one string per merchant for its garbage collector to walk. As one
 * string, copying it to the service's thread and writing it in parts held that thread for
 * about 100 ms each; the pieces go over moved rather than copied, and are decoded one by
 * one as they are written.
 */
export class OpenDataPieces {
  #slab = Buffer.allocUnsafeSlow(0);
  /** Where the piece being gathered starts in the slab, and where it ends so far. */
  #start = 0;
  #end = 0;
  #pieces: Uint8Array[] = [];
  #rows = 0;

  add(row: string): void {
    this.#write(this.#rows === 0 ? '[' : ',', row);
    this.#rows += 1;
    if (this.#end - this.#start >= OPEN_DATA_PIECE_CHARS) this.#cut();
  }

  /**
   * Each row is encoded straight into a slab of a few megabytes: joining rows into a piece
   * first, then encoding it, made V8 copy every piece to flatten it.
   */
  #write(separator: string, row: string): void {
    const most = 1 + row.length * 3;
    if (this.#end + most > this.#slab.length) {
      // The piece so far moves to the new slab (whole rows, under OPEN_DATA_PIECE_CHARS bytes).
      const slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, (this.#end - this.#start + most) * 2));
      this.#slab.copy(slab, 0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
      this.#slab = slab;
    }
    this.#end += this.#slab.write(separator, this.#end, 'latin1');
    this.#end += this.#slab.write(row, this.#end, 'utf8');
  }

  #cut(): void {
    this.#pieces.push(this.#slab.subarray(this.#start, this.#end));
    this.#start = this.#end;
  }

  /** The pieces, the array closed (views of a few buffers); the gatherer is empty afterwards. */
  finish(): Uint8Array[] {
    this.#write(this.#rows === 0 ? '[' : '', ']');
    this.#cut();
    const pieces = this.#pieces;
    this.#pieces = [];
    this.#slab = Buffer.allocUnsafeSlow(0);
    this.#start = 0;
    this.#end = 0;
    this.#rows = 0;
    return pieces;
  }
}

/** The texts for the given rows (what the pieces decode to). */
export function openDataPieces(rows: readonly string[]): string[] {
  const gatherer = new OpenDataPieces();
  for (const row of rows) gatherer.add(row);
  const decoder = new TextDecoder();
  return gatherer.finish().map((piece) => decoder.decode(piece));
}

export class PublicationBuilder {
  readonly #counts: Map<string, ComplaintCounts>;
  readonly #answers: Map<string, AnswerRecord>;
  readonly #owned = new Set<string>();
  readonly #domainOwner = new Map<string, string>();
  readonly #merchants: MerchantTexts;
  /** The open data's merchants table, in the registry's order. */
  readonly #openData = new OpenDataPieces();
  #state: CanonicalState | undefined;

  /** `scratchFd`: an empty scratch file for the merchants' texts (openScratchFile), which the caller closes. */
  constructor(
    readonly input: BuildInput,
    scratchFd: number,
  ) {
    this.#counts = new Map(input.complaintCounts);
    this.#answers = new Map(input.answerRecords);
    this.#merchants = new MerchantTexts(scratchFd);
  }

  /** Lets go of the scratch file: the builder is of no use afterwards. */
  release(): void {
    this.#merchants.release();
  }

  /** One page of merchant records, as the registry stores them (JSON text). */
  addMerchants(recordTexts: readonly string[]): void {
    const merchants: Merchant[] = [];
    for (const text of recordTexts) {
      // Completed in place, not copied: the record is the parse's own object, and a page's
      // copies were garbage for the worker to collect (100k records a publish).
      const record = JSON.parse(text) as Merchant;
      let complaints: ComplaintCounts = { open: {}, resolved: {} };
      // Complaints against the merchant's social profiles are the merchant's too; a key
      // two merchants share goes to the first one met (pages come in id order).
      const socialKeys = record.social.flatMap(({ network, handle }) => socialKeyOf(network, handle) ?? []);
      for (const domain of [...record.domains, ...socialKeys]) {
        if (this.#owned.has(domain)) continue;
        this.#owned.add(domain);
        const domainCounts = this.#counts.get(domain);
        if (domainCounts) complaints = addCounts(complaints, domainCounts);
      }
      const answerRecord = this.#answers.get(record.id);
      const row = merchantRowSchema.safeParse(openDataMerchantRow(record.id, record, this.#counts, this.#answers));
      if (!row.success) {
        throw new PublishRefused(describeSchemaError(row.error, `the open data of merchant ${record.id}`));
      }
      this.#openData.add(JSON.stringify(row.data));
      // A stored record never holds counts; whatever it might carry is replaced by what is
      // counted now (an absent answer record stays absent: canonicalJson skips undefined).
      record.complaints = complaints;
      record.answers = answerRecord;
      merchants.push(record);
    }
    merchants.sort(byId);
    // Validated before anything is signed: the registry must never publish a file that
    // extensions would refuse. The schema checks a page; the loop below what spans pages.
    const checked = directoryStateSchema.safeParse({
      policy: this.input.policy,
      platforms: this.input.platforms,
      merchants,
      flagged: [],
      domainComplaints: [],
    });
    if (!checked.success) {
      const described = describeSchemaError(checked.error, 'the directory state').replace(
        /merchants\.(\d+)/g,
        (_, index: string) => `merchant ${merchants[Number(index)]?.id ?? index}`,
      );
      throw new PublishRefused(described);
    }
    for (const merchant of merchants) {
      for (const domain of merchant.domains) {
        const owner = this.#domainOwner.get(domain);
        if (owner !== undefined && owner !== merchant.id) {
          throw new PublishRefused(`the directory state: ${domain} belongs to merchants ${owner} and ${merchant.id}`);
        }
        this.#domainOwner.set(domain, merchant.id);
      }
      this.#merchants.add(merchant.id, canonicalJson(merchant));
    }
  }

  /** Completes the state and returns its digest (what the manifest names) and its size. */
  finishState(): { digest: string; merchants: number; flagged: number; openDataMerchants: Uint8Array[] } {
    const duplicate = this.#merchants.finish();
    if (duplicate !== undefined) throw new PublishRefused(`the directory state: duplicate merchant ${duplicate}`);
    const flagged = [...this.input.flagged].sort((a, b) => byKey({ key: a.domain }, { key: b.domain }));
    const domainComplaints = [...this.#counts.entries()]
      .filter(([domain]) => !this.#owned.has(domain))
      .map(([domain, complaints]) => ({ domain, complaints }))
      .sort((a, b) => byKey({ key: a.domain }, { key: b.domain }));
    const rest = directoryStateSchema.safeParse({
      policy: this.input.policy,
      platforms: this.input.platforms,
      merchants: [],
      flagged,
      domainComplaints,
    });
    if (!rest.success) throw new PublishRefused(describeSchemaError(rest.error, 'the directory state'));
    const byDomain = (record: Record<string, unknown>) => record.domain as string;
    const canonical = (records: Array<{ domain: string }>) =>
      records.map((record) => ({ key: record.domain, json: canonicalJson(record) }));
    this.#state = {
      policy: canonicalJson(this.input.policy),
      platforms: canonicalJson(this.input.platforms),
      merchants: this.#merchants,
      flagged: new CanonicalCollection(canonical(flagged), byDomain),
      domainComplaints: new CanonicalCollection(canonical(domainComplaints), byDomain),
    };
    const digest = createHash('sha256');
    for (const chunk of this.#stateChunks(true)) digest.update(chunk);
    const openDataMerchants = this.#openData.finish();
    return {
      digest: digest.digest('hex'),
      merchants: this.#merchants.size,
      flagged: flagged.length,
      openDataMerchants,
    };
  }

  get #finished(): CanonicalState {
    if (!this.#state) throw new Error('finishState first');
    return this.#state;
  }

  /**
   * canonicalJson(state) as UTF-8, in chunks: keys in sorted order, the merchants from their
   * file (into one reused buffer when `reuse`: MerchantTexts.bytes).
   */
  *#stateChunks(reuse = false): Generator<Buffer> {
    const state = this.#finished;
    yield* utf8Chunks(
      `{"domainComplaints":${state.domainComplaints.json()},"flagged":${state.flagged.json()},"merchants":[`,
    );
    yield* this.#merchants.bytes(reuse);
    yield* utf8Chunks(`],"platforms":${state.platforms},"policy":${state.policy}}`);
  }

  /** canonicalJson(snapshot) as UTF-8, in chunks. */
  *#snapshotChunks(): Generator<Buffer> {
    const { version, publishedAt } = this.input;
    yield* utf8Chunks(
      `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"formatVersion":1,"publishedAt":${JSON.stringify(publishedAt)},"state":`,
    );
    yield* this.#stateChunks();
    yield* utf8Chunks(`,"version":${version}}`);
  }

  /**
   * Streams the gzipped snapshot into `dir` under its content-addressed name; returns its
   * reference (the publisher stores the file's bytes from there: storedGzipPieces).
   */
  async writeSnapshot(dir: string): Promise<{ ref: FileRef }> {
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const source = Readable.from(this.#snapshotChunks());
    const temporary = temporaryPathFor(join(dir, 'snapshot'));
    try {
      await pipeline(source, createGzip(), tap, createWriteStream(temporary));
      const handle = await open(temporary, 'r+');
      await handle.sync().finally(() => handle.close());
      const sha256 = hash.digest('hex');
      const path = `snapshot-${this.input.version}-${sha256.slice(0, 16)}.json.gz`;
      await rename(temporary, join(dir, path));
      return { ref: { path, sha256, size } };
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** Writes the gzipped delta from an older version's snapshot (the bytes of its JSON, as they come). */
  async writeDelta(
    dir: string,
    oldSnapshot: AsyncIterable<Buffer> | Iterable<Buffer>,
  ): Promise<FileRef & { from: number }> {
    const { from, json } = await deltaFromSnapshot(oldSnapshot, this.#finished, this.input.version);
    const bytes = gzipSync(Buffer.from(json, 'utf8'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = `delta-${from}-${this.input.version}-${sha256.slice(0, 16)}.json.gz`;
    await writeFileAtomically(join(dir, path), bytes);
    return { from, path, sha256, size: bytes.length };
  }
}
