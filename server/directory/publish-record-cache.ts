import { createHash, type Hash, randomUUID } from 'node:crypto';
import { type FileHandle, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

// The merchants' records as the last publish read them, kept in a file of the data folder so
// that the next publish on PGlite reads from the database only the merchants written since
// (registry-pages.ts). A line per merchant, `<id>\t<record as the database's JSON text>\n`.
//
// The file is trusted only as far as the database vouches for it: the one row of
// `publish_record_cache` names its size and SHA-256 and the numbers (merchants_changes,
// merchant_removals) as of which it holds every merchant. A file that does not hash to that
// row (damaged, half written, left from another database, a database restored from a backup
// taken before the file was written) is not used, and the publish reads every merchant.

export const RECORD_CACHE_FILE = '.publish-records';
const TEMPORARY = /^\.publish-records\.[0-9a-f-]{36}\.tmp$/;
/** A merchant id (src/directory/schemas.ts): no tab, no newline. */
const MERCHANT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Bytes read, or gathered before a write, at a time. */
const CHUNK_BYTES = 1 << 20;

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

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      hash.update(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** The records a publish kept, as the database vouches for them. */
export class RecordCache {
  private constructor(
    readonly path: string,
    /** merchants_changes' value as of which the file holds every merchant. */
    readonly change: string,
    readonly count: number,
    readonly bytes: number,
    readonly sha256: string,
  ) {}

  /**
   * The kept records of `dir` when the database's row names them and they hash to it, and no
   * merchant was removed since (`removals`, merchant_removals' last value); else null.
   */
  static async open(db: Kysely<Database>, dir: string, removals: string): Promise<RecordCache | null> {
    const row = await db.selectFrom('publish_record_cache').selectAll().executeTakeFirst();
    if (!row || row.removals !== removals) return null;
    const path = join(dir, RECORD_CACHE_FILE);
    const size = await stat(path).then(
      (found) => (found.isFile() ? found.size : -1),
      () => -1,
    );
    if (size !== Number(row.bytes)) return null;
    // Hashed before anything is handed over: a damaged file means reading the database, not a failed publish.
    if ((await sha256Of(path)) !== row.sha256) return null;
    return new RecordCache(path, row.change, row.records, size, row.sha256);
  }

  /**
   * The kept records, in the file's order. Throws when the file is not what it was when
   * opened (changed meanwhile): its hash, its count and its lines are checked as it is read.
   */
  async *records(): AsyncGenerator<KeptRecord[]> {
    const handle = await open(this.path, 'r');
    const hash = createHash('sha256');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let rest = '';
    let count = 0;
    let bytes = 0;
    try {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        const piece = chunk.subarray(0, bytesRead);
        hash.update(piece);
        bytes += bytesRead;
        const lines = (rest + decoder.decode(piece, { stream: true })).split('\n');
        rest = lines.pop() ?? '';
        const records: KeptRecord[] = [];
        for (const line of lines) records.push(this.#parse(line));
        count += records.length;
        if (records.length > 0) yield records;
      }
      rest += decoder.decode();
    } finally {
      await handle.close();
    }
    if (rest !== '' || count !== this.count || bytes !== this.bytes || hash.digest('hex') !== this.sha256) {
      throw new Error(`the publish's kept records (${this.path}) changed while they were read`);
    }
  }

  #parse(line: string): KeptRecord {
    const tab = line.indexOf('\t');
    const id = line.slice(0, tab);
    if (tab < 1 || !MERCHANT_ID.test(id)) {
      throw new Error(`the publish's kept records (${this.path}) hold a line that names no merchant`);
    }
    return { id, text: line.slice(tab + 1) };
  }
}

/**
 * Writes the records a publish reads to a file of its own, which becomes the kept records
 * (`install`) only once the read is known to hold the registry as of one moment.
 */
export class RecordCacheWriter {
  readonly #handle: FileHandle;
  readonly #hash: Hash = createHash('sha256');
  #pending: string[] = [];
  #pendingLength = 0;
  #count = 0;
  #bytes = 0;
  /** A record that cannot be kept as a line: the file is never installed. */
  #unusable = false;
  #done = false;

  private constructor(
    readonly dir: string,
    readonly path: string,
    handle: FileHandle,
  ) {
    this.#handle = handle;
  }

  /** A new temporary file in `dir`; those a killed publish left are removed first. */
  static async create(dir: string): Promise<RecordCacheWriter> {
    for (const name of await readdir(dir)) {
      if (TEMPORARY.test(name)) await rm(join(dir, name), { force: true });
    }
    const path = join(dir, `${RECORD_CACHE_FILE}.${randomUUID()}.tmp`);
    return new RecordCacheWriter(dir, path, await open(path, 'wx', 0o600));
  }

  get count(): number {
    return this.#count;
  }

  /** Appends records; written once about a megabyte is gathered. */
  async add(records: readonly KeptRecord[]): Promise<void> {
    if (this.#done) throw new Error('RecordCacheWriter: add after install or discard');
    for (const { id, text } of records) {
      // Never the case for a slug and the database's JSON text; a line that could not be read
      // back whole is never written.
      if (!MERCHANT_ID.test(id) || text.includes('\n')) this.#unusable = true;
      const line = `${id}\t${text}\n`;
      this.#pending.push(line);
      this.#pendingLength += line.length;
    }
    this.#count += records.length;
    if (this.#pendingLength >= CHUNK_BYTES / 3) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const bytes = Buffer.from(this.#pending.join(''), 'utf8');
    this.#pending = [];
    this.#pendingLength = 0;
    this.#hash.update(bytes);
    this.#bytes += bytes.length;
    let at = 0;
    while (at < bytes.length) at += (await this.#handle.write(bytes, at, bytes.length - at)).bytesWritten;
  }

  /**
   * Makes the file the kept records, as of `marks`: renamed over the last one, then named in
   * the database. A crash between the two leaves a file the row does not vouch for, unused.
   * Returns false (and keeps nothing new) when a record could not be kept.
   */
  async install(db: Kysely<Database>, marks: RegistryMarks): Promise<boolean> {
    await this.#flush();
    this.#done = true;
    await this.#handle.close();
    if (this.#unusable) {
      await rm(this.path, { force: true });
      return false;
    }
    await rename(this.path, join(this.dir, RECORD_CACHE_FILE));
    const row = {
      change: marks.change,
      removals: marks.removals,
      records: this.#count,
      bytes: String(this.#bytes),
      sha256: this.#hash.digest('hex'),
    };
    await db
      .insertInto('publish_record_cache')
      .values({ only_row: true, ...row })
      .onConflict((conflict) => conflict.column('only_row').doUpdateSet(row))
      .execute();
    return true;
  }

  /** Removes the temporary file (a read that failed or conflicted). */
  async discard(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
