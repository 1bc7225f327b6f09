import { canonicalJson } from '../../src/directory/bytes.ts';
import { type ImportWarning, lookalikeWarnings } from './import-lookalikes.ts';
import type { Candidate, ImportProblem, MerchantRecord } from './import-map.ts';

// Good rows against the registry: which merchant each row is (by ICE, then by the one
// merchant holding its domains), which rows of the file contradict each other, and what
// would change. Pure: the registry comes in as maps, the changes go out as records.
//
// A row may be well formed and still undo what the registry vouches for: a shop's domain
// going to another legal entity, or a suspended or revoked merchant coming back. Those
// are conflicts, not problems: refused unless the operator accepts them, and then the
// audit log keeps each one.

/**
 * - `legal-entity-change`: the merchant holding the row's domains has another ICE than the
 *   row, so importing it would give that merchant another legal identity;
 * - `domain-transfer`: a domain of the row belongs to another merchant (another ICE);
 * - `reinstatement`: a suspended or revoked merchant would become verified, or a revoked
 *   one suspended.
 */
export type ImportConflictKind = 'legal-entity-change' | 'domain-transfer' | 'reinstatement';

/** One side of a conflict: the registry's record, or what the file's row says. */
export interface ConflictSide {
  /** The merchant's id; null for the file side of a row that would create a merchant. */
  merchant: string | null;
  legalName: string;
  ice: string;
  status: MerchantRecord['status'];
  domains: string[];
}

export interface ImportConflict {
  line: number;
  kind: ImportConflictKind;
  /** The domains concerned (those of the row that the registry's merchant holds). */
  domains: string[];
  registry: ConflictSide;
  file: ConflictSide;
  message: string;
  /** True when imported (or, in a dry run, when it would be) with acceptConflicts. */
  accepted: boolean;
}

export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Bad rows: those with problems. */
  skipped: number;
  /** Rows left out because of a conflict that was not accepted. */
  conflicting: number;
  problems: ImportProblem[];
  conflicts: ImportConflict[];
  /** What the operator should check though nothing is refused: a domain like another merchant's. */
  warnings: ImportWarning[];
  /** False when nothing was written: a dry run, or problems or refused conflicts without --partial. */
  written: boolean;
}

export interface RegistryMerchant {
  id: string;
  record: MerchantRecord;
  /** The record's canonical JSON: a row that gives the same is unchanged. */
  canonical: string;
}

/** The registry as the plan needs it. */
export interface RegistryMerchants {
  byId: Map<string, RegistryMerchant>;
  idByIce: Map<string, string>;
  ownerOfDomain: Map<string, string>;
}

export interface ImportPlan {
  /** Counts, problems and conflicts; `written` is for the writer to set. */
  result: ImportResult;
  /** Records to write: the rows' merchants that change, and those that lose a domain. */
  changed: MerchantRecord[];
  /** A row is bad or in a refused conflict: all or nothing writes nothing. */
  blocked: boolean;
}

/** verified < suspended < revoked: a row may tighten a merchant's status, not ease it. */
const STATUS_STRICTNESS: Record<MerchantRecord['status'], number> = { verified: 0, suspended: 1, revoked: 2 };

function sideOf(record: Omit<MerchantRecord, 'id'>, merchant: string | null): ConflictSide {
  return {
    merchant,
    legalName: record.legalName,
    ice: record.ice,
    status: record.status,
    domains: [...record.domains],
  };
}

/** The conflicts a good row raises against the registry, before any is accepted. */
function conflictsOf(
  line: number,
  record: Omit<MerchantRecord, 'id'>,
  target: RegistryMerchant | undefined,
  registry: RegistryMerchants,
): ImportConflict[] {
  const conflicts: ImportConflict[] = [];
  const file = sideOf(record, target?.id ?? null);
  const conflict = (kind: ImportConflictKind, holder: RegistryMerchant, domains: string[], message: string) =>
    conflicts.push({ line, kind, domains, registry: sideOf(holder.record, holder.id), file, message, accepted: false });
  if (target && target.record.ice !== record.ice) {
    const held = record.domains.filter((domain) => registry.ownerOfDomain.get(domain) === target.id);
    conflict(
      'legal-entity-change',
      target,
      held,
      `merchant ${target.id} holds ${held.join(', ')}: its legal entity would change from ICE ${target.record.ice} (${target.record.legalName}) to ICE ${record.ice} (${record.legalName})`,
    );
  }
  const heldByOthers = new Map<string, string[]>();
  for (const domain of record.domains) {
    const owner = registry.ownerOfDomain.get(domain);
    if (owner !== undefined && owner !== target?.id)
      heldByOthers.set(owner, [...(heldByOthers.get(owner) ?? []), domain]);
  }
  for (const [owner, domains] of heldByOthers) {
    const holder = registry.byId.get(owner) as RegistryMerchant;
    conflict(
      'domain-transfer',
      holder,
      domains,
      `${domains.join(', ')} would move from merchant ${owner} (ICE ${holder.record.ice}, ${holder.record.legalName}) to ${target ? `merchant ${target.id}` : 'a new merchant'} (ICE ${record.ice}, ${record.legalName})`,
    );
  }
  if (target && STATUS_STRICTNESS[record.status] < STATUS_STRICTNESS[target.record.status]) {
    conflict(
      'reinstatement',
      target,
      [],
      `merchant ${target.id} (ICE ${target.record.ice}) would go from ${target.record.status} to ${record.status}`,
    );
  }
  return conflicts;
}

function slugFrom(domain: string): string {
  const label = domain.split('.')[0] ?? 'merchant';
  const slug = label
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+/, '')
    .slice(0, 60);
  return slug === '' ? 'merchant' : slug;
}

