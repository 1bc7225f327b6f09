import { canonicalJson } from '../../src/directory/bytes.ts';
import { DELTA_FORMAT } from '../../src/directory/schemas.ts';
import { arrayElements, member, objectMembers } from './json-spans.ts';

// createDelta (src/directory/delta.ts) over texts: the new version's records are held as
// their canonical JSON, and an older version's stored snapshot is read as text, so a
// record that did not change is one string lookup, never parsed. The bytes equal
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

function diffText(oldText: string, oldArray: ReturnType<typeof member>, current: DeltaRecords) {
  // A record whose exact text the old version held is unchanged (its key is in its text).
  const unchanged = new Uint8Array(current.size);
  const remove: string[] = [];
  for (const text of arrayElements(oldText, oldArray)) {
    const place = current.indexOf(text);
    if (place >= 0) {
      unchanged[place] = 1;
      continue;
    }
    // Changed, removed, or stored by an older publisher in another key order.
    const record = JSON.parse(text) as Record<string, unknown>;
    const canonicalPlace = current.indexOf(canonicalJson(record));
    if (canonicalPlace >= 0) unchanged[canonicalPlace] = 1;
    else if (!current.hasKey(current.keyOf(record))) remove.push(current.keyOf(record));
  }
  return { upsert: new RawJson(`[${current.unmarked(unchanged).join(',')}]`), remove: remove.sort() };
}

/** The version a stored snapshot text is of. */
export function snapshotTextVersion(text: string): number {
  const top = objectMembers(text, { start: 0, end: text.length });
  const span = member(top, 'version');
  return Number(JSON.parse(text.slice(span.start, span.end)));
}

/** The canonical JSON of the delta from a stored snapshot (its text) to the current state. */
export function deltaFromText(oldText: string, current: CanonicalState, to: number): { from: number; json: string } {
  const top = objectMembers(oldText, { start: 0, end: oldText.length });
  const versionSpan = member(top, 'version');
  const from = Number(JSON.parse(oldText.slice(versionSpan.start, versionSpan.end)));
  if (!(to > from)) throw new RangeError('a delta goes from an older version to a newer one');
  const state = objectMembers(oldText, member(top, 'state'));
  const canonicalAt = (key: string) => {
    const span = member(state, key);
    return canonicalJson(JSON.parse(oldText.slice(span.start, span.end)));
  };
  const json = canonicalWithRaw({
    format: DELTA_FORMAT,
    formatVersion: 1,
    from,
    to,
    policy: canonicalAt('policy') === current.policy ? null : new RawJson(current.policy),
    platforms: canonicalAt('platforms') === current.platforms ? null : new RawJson(current.platforms),
    merchants: diffText(oldText, member(state, 'merchants'), current.merchants),
    flagged: diffText(oldText, member(state, 'flagged'), current.flagged),
    domainComplaints: diffText(oldText, member(state, 'domainComplaints'), current.domainComplaints),
  });
  return { from, json };
}
