import { canonicalJson, sha256Hex, utf8 } from './bytes.ts';
import { DELTA_FORMAT, type Delta, type DirectoryState, directoryStateSchema, type Snapshot } from './schemas.ts';

// A delta carries what changed between two versions of the directory state: records
// added or changed (whole), keys removed, and policy or platforms when they changed.
// Applying it to the older state gives a state whose digest equals the newer manifest's.

/** SHA-256 of the canonical JSON of a directory state: what a manifest's `digest` names. */
export async function directoryDigest(state: DirectoryState): Promise<string> {
  return sha256Hex(utf8(canonicalJson(state)));
}

interface Collection<T> {
  upsert: T[];
  remove: string[];
}

// A publication builds deltas from several older versions to the same new one: each
// record object is serialized once, not once per delta. Records are never mutated.
const serialized = new WeakMap<object, string>();
function recordJson(record: unknown): string {
  if (record === null || typeof record !== 'object') return canonicalJson(record);
  let json = serialized.get(record);
  if (json === undefined) {
    json = canonicalJson(record);
    serialized.set(record, json);
  }
  return json;
}

function diff<T>(before: readonly T[], after: readonly T[], keyOf: (record: T) => string): Collection<T> {
  const old = new Map(before.map((record) => [keyOf(record), recordJson(record)]));
  const upsert: T[] = [];
  const seen = new Set<string>();
  for (const record of after) {
    const key = keyOf(record);
    seen.add(key);
    if (old.get(key) !== recordJson(record)) upsert.push(record);
  }
  const remove = [...old.keys()].filter((key) => !seen.has(key)).sort();
  return { upsert, remove };
}

function patch<T>(records: readonly T[], change: Collection<T>, keyOf: (record: T) => string): T[] {
  const byKey = new Map(records.map((record) => [keyOf(record), record]));
  for (const key of change.remove) byKey.delete(key);
  for (const record of change.upsert) byKey.set(keyOf(record), record);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, record]) => record);
}

const merchantKey = (merchant: { id: string }) => merchant.id;
const domainKey = (record: { domain: string }) => record.domain;

export function createDelta(from: Snapshot, to: Snapshot): Delta {
  if (to.version <= from.version) throw new RangeError('a delta goes from an older version to a newer one');
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  return {
    format: DELTA_FORMAT,
    formatVersion: 1,
    from: from.version,
    to: to.version,
    policy: same(from.state.policy, to.state.policy) ? null : to.state.policy,
    platforms: same(from.state.platforms, to.state.platforms) ? null : to.state.platforms,
    merchants: diff(from.state.merchants, to.state.merchants, merchantKey),
    flagged: diff(from.state.flagged, to.state.flagged, domainKey),
    domainComplaints: diff(from.state.domainComplaints, to.state.domainComplaints, domainKey),
  };
}

/**
 * The state a delta leads to. The result is validated as a whole (sorted, unique, no
 * domain owned twice); a delta that would break that throws, and nothing is changed.
 */
export function applyDelta(state: DirectoryState, delta: Delta): DirectoryState {
  const next = {
    policy: delta.policy ?? state.policy,
    platforms: delta.platforms ?? state.platforms,
    merchants: patch(state.merchants, delta.merchants, merchantKey),
    flagged: patch(state.flagged, delta.flagged, domainKey),
    domainComplaints: patch(state.domainComplaints, delta.domainComplaints, domainKey),
  };
  return directoryStateSchema.parse(next);
}
