import { canonicalJson } from '../../src/directory/bytes.ts';
import { DELTA_FORMAT } from '../../src/directory/schemas.ts';
import { SnapshotScanner } from './snapshot-scan.ts';

// createDelta (src/directory/delta.ts) over texts: the new version's records are held as
// their canonical JSON, and an older version's snapshot is read record by record as its
// bytes come (snapshot-scan.ts), so a record that did not change is one lookup, never parsed. The bytes equal
// canonicalJson(createDelta(old, new)), which the golden test and delta tests hold.

/** JSON text placed as it is by canonicalWithRaw (it is canonical already). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** canonicalJson, with RawJson values written verbatim. */
export function canonicalWithRaw(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value === null || typeof value !== 'object') return canonicalJson(value);
  if (Array.isArray(value)) return `[${value.map(canonicalWithRaw).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalWithRaw(record[key])}`);
  return `{${members.join(',')}}`;
}

/** One collection of the new state as a delta compares it: records in published order. */
export interface DeltaRecords {
  readonly size: number;
  keyOf(record: Record<string, unknown>): string;
  /** The place of the record whose canonical JSON is `text`, or -1. */
  indexOf(text: string): number;
  hasKey(key: string): boolean;
  /** The canonical JSON of the records whose place is not marked 1, in order. */
  unmarked(marks: Uint8Array): string[];
}

/** A small collection of the new state (the flagged domains, the complaints), held as canonical JSON. */
export class CanonicalCollection implements DeltaRecords {
  #places: Map<string, number> | undefined;
  #keys: Set<string> | undefined;
  constructor(
    readonly entries: ReadonlyArray<{ key: string; json: string }>,
    readonly keyOf: (record: Record<string, unknown>) => string,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** Built when a delta first needs them: a first publish, or one without deltas, never does. */
  indexOf(text: string): number {
    this.#places ??= new Map(this.entries.map((entry, place) => [entry.json, place]));
    return this.#places.get(text) ?? -1;
  }

  hasKey(key: string): boolean {
    this.#keys ??= new Set(this.entries.map((entry) => entry.key));
    return this.#keys.has(key);
  }

  unmarked(marks: Uint8Array): string[] {
    return this.entries.filter((_, place) => marks[place] !== 1).map((entry) => entry.json);
  }

  /** The array's canonical JSON. */
  json(): string {
    return `[${this.entries.map((entry) => entry.json).join(',')}]`;
  }
}

export interface CanonicalState {
  policy: string;
  platforms: string;
  merchants: DeltaRecords;
  flagged: CanonicalCollection;
  domainComplaints: CanonicalCollection;
}

/** The records of one collection of an older snapshot, compared one by one as they are read. */
class CollectionDiff {
  // A record whose exact text the old version held is unchanged (its key is in its text).
  readonly #unchanged: Uint8Array;
  readonly #remove: string[] = [];
  constructor(readonly current: DeltaRecords) {
    this.#unchanged = new Uint8Array(current.size);
  }

  see(text: string): void {
    const place = this.current.indexOf(text);
    if (place >= 0) {
      this.#unchanged[place] = 1;
      return;
    }
    // Changed, removed, or stored by an older publisher in another key order.
    const record = JSON.parse(text) as Record<string, unknown>;
    const canonicalPlace = this.current.indexOf(canonicalJson(record));
    if (canonicalPlace >= 0) this.#unchanged[canonicalPlace] = 1;
    else if (!this.current.hasKey(this.current.keyOf(record))) this.#remove.push(this.current.keyOf(record));
  }

  result() {
    return {
      upsert: new RawJson(`[${this.current.unmarked(this.#unchanged).join(',')}]`),
      remove: this.#remove.sort(),
    };
  }
}

/**
 * The canonical JSON of the delta from an older snapshot to the current state, the older
 * one read as the bytes of its JSON (`chunks`: its gzip file decompressed as a stream).
 */
export async function deltaFromSnapshot(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  current: CanonicalState,
  to: number,
): Promise<{ from: number; json: string }> {
  const diffs = {
    merchants: new CollectionDiff(current.merchants),
    flagged: new CollectionDiff(current.flagged),
    domainComplaints: new CollectionDiff(current.domainComplaints),
  };
  const scanner = new SnapshotScanner((collection, text) => diffs[collection].see(text));
  for await (const chunk of chunks) scanner.push(chunk);
  const old = scanner.end();
  const from = Number(JSON.parse(old.version));
  if (!(to > from)) throw new RangeError('a delta goes from an older version to a newer one');
  const canonical = (text: string) => canonicalJson(JSON.parse(text));
  const json = canonicalWithRaw({
    format: DELTA_FORMAT,
    formatVersion: 1,
    from,
    to,
    policy: canonical(old.policy) === current.policy ? null : new RawJson(current.policy),
    platforms: canonical(old.platforms) === current.platforms ? null : new RawJson(current.platforms),
    merchants: diffs.merchants.result(),
    flagged: diffs.flagged.result(),
    domainComplaints: diffs.domainComplaints.result(),
  });
  return { from, json };
}
