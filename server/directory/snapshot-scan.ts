// Reads what a delta compares out of an older snapshot's JSON as its bytes come (from its
// gzip file, decompressed as a stream): the version, the policy and platforms as their JSON
// text, and each record of the three collections as its own text, without the whole
// snapshot ever being one string. Held whole, the text of 100k merchants was about 58 MB of
// characters, twice that in memory when one of them is Arabic, once for every delta.
// The snapshot is our own stored JSON (its hash was checked, or it came from the database);
// anything that is not whole JSON of that shape is refused, never half-read.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function indexOrEnd(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at < 0 ? chunk.length : at;
}

/** The text of a span that began in earlier chunks (`pieces`) and ends with `last`. */
function spanText(pieces: Buffer[], last: Buffer): string {
  return (pieces.length === 0 ? last : Buffer.concat([...pieces, last])).toString('utf8');
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const endsScalar = (byte: number) => byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || isSpace(byte);

/** The collections of a snapshot's state a delta compares record by record. */
export type Collection = 'merchants' | 'flagged' | 'domainComplaints';
const COLLECTIONS: ReadonlySet<string> = new Set<Collection>(['merchants', 'flagged', 'domainComplaints']);

/** What a delta needs of an older snapshot besides its records. */
export interface ScannedSnapshot {
  /** The JSON text of `version`, `state.policy` and `state.platforms`. */
  version: string;
  policy: string;
  platforms: string;
}

type Role = 'root' | 'state' | Collection | 'other';

interface Frame {
  array: boolean;
  role: Role;
  /** The member being read, in an object whose members matter (the root, the state). */
  key: string | undefined;
  expectKey: boolean;
}

type Target = 'version' | 'policy' | 'platforms' | Collection;

export class SnapshotScanner {
  readonly #onRecord: (collection: Collection, text: string) => void;
  readonly #stack: Frame[] = [];
  readonly #found = new Map<Target, string>();
  readonly #seenCollections = new Set<Collection>();
  #inString = false;
  #escaped = false;
  #stringIsKey = false;
  #inScalar = false;
  #done = false;
  /** The value being kept: where it started in this chunk, the pieces from earlier chunks. */
  #capture: { target: Target; depth: number; start: number; pieces: Buffer[] } | undefined;
  /** A member name being read, in an object whose members matter. */
  #key: { start: number; pieces: Buffer[] } | undefined;

  /** `onRecord` gets each record of the three collections, as its JSON text, in order. */
  constructor(onRecord: (collection: Collection, text: string) => void) {
    this.#onRecord = onRecord;
  }

  /** The next bytes of the snapshot's JSON (UTF-8: every byte that shapes JSON is ASCII). */
  push(chunk: Buffer): void {
    // Where the next backslash is at or after the position read (chunk.length: none).
    let nextBackslash = -1;
    for (let i = 0; i < chunk.length; i++) {
      if (this.#inString) {
        if (this.#escaped) {
          this.#escaped = false;
          continue;
        }
        // Most of a snapshot is inside strings: skip to the next quote or backslash natively.
        if (nextBackslash < i) nextBackslash = indexOrEnd(chunk, BACKSLASH, i);
        const quote = indexOrEnd(chunk, QUOTE, i);
        if (nextBackslash < quote) {
          i = nextBackslash;
          this.#escaped = true;
        } else if (quote === chunk.length) {
          i = chunk.length;
        } else {
          i = quote;
          this.#inString = false;
          if (this.#stringIsKey) this.#endKey(chunk, i);
          else this.#valueEnded(chunk, i + 1);
        }
        continue;
      }
      const byte = chunk[i] as number;
      if (this.#inScalar) {
        if (!endsScalar(byte)) continue;
        this.#inScalar = false;
        this.#valueEnded(chunk, i);
      }
      if (isSpace(byte)) continue;
      if (this.#done) throw new SyntaxError('the snapshot has more after its end');
      const top = this.#stack[this.#stack.length - 1];
      if (byte === QUOTE) {
        this.#inString = true;
        this.#stringIsKey = top !== undefined && !top.array && top.expectKey;
        if (this.#stringIsKey) {
          if (top && top.role !== 'other' && !this.#capture) this.#key = { start: i + 1, pieces: [] };
        } else this.#valueStarts(i);
      } else if (byte === COLON) {
        if (!top || top.array || !top.expectKey) throw new SyntaxError('the snapshot has a misplaced colon');
        top.expectKey = false;
      } else if (byte === COMMA) {
        if (!top) throw new SyntaxError('the snapshot has a misplaced comma');
        if (!top.array) top.expectKey = true;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        this.#valueStarts(i);
        this.#stack.push({
          array: byte === OPEN_ARRAY,
          role: this.#roleOfNew(top, byte === OPEN_ARRAY),
          key: undefined,
          expectKey: byte === OPEN_OBJECT,
        });
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        const closed = this.#stack.pop();
        if (!closed || closed.array !== (byte === CLOSE_ARRAY))
          throw new SyntaxError('the snapshot has an unbalanced bracket');
        if (closed.role !== 'other' && closed.role !== 'root' && closed.role !== 'state')
          this.#seenCollections.add(closed.role);
        this.#valueEnded(chunk, i + 1);
        if (this.#stack.length === 0) this.#done = true;
      } else {
        // A number, true, false or null.
        this.#valueStarts(i);
        this.#inScalar = true;
      }
    }
    // What is being kept continues in the next chunk.
    if (this.#capture) {
      this.#capture.pieces.push(Buffer.from(chunk.subarray(this.#capture.start)));
      this.#capture.start = 0;
    }
    if (this.#key) {
      this.#key.pieces.push(Buffer.from(chunk.subarray(this.#key.start)));
      this.#key.start = 0;
    }
  }

  /** Everything has been pushed: the parts found, or an error naming what is missing. */
  end(): ScannedSnapshot {
    if (this.#inScalar) {
      this.#inScalar = false;
      this.#valueEnded(Buffer.alloc(0), 0);
    }
    if (!this.#done || this.#inString) throw new SyntaxError('the snapshot ends before its JSON does');
    for (const collection of COLLECTIONS as ReadonlySet<Collection>) {
      if (!this.#seenCollections.has(collection))
        throw new SyntaxError(`the snapshot has no state.${collection} array`);
    }
    const part = (target: Target, where: string) => {
      const text = this.#found.get(target);
      if (text === undefined) throw new SyntaxError(`the snapshot has no ${where}`);
      return text;
    };
    return {
      version: part('version', 'version'),
      policy: part('policy', 'state.policy'),
      platforms: part('platforms', 'state.platforms'),
    };
  }

  #roleOfNew(parent: Frame | undefined, array: boolean): Role {
    if (!parent) return array ? 'other' : 'root';
    if (this.#capture) return 'other';
    if (parent.role === 'root' && parent.key === 'state' && !array) return 'state';
    if (parent.role === 'state' && array && parent.key !== undefined && COLLECTIONS.has(parent.key)) {
      return parent.key as Collection;
    }
    return 'other';
  }

  /** A value starts at `at`: kept if it is one a delta reads. */
  #valueStarts(at: number): void {
    if (this.#capture) return;
    const top = this.#stack[this.#stack.length - 1];
    let target: Target | undefined;
    if (top?.role === 'root' && top.key === 'version') target = 'version';
    else if (top?.role === 'state' && (top.key === 'policy' || top.key === 'platforms')) target = top.key;
    else if (top?.array && top.role !== 'other' && top.role !== 'root' && top.role !== 'state') target = top.role;
    if (target) this.#capture = { target, depth: this.#stack.length, start: at, pieces: [] };
  }

  /** A value ended just before `end`: the kept one, if this is where it ends, is delivered. */
  #valueEnded(chunk: Buffer, end: number): void {
    const capture = this.#capture;
    if (!capture || this.#stack.length !== capture.depth) return;
    this.#capture = undefined;
    const text = spanText(capture.pieces, chunk.subarray(capture.start, end));
    if (capture.target === 'version' || capture.target === 'policy' || capture.target === 'platforms') {
      if (this.#found.has(capture.target)) throw new SyntaxError(`the snapshot has ${capture.target} twice`);
      this.#found.set(capture.target, text);
    } else this.#onRecord(capture.target, text);
  }

  #endKey(chunk: Buffer, end: number): void {
    const top = this.#stack[this.#stack.length - 1];
    const key = this.#key;
    this.#key = undefined;
    if (!top || !key) return;
    top.key = JSON.parse(`"${spanText(key.pieces, chunk.subarray(key.start, end))}"`) as string;
  }
}
