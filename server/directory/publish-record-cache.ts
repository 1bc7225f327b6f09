import { createHash, type Hash, randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

// The merchants' records as the last publish read them, kept in a file of the data folder so
// that the next publish on PGlite reads from the database only the merchants written since
// (registry-pages.ts). A line per merchant, `<id>\t<record as the database's JSON text>\n`,
// in the order the build took them (the database's id order).
//
// The file is trusted only as far as the database vouches for it: the one row of
// `publish_record_cache` names its size and SHA-256 and the numbers (merchants_changes,
// merchant_removals) as of which it holds every merchant. A file that does not hash to that
// row (damaged, half written, left from another database, a database restored from a backup
// taken before the file was written) is not used, and the publish reads every merchant.
//
// Reading, merging and writing the file run where the build runs (the publish worker for a
// large registry, publish-worker.ts): on the service's thread, decoding and splitting the
// 60 MB of 100k merchants held it 10–35 ms at a time, as long as the database pages it saved.

export const RECORD_CACHE_FILE = '.publish-records';
const TEMPORARY = /^\.publish-records\.[0-9a-f-]{36}\.tmp$/;
/** A merchant id (src/directory/schemas.ts): no tab, no newline. */
const MERCHANT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Bytes read at a time, and gathered before a write. */
const CHUNK_BYTES = 1 << 20;
/** Records handed to the build at a time from the kept file. */
const KEPT_PAGE = 1_000;

export interface KeptRecord {
  id: string;
  /** The record as `record::text` gave it. */
  text: string;
}

/** The numbers as of which a read holds every merchant. */
export interface RegistryMarks {
  /** merchants_changes' last value: every row written takes a number from it. */
  change: string;
  /** merchant_removals' last value: a removal of merchants moves it. */
  removals: string;
}

/** A kept file as the database names it. */
export interface KeptFile {
  path: string;
  /** The marks as of which it holds every merchant. */
  change: string;
  removals: string;
  count: number;
  bytes: number;
  sha256: string;
}

/** What a build wrote to the new kept file. */
export interface KeptWritten {
  count: number;
  bytes: number;
  sha256: string;
  /** False when a record could not be kept as a line: the file is then never installed. */
  usable: boolean;
}

const byId = (a: KeptRecord, b: KeptRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Whether the file still has the size and SHA-256 the database named. */
export function keptFileIsSound(kept: KeptFile): boolean {
  let fd: number;
  try {
    fd = openSync(kept.path, 'r');
  } catch {
    return false;
  }
  try {
    const found = fstatSync(fd);
    if (!found.isFile() || found.size !== kept.bytes) return false;
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let position = 0; ; ) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, position);
      if (read === 0) break;
      hash.update(chunk.subarray(0, read));
      position += read;
    }
    return hash.digest('hex') === kept.sha256;
  } finally {
    closeSync(fd);
  }
}

/**
 * The kept records, a chunk's worth at a time. Throws when the file is not what the database
 * named (changed since it was checked): its hash, its count and its lines are checked as it is read.
 */
function* keptRecordsOf(kept: KeptFile): Generator<KeptRecord[]> {
  const fd = openSync(kept.path, 'r');
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const damaged = () => new Error(`the publish's kept records (${kept.path}) changed while they were read`);
  let rest = '';
  let count = 0;
  let bytes = 0;
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, bytes);
      if (read === 0) break;
      const piece = chunk.subarray(0, read);
      hash.update(piece);
      bytes += read;
      const lines = (rest + decoder.decode(piece, { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      const records: KeptRecord[] = [];
      for (const line of lines) {
        const tab = line.indexOf('\t');
        const id = line.slice(0, tab);
        if (tab < 1 || !MERCHANT_ID.test(id)) throw damaged();
        records.push({ id, text: line.slice(tab + 1) });
      }
      count += records.length;
      if (records.length > 0) yield records;
    }
    rest += decoder.decode();
  } finally {
    closeSync(fd);
  }
  if (rest !== '' || count !== kept.count || bytes !== kept.bytes || hash.digest('hex') !== kept.sha256)
    throw damaged();
}

/**
 * Hands `add` the kept records with the changed ones in place of theirs (and the new ones
 * among them), in pages, in id order when the file is in it. Returns how many came from the file.
 */
export function mergeKept(kept: KeptFile, changed: KeptRecord[], add: (records: KeptRecord[]) => void): number {
  const sorted = [...changed].sort(byId);
  const changedIds = new Set(sorted.map((record) => record.id));
  let next = 0;
  let fromKept = 0;
  let page: KeptRecord[] = [];
  const hand = () => {
    if (page.length > 0) add(page);
    page = [];
  };
  for (const records of keptRecordsOf(kept)) {
    for (const record of records) {
      if (changedIds.has(record.id)) continue;
      for (let first = sorted[next]; first && first.id < record.id; first = sorted[++next]) page.push(first);
      page.push(record);
      fromKept++;
      if (page.length >= KEPT_PAGE) hand();
    }
  }
  while (next < sorted.length) {
    page.push(sorted[next++] as KeptRecord);
    if (page.length >= KEPT_PAGE) hand();
  }
  hand();
  return fromKept;
}