/** The plan for the rows as mapped (a candidate, or the problems of a bad row), in file order. */
export function planImport(
  mapped: ReadonlyArray<Candidate | ImportProblem[]>,
  registry: RegistryMerchants,
  accepting: boolean,
): ImportPlan {
  const problems: ImportProblem[] = [];
  const conflicts: ImportConflict[] = [];
  const iceLine = new Map<string, number>();
  const domainLine = new Map<string, number>();
  const targetLine = new Map<string, number>();
  const idsTaken = new Set(registry.byId.keys());
  const good: MerchantRecord[] = [];
  const goodLines: Array<{ line: number; record: MerchantRecord }> = [];
  const goodIds = new Set<string>();
  /** Domains that accepted transfers take away from merchants, by merchant. */
  const transferred = new Map<string, Set<string>>();
  const refusedLines = new Set<number>();
  for (const candidate of mapped) {
    if (Array.isArray(candidate)) {
      problems.push(...candidate);
      continue;
    }
    const { line, record, requestedId } = candidate;
    const rowProblems: ImportProblem[] = [];
    const problem = (column: string, message: string) => rowProblems.push({ line, column, message });
    const earlierIce = iceLine.get(record.ice);
    if (earlierIce !== undefined) problem('ice', `ICE ${record.ice} is also on line ${earlierIce}`);
    // Upsert by ICE, then by the one merchant holding the row's domains.
    let id = registry.idByIce.get(record.ice);
    if (id === undefined) {
      const owners = new Set(
        record.domains.map((domain) => registry.ownerOfDomain.get(domain)).filter((owner) => owner),
      );
      if (owners.size === 1) id = [...owners][0];
    }
    if (requestedId !== undefined && id !== undefined && requestedId !== id) {
      problem('id', `this merchant is already in the registry as ${id}`);
    }
    if (id === undefined && requestedId !== undefined && idsTaken.has(requestedId)) {
      problem('id', `${requestedId} is another merchant's id`);
    }
    // One by ICE and one by domain, two rows can name the same merchant: which one wins?
    const earlierTarget = id === undefined ? undefined : targetLine.get(id);
    if (earlierTarget !== undefined) problem('ice', `merchant ${id} is also the one of line ${earlierTarget}`);
    for (const domain of record.domains) {
      const earlier = domainLine.get(domain);
      if (earlier !== undefined) problem('domains', `${domain} is also on line ${earlier}`);
    }
    iceLine.set(record.ice, line);
    if (id !== undefined && earlierTarget === undefined) targetLine.set(id, line);
    for (const domain of record.domains) if (!domainLine.has(domain)) domainLine.set(domain, line);

    const target = id === undefined ? undefined : registry.byId.get(id);
    const rowConflicts = rowProblems.length > 0 ? [] : conflictsOf(line, record, target, registry);
    if (accepting) {
      // A merchant keeps at least one domain: one cannot be emptied by moving them all away
      // (unless an earlier row of the file gave it a new set of domains).
      for (const conflict of rowConflicts) {
        if (conflict.kind !== 'domain-transfer') continue;
        const holder = conflict.registry.merchant as string;
        if (goodIds.has(holder)) continue;
        const taken = new Set([...(transferred.get(holder) ?? []), ...conflict.domains]);
        if (conflict.registry.domains.every((domain) => taken.has(domain))) {
          problem('domains', `taking ${conflict.domains.join(', ')} would leave merchant ${holder} without a domain`);
        }
      }
    }
    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      continue;
    }
    for (const conflict of rowConflicts) conflict.accepted = accepting;
    conflicts.push(...rowConflicts);
    if (rowConflicts.length > 0 && !accepting) {
      refusedLines.add(line);
      continue;
    }
    if (id === undefined) {
      const base = requestedId ?? slugFrom(record.domains[0] as string);
      id = base;
      for (let n = 2; idsTaken.has(id); n++) id = `${base}-${n}`;
    }
    idsTaken.add(id);
    for (const conflict of rowConflicts) {
      conflict.file.merchant = id;
      if (conflict.kind !== 'domain-transfer') continue;
      const holder = conflict.registry.merchant as string;
      transferred.set(holder, new Set([...(transferred.get(holder) ?? []), ...conflict.domains]));
    }
    const kept = { id, ...record };
    good.push(kept);
    goodLines.push({ line, record: kept });
    goodIds.add(id);
  }

  const result: ImportResult = {
    rows: mapped.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: new Set(problems.map((problem) => problem.line)).size,
    conflicting: refusedLines.size,
    problems: problems.sort((a, b) => a.line - b.line),
    conflicts,
    warnings: lookalikeWarnings(goodLines, registry),
    written: false,
  };
  const changed: MerchantRecord[] = [];
  for (const record of good) {
    const existing = registry.byId.get(record.id);
    const same = existing !== undefined && existing.canonical === canonicalJson(record);
    if (!existing) result.created++;
    else if (same) result.unchanged++;
    else result.updated++;
    if (!same) changed.push(record);
  }
  // A merchant whose domains went to another, and that the file does not rewrite itself,
  // keeps its record without them. (When the file rewrites it, its row cannot list them:
  // a domain on two lines is a problem.)
  for (const [holder, domains] of transferred) {
    if (goodIds.has(holder)) continue;
    const record = (registry.byId.get(holder) as RegistryMerchant).record;
    changed.push({ ...record, domains: record.domains.filter((domain) => !domains.has(domain)) });
  }
  return { result, changed, blocked: problems.length > 0 || refusedLines.size > 0 };
}
