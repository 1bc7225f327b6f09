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

/** One collection of the new state: records in published order, as canonical JSON. */
export class CanonicalCollection {
  #texts: Set<string> | undefined;
  #keys: Set<string> | undefined;
  constructor(
    readonly entries: ReadonlyArray<{ key: string; json: string }>,
    readonly keyOf: (record: Record<string, unknown>) => string,
  ) {}

  /** Built when a delta first needs them: a first publish, or one without deltas, never does. */
  get texts(): Set<string> {
    this.#texts ??= new Set(this.entries.map((entry) => entry.json));
    return this.#texts;
  }

  get keys(): Set<string> {
    this.#keys ??= new Set(this.entries.map((entry) => entry.key));
    return this.#keys;
  }

  /** The array's canonical JSON. */
  json(): string {
    return `[${this.entries.map((entry) => entry.json).join(',')}]`;
  }
}

export interface CanonicalState {
  policy: string;
  platforms: string;
  merchants: CanonicalCollection;
  flagged: CanonicalCollection;
  domainComplaints: CanonicalCollection;
}

function diffText(oldText: string, oldArray: ReturnType<typeof member>, current: CanonicalCollection) {
  const unchanged = new Set<string>();
  const remove: string[] = [];
  for (const text of arrayElements(oldText, oldArray)) {
    if (current.texts.has(text)) {
      unchanged.add(text);
      continue;
    }
    // Changed, removed, or stored by an older publisher in another key order.
    const record = JSON.parse(text) as Record<string, unknown>;
    const json = canonicalJson(record);
    if (current.texts.has(json)) unchanged.add(json);
    else if (!current.keys.has(current.keyOf(record))) remove.push(current.keyOf(record));
  }
  // A record whose exact text the old version held is unchanged (its key is in its text).
  const upsert = current.entries.filter((entry) => !unchanged.has(entry.json)).map((entry) => entry.json);
  return { upsert: new RawJson(`[${upsert.join(',')}]`), remove: remove.sort() };
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
