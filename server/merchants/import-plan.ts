import { canonicalJson } from '../../src/directory/bytes.ts';
import type { ImportWarning } from './import-lookalikes.ts';
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
  /**
   * Set when the look-alike check did not run: the file brings more new domains than it
   * checks (MAX_LOOKALIKE_CHECKED_DOMAINS), the count of those domains.
   */
  lookalikesNotChecked?: number;
  /** False when nothing was written: a dry run, or problems or refused conflicts without --partial. */
  written: boolean;
}

export interface RegistryMerchant {
  id: string;
  record: MerchantRecord;
  /** The record's canonical JSON: a row that gives the same is unchanged. */
  canonical: string;
}

/**
 * The registry as the plan needs it: every merchant's id, ICE and domains (small strings,
 * held whole), and the full records of only the merchants the rows at hand touch
 * (`byId`, filled batch by batch through `merchantsToFetch`).
 */
export interface RegistryMerchants {
  ids: Set<string>;
  byId: Map<string, RegistryMerchant>;
  idByIce: Map<string, string>;
  ownerOfDomain: Map<string, string>;
}

/** The merchants whose records the planner reads for these rows: by ICE and by domain. */
export function merchantsToFetch(
  mapped: ReadonlyArray<Candidate | ImportProblem[]>,
  registry: RegistryMerchants,
): Set<string> {
  const ids = new Set<string>();
  for (const candidate of mapped) {
    if (Array.isArray(candidate)) continue;
    const byIce = registry.idByIce.get(candidate.record.ice);
    if (byIce !== undefined) ids.add(byIce);
    for (const domain of candidate.record.domains) {
      const owner = registry.ownerOfDomain.get(domain);
      if (owner !== undefined) ids.add(owner);
    }
  }
  return ids;
}

/** A kept row as the look-alike check needs it. */
export interface GoodRow {
  line: number;
  id: string;
  ice: string;
  domains: readonly string[];
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

/** Past this many, problems are counted but not listed: a garbage file must not fill memory with them. */
export const MAX_LISTED_PROBLEMS = 10_000;

/**
 * The plan, row by row in file order (a candidate, or the problems of a bad row): what
 * each file row must remember of the others is small (its ICE, domains and merchant id),
 * and each changed record goes out through `onChanged` as soon as it is known, so the
 * plan of a file of any size holds no records. The caller puts into `registry.byId` the
 * records `merchantsToFetch` names before adding a batch.
 */
export class ImportPlanner {
  readonly #registry: RegistryMerchants;
  readonly #accepting: boolean;
  readonly #onChanged: (record: MerchantRecord) => void;
  readonly #problems: ImportProblem[] = [];
  #unlistedProblems = 0;
  readonly #problemLines = new Set<number>();
  readonly #conflicts: ImportConflict[] = [];
  readonly #iceLine = new Map<string, number>();
  readonly #domainLine = new Map<string, number>();
  readonly #targetLine = new Map<string, number>();
  readonly #idsTaken: Set<string>;
  readonly #goodIds = new Set<string>();
  /** Domains that accepted transfers take away from merchants, by merchant, with its record. */
  readonly #transferred = new Map<string, { record: MerchantRecord; domains: Set<string> }>();
  readonly #refusedLines = new Set<number>();
  readonly good: GoodRow[] = [];
  readonly #counts = { rows: 0, created: 0, updated: 0, unchanged: 0 };

  constructor(registry: RegistryMerchants, accepting: boolean, onChanged: (record: MerchantRecord) => void) {
    this.#registry = registry;
    this.#accepting = accepting;
    this.#onChanged = onChanged;
    this.#idsTaken = new Set(registry.ids);
  }

  #addProblems(problems: readonly ImportProblem[]): void {
    for (const problem of problems) {
      this.#problemLines.add(problem.line);
      if (this.#problems.length < MAX_LISTED_PROBLEMS) this.#problems.push(problem);
      else this.#unlistedProblems++;
    }
  }