/** Writes the records a build takes, as lines, to a descriptor its publisher opened (KeptRecordsPlan). */
export class KeptLineWriter {
  readonly #fd: number;
  readonly #hash: Hash = createHash('sha256');
  #pending: string[] = [];
  #pendingLength = 0;
  #count = 0;
  #bytes = 0;
  #usable = true;

  constructor(fd: number) {
    this.#fd = fd;
  }

  add(records: readonly KeptRecord[]): void {
    for (const { id, text } of records) {
      // Never the case for a slug and the database's JSON text; a line that could not be read
      // back whole is never installed.
      if (!MERCHANT_ID.test(id) || text.includes('\n')) this.#usable = false;
      const line = `${id}\t${text}\n`;
      this.#pending.push(line);
      this.#pendingLength += line.length;
    }
    this.#count += records.length;
    if (this.#pendingLength >= CHUNK_BYTES / 3) this.#flush();
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const bytes = Buffer.from(this.#pending.join(''), 'utf8');
    this.#pending = [];
    this.#pendingLength = 0;
    this.#hash.update(bytes);
    let at = 0;
    while (at < bytes.length) at += writeSync(this.#fd, bytes, at, bytes.length - at, this.#bytes + at);
    this.#bytes += bytes.length;
  }

  finish(): KeptWritten {
    this.#flush();
    return { count: this.#count, bytes: this.#bytes, sha256: this.#hash.digest('hex'), usable: this.#usable };
  }
}

/**
 * The publisher's side: the kept file the database names (if any), and a new temporary file
 * for the build to write, which becomes the kept file (`install`) only once the read is known
 * to hold the registry as of one moment and the build wrote it whole.
 */
export class KeptRecordsPlan {
  #installed = false;
  #closed = false;

  private constructor(
    readonly dir: string,
    readonly path: string,
    /** The descriptor the build writes the new file through; the plan closes it. */
    readonly fd: number,
    /** The file the last read kept, as the database names it; null when there is none. */
    readonly kept: KeptFile | null,
  ) {}

  /** A new temporary file in `dir`; those a killed publish left are removed first. */
  static async open(db: Kysely<Database>, dir: string): Promise<KeptRecordsPlan> {
    for (const name of await readdir(dir)) {
      if (TEMPORARY.test(name)) await rm(join(dir, name), { force: true });
    }
    const row = await db.selectFrom('publish_record_cache').selectAll().executeTakeFirst();
    const kept: KeptFile | null = row
      ? {
          path: join(dir, RECORD_CACHE_FILE),
          change: row.change,
          removals: row.removals,
          count: row.records,
          bytes: Number(row.bytes),
          sha256: row.sha256,
        }
      : null;
    const path = join(dir, `${RECORD_CACHE_FILE}.${randomUUID()}.tmp`);
    return new KeptRecordsPlan(dir, path, openSync(path, 'wx', 0o600), kept);
  }

  /**
   * Makes the written file the kept one, as of `marks`: renamed over the last one, then named
   * in the database. A crash between the two leaves a file the row does not vouch for, unused.
   * Returns false (and keeps nothing new) when the build could not keep a record.
   */
  async install(db: Kysely<Database>, marks: RegistryMarks, written: KeptWritten): Promise<boolean> {
    this.#close();
    if (!written.usable) return false;
    await rename(this.path, join(this.dir, RECORD_CACHE_FILE));
    this.#installed = true;
    const row = {
      change: marks.change,
      removals: marks.removals,
      records: written.count,
      bytes: String(written.bytes),
      sha256: written.sha256,
    };
    await db
      .insertInto('publish_record_cache')
      .values({ only_row: true, ...row })
      .onConflict((conflict) => conflict.column('only_row').doUpdateSet(row))
      .execute();
    return true;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.fd);
  }

  /** Closes the descriptor and removes the temporary file unless it was installed (call once the build is done with it). */
  async end(): Promise<void> {
    this.#close();
    if (!this.#installed) await rm(this.path, { force: true });
  }
}

/**
 * How a build (in the worker or in the publisher's thread) takes its merchants: each page to
 * the builder, and, when the publisher keeps records, as lines to the new kept file.
 */
export class KeepingFeed {
  readonly #add: (texts: string[]) => void;
  readonly #writer: KeptLineWriter | undefined;

  constructor(add: (texts: string[]) => void, keepFd: number | undefined) {
    this.#add = add;
    this.#writer = keepFd === undefined ? undefined : new KeptLineWriter(keepFd);
  }

  addMerchants(records: KeptRecord[]): void {
    this.#add(records.map((record) => record.text));
    this.#writer?.add(records);
  }

  /** The kept records with `changed` in place of theirs; false, with nothing taken, when the file is not sound. */
  addKept(kept: KeptFile, changed: KeptRecord[]): number | false {
    if (!keptFileIsSound(kept)) return false;
    return mergeKept(kept, changed, (page) => this.addMerchants(page));
  }

  finishKeep(): KeptWritten | undefined {
    return this.#writer?.finish();
  }
}