  add(candidate: Candidate | ImportProblem[]): void {
    this.#counts.rows++;
    if (Array.isArray(candidate)) {
      this.#addProblems(candidate);
      return;
    }
    const registry = this.#registry;
    const { line, record, requestedId } = candidate;
    const rowProblems: ImportProblem[] = [];
    const problem = (column: string, message: string) => rowProblems.push({ line, column, message });
    const earlierIce = this.#iceLine.get(record.ice);
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
    if (id === undefined && requestedId !== undefined && this.#idsTaken.has(requestedId)) {
      problem('id', `${requestedId} is another merchant's id`);
    }
    // One by ICE and one by domain, two rows can name the same merchant: which one wins?
    const earlierTarget = id === undefined ? undefined : this.#targetLine.get(id);
    if (earlierTarget !== undefined) problem('ice', `merchant ${id} is also the one of line ${earlierTarget}`);
    for (const domain of record.domains) {
      const earlier = this.#domainLine.get(domain);
      if (earlier !== undefined) problem('domains', `${domain} is also on line ${earlier}`);
    }
    this.#iceLine.set(record.ice, line);
    if (id !== undefined && earlierTarget === undefined) this.#targetLine.set(id, line);
    for (const domain of record.domains) if (!this.#domainLine.has(domain)) this.#domainLine.set(domain, line);

    const target = id === undefined ? undefined : registry.byId.get(id);
    const rowConflicts = rowProblems.length > 0 ? [] : conflictsOf(line, record, target, registry);
    if (this.#accepting) {
      // A merchant keeps at least one domain: one cannot be emptied by moving them all away
      // (unless an earlier row of the file gave it a new set of domains).
      for (const conflict of rowConflicts) {
        if (conflict.kind !== 'domain-transfer') continue;
        const holder = conflict.registry.merchant as string;
        if (this.#goodIds.has(holder)) continue;
        const taken = new Set([...(this.#transferred.get(holder)?.domains ?? []), ...conflict.domains]);
        if (conflict.registry.domains.every((domain) => taken.has(domain))) {
          problem('domains', `taking ${conflict.domains.join(', ')} would leave merchant ${holder} without a domain`);
        }
      }
    }
    if (rowProblems.length > 0) {
      this.#addProblems(rowProblems);
      return;
    }
    for (const conflict of rowConflicts) conflict.accepted = this.#accepting;
    this.#conflicts.push(...rowConflicts);
    if (rowConflicts.length > 0 && !this.#accepting) {
      this.#refusedLines.add(line);
      return;
    }
    if (id === undefined) {
      const base = requestedId ?? slugFrom(record.domains[0] as string);
      id = base;
      for (let n = 2; this.#idsTaken.has(id); n++) id = `${base}-${n}`;
    }
    this.#idsTaken.add(id);
    for (const conflict of rowConflicts) {
      conflict.file.merchant = id;
      if (conflict.kind !== 'domain-transfer') continue;
      const holder = conflict.registry.merchant as string;
      const holderRecord = (registry.byId.get(holder) as RegistryMerchant).record;
      const entry = this.#transferred.get(holder) ?? { record: holderRecord, domains: new Set<string>() };
      for (const domain of conflict.domains) entry.domains.add(domain);
      this.#transferred.set(holder, entry);
    }
    const kept: MerchantRecord = { id, ...record };
    this.good.push({ line, id, ice: record.ice, domains: record.domains });
    this.#goodIds.add(id);
    const existing = registry.byId.get(id);
    const same = existing !== undefined && existing.canonical === canonicalJson(kept);
    if (!existing) this.#counts.created++;
    else if (same) this.#counts.unchanged++;
    else this.#counts.updated++;
    if (!same) this.#onChanged(kept);
  }

  /**
   * The result, once every row is in (warnings are the look-alike check's, added after).
   * A merchant whose domains went to another, and that the file does not rewrite itself,
   * keeps its record without them: those go out through `onChanged` now. (When the file
   * rewrites it, its row cannot list them: a domain on two lines is a problem.)
   */
  finish(): { result: ImportResult; blocked: boolean; goodIds: ReadonlySet<string> } {
    for (const [holder, { record, domains }] of this.#transferred) {
      if (this.#goodIds.has(holder)) continue;
      this.#onChanged({ ...record, domains: record.domains.filter((domain) => !domains.has(domain)) });
    }
    const problems = this.#problems.sort((a, b) => a.line - b.line);
    if (this.#unlistedProblems > 0) {
      problems.push({
        line: problems.at(-1)?.line ?? 1,
        column: '(file)',
        message: `and ${this.#unlistedProblems.toLocaleString('en')} more problems, not listed`,
      });
    }
    const result: ImportResult = {
      ...this.#counts,
      skipped: this.#problemLines.size,
      conflicting: this.#refusedLines.size,
      problems,
      conflicts: this.#conflicts,
      warnings: [],
      written: false,
    };
    return { result, blocked: this.#problemLines.size > 0 || this.#refusedLines.size > 0, goodIds: this.#goodIds };
  }
}
