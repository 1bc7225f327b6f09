import type { Kysely } from 'kysely';
import { z } from 'zod';
import { canonicalJson } from '../../src/directory/bytes.ts';
import { isValidIce } from '../../src/directory/ice.ts';
import {
  type Label,
  labelKindSchema,
  type Merchant,
  merchantSchema,
  socialNetworkSchema,
} from '../../src/directory/schemas.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { CsvSyntaxError, parseCsv } from './csv-table.ts';

// `thiqa import`: merchants from a spreadsheet (CSV) or JSON into the registry. Every
// bad row is reported with its line, column and reason; by default nothing is written
// unless every row is good. Rows are matched to existing merchants by ICE, then by
// domain, so importing the same file again changes nothing.
//
// A row may be well formed and still undo what the registry vouches for: a shop's domain
// going to another legal entity, or a suspended or revoked merchant coming back. Those
// are conflicts, not problems: refused unless the operator accepts them, and then the
// audit log keeps each one.

export type MerchantRecord = Omit<Merchant, 'complaints'>;

export interface ImportProblem {
  /** Line of the CSV file (or position of the entry in a JSON array), 1-based. */
  line: number;
  column: string;
  message: string;
}

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
  /** False when nothing was written: a dry run, or problems or refused conflicts without --partial. */
  written: boolean;
}

export interface ImportOptions {
  dryRun?: boolean;
  partial?: boolean;
  /** Import conflicting rows too (`--accept-conflicts`); each conflict goes to the audit log. */
  acceptConflicts?: boolean;
  now: Date;
  actor: string;
}

const SINGLE_COLUMNS = [
  'id',
  'domains',
  'legal_name',
  'trade_name',
  'trade_names',
  'ice',
  'rc',
  'city',
  'phone',
  'email',
  'status',
  'verified_at',
  'verified_by',
  'methods',
  'labels',
  'social',
] as const;
const NETWORK_COLUMNS = socialNetworkSchema.options.filter((network) => network !== 'other');
const KNOWN_COLUMNS = new Set<string>([...SINGLE_COLUMNS, ...NETWORK_COLUMNS]);
const REQUIRED_COLUMNS = ['domains', 'legal_name', 'ice', 'city', 'phone', 'status', 'verified_at', 'verified_by'];

/** Field of a merchant record → the column a user wrote it in. */
const COLUMN_OF_FIELD: Record<string, string> = {
  id: 'id',
  legalName: 'legal_name',
  tradeNames: 'trade_name',
  ice: 'ice',
  rc: 'rc',
  city: 'city',
  phone: 'phone',
  email: 'email',
  domains: 'domains',
  social: 'social',
  status: 'status',
  verification: 'verified_at',
  labels: 'labels',
};
const COLUMN_OF_VERIFICATION: Record<string, string> = { at: 'verified_at', by: 'verified_by', methods: 'methods' };

const LABEL_ALIASES: Record<string, z.infer<typeof labelKindSchema>> = {
  cmi: 'cmi-payment',
  fnem: 'fnem-member',
  ethiq: 'e-thiq',
};
const LABEL_ISSUERS: Record<z.infer<typeof labelKindSchema>, string> = {
  'e-thiq': 'Label e-thiq',
  cndp: 'CNDP',
  'cmi-payment': 'CMI',
  'fnem-member': 'FNEM',
  other: '',
};

export interface Row {
  line: number;
  values: Map<string, string | string[]>;
  /** Why the row cannot be read at all (too many cells, not an object). */
  malformed?: string;
  /** Label issuers as published, for merchants read in the directory's own form. */
  labelIssuers?: string[];
}

interface Candidate {
  line: number;
  /** The id the file asked for, if any. */
  requestedId: string | undefined;
  record: Omit<MerchantRecord, 'id'>;
}

const list = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : (value ?? '').split(';'))
    .map((item) => String(item).trim())
    .filter((item) => item !== '');

const normalizeHeader = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** E.164 from what people type: `0522-00 01 01`, `+212 522 000101`, `00212...`. */
export function normalizePhone(input: string): string {
  const compact = input.replace(/[\s.\-()/]/g, '');
  if (/^0[5-8]\d{8}$/.test(compact)) return `+212${compact.slice(1)}`;
  if (compact.startsWith('00')) return `+${compact.slice(2)}`;
  return compact;
}

function parseLabels(text: string | string[] | undefined, issuer: string): Label[] | string {
  const labels: Label[] = [];
  for (const entry of list(text)) {
    // kind[:reference][@validUntil], or [@issued..validUntil], or [@issued..] with no end
    const match = /^([a-z-]+)(?::([^@]+))?(?:@(?:(\d{4}-\d{2}-\d{2})\.\.)?(\d{4}-\d{2}-\d{2})?)?$/i.exec(entry);
    if (!match || entry.endsWith('@')) return `label "${entry}" is not kind[:reference][@[issued..]valid-until]`;
    const name = (match[1] as string).toLowerCase();
    const kind = labelKindSchema.safeParse(LABEL_ALIASES[name] ?? name);
    if (!kind.success) return `label kind "${name}" is not one of ${labelKindSchema.options.join(', ')}, cmi, fnem`;
    labels.push({
      kind: kind.data,
      issuer: LABEL_ISSUERS[kind.data] || issuer,
      reference: match[2]?.trim() ?? null,
      issued: match[3] ?? null,
      validUntil: match[4] ?? null,
    });
  }
  return labels;
}

function parseSocial(row: Row): MerchantRecord['social'] | string {
  const social: MerchantRecord['social'] = [];
  for (const entry of list(row.values.get('social'))) {
    const separator = entry.indexOf(':');
    const network = socialNetworkSchema.safeParse(entry.slice(0, separator).trim().toLowerCase());
    if (separator < 1 || !network.success)
      return `"${entry}" is not network:handle (${socialNetworkSchema.options.join(', ')})`;
    social.push({ network: network.data, handle: entry.slice(separator + 1).trim() });
  }
  for (const network of NETWORK_COLUMNS) {
    for (const handle of list(row.values.get(network))) social.push({ network, handle });
  }
  return social;
}

function text(row: Row, column: string): string {
  const value = row.values.get(column);
  return (Array.isArray(value) ? value.join('; ') : (value ?? '')).trim();
}

/** A row as a merchant record (without id), or the problems that stop it. */
function rowToCandidate(row: Row, today: string): Candidate | ImportProblem[] {
  const problems: ImportProblem[] = [];
  const problem = (column: string, message: string) => problems.push({ line: row.line, column, message });
  for (const column of REQUIRED_COLUMNS) if (text(row, column) === '') problem(column, 'is required');
  if (problems.length > 0) return problems;

  const domains: string[] = [];
  for (const input of list(row.values.get('domains'))) {
    const identity = resolveShopIdentity(input, SERVICE_PLATFORMS);
    if (!identity.ok) {
      problem(
        'domains',
        identity.cause === 'public-suffix'
          ? `${input} is a public suffix or shop platform, not a shop`
          : `${input} is not a shop domain (${identity.cause})`,
      );
      continue;
    }
    const { domain, host } = identity.identity;
    if (host !== domain && host !== `www.${domain}`) {
      problem('domains', `${input} is a subdomain: the shop is ${domain}`);
      continue;
    }
    if (!domains.includes(domain)) domains.push(domain);
  }
  const ice = text(row, 'ice').replace(/\s/g, '');
  if (!isValidIce(ice)) problem('ice', `${ice} is not a valid ICE (15 digits, divisible by 97)`);
  const verifiedAt = text(row, 'verified_at');
  if (/^\d{4}-\d{2}-\d{2}$/.test(verifiedAt) && verifiedAt > today) {
    problem('verified_at', `${verifiedAt} is in the future`);
  }
  const verifiedBy = text(row, 'verified_by');
  const labels = parseLabels(row.values.get('labels'), verifiedBy);
  if (typeof labels === 'string') problem('labels', labels);
  const social = parseSocial(row);
  if (typeof social === 'string') problem('social', social);
  if (problems.length > 0) return problems;

  const rc = text(row, 'rc');
  const email = text(row, 'email');
  const methods = list(row.values.get('methods'));
  const requestedId = text(row, 'id');
  const record = {
    // The id is settled against the registry later; a requested one must already be a slug.
    id: requestedId === '' ? 'placeholder' : requestedId,
    legalName: text(row, 'legal_name'),
    tradeNames: [...list(row.values.get('trade_name')), ...list(row.values.get('trade_names'))],
    ice,
    rc: rc === '' ? null : rc,
    city: text(row, 'city'),
    phone: normalizePhone(text(row, 'phone')),
    email: email === '' ? null : email.toLowerCase(),
    domains,
    social: social as MerchantRecord['social'],
    status: text(row, 'status').toLowerCase(),
    verification: { at: verifiedAt, by: verifiedBy, methods: methods.length > 0 ? methods : ['commercial-register'] },
    labels: labels as Label[],
    complaints: { open: {}, resolved: {} },
  };
  const parsed = merchantSchema.safeParse(record);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, second] = issue.path.map(String);
      const column =
        field === 'verification'
          ? (COLUMN_OF_VERIFICATION[second ?? ''] ?? 'verified_at')
          : COLUMN_OF_FIELD[field ?? ''];
      // Inside a list column, say which entry and which part of it.
      const inner = field === 'labels' || field === 'social' ? issue.path.slice(1) : [];
      const where =
        inner.length > 0
          ? `entry ${Number(inner[0]) + 1}${inner.length > 1 ? ` ${inner.slice(1).join('.')}` : ''}: `
          : '';
      problem(column ?? field ?? '(row)', `${where}${issue.message}`);
    }
    return problems;
  }
  const { id: _placeholder, complaints: _complaints, ...rest } = parsed.data;
  return { line: row.line, requestedId: requestedId === '' ? undefined : requestedId, record: rest };
}

/** Rows of a CSV file, or of a JSON file (an array of rows, or merchants as published). */
export type ImportFile = { rows: Row[] } | { problems: ImportProblem[] };

export function readImportFile(fileName: string, content: string): ImportFile {
  if (/\.json$/i.test(fileName)) return readJson(content);
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(content);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      return { problems: [{ line: error.line, column: '(file)', message: error.message }] };
    throw error;
  }
  const columns = table.header.cells.map(normalizeHeader);
  const problems: ImportProblem[] = columns
    .filter((column) => !KNOWN_COLUMNS.has(column))
    .map((column) => ({ line: table.header.line, column, message: 'unknown column' }));
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.includes(column)) problems.push({ line: table.header.line, column, message: 'missing column' });
  }
  if (problems.length > 0) return { problems };
  const rows = table.records.map((record) => {
    const values = new Map<string, string>();
    columns.forEach((column, index) => {
      values.set(column, record.cells[index] ?? '');
    });
    if (record.cells.length > columns.length) {
      return { line: record.line, values, malformed: `${record.cells.length} cells for ${columns.length} columns` };
    }
    return { line: record.line, values };
  });
  return { rows };
}

const jsonRowSchema = z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()]));

function readJson(content: string): ImportFile {
  let json: unknown;
  try {
    json = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { problems: [{ line: 1, column: '(file)', message: `not JSON (${(error as Error).message})` }] };
  }
  // A published snapshot or {merchants: [...]} holds merchants in the directory's own form.
  const container = json as { state?: { merchants?: unknown }; merchants?: unknown };
  const published = container?.state?.merchants ?? container?.merchants;
  if (Array.isArray(published)) {
    return { rows: published.map((merchant, index) => publishedMerchantRow(merchant, index + 1)) };
  }
  if (!Array.isArray(json)) {
    return {
      problems: [{ line: 1, column: '(file)', message: 'expected an array of rows, or an object with merchants' }],
    };
  }
  const rows = json.map((entry, index) => {
    const parsed = jsonRowSchema.safeParse(entry);
    const values = new Map<string, string | string[]>();
    if (!parsed.success) return { line: index + 1, values, malformed: 'not an object of text or lists of text' };
    for (const [key, value] of Object.entries(parsed.data)) {
      if (value !== null) values.set(normalizeHeader(key), value);
    }
    return { line: index + 1, values };
  });
  return { rows };
}

/** A merchant in the directory's JSON form, as the same columns a CSV row has. */
function publishedMerchantRow(entry: unknown, line: number): Row {
  const merchant = merchantSchema.partial().safeParse(entry);
  const values = new Map<string, string | string[]>();
  if (!merchant.success) return { line, values, malformed: 'not a merchant record' };
  const m = merchant.data;
  const set = (column: string, value: string | string[] | null | undefined) => {
    if (value !== null && value !== undefined) values.set(column, value);
  };
  set('id', m.id);
  set('domains', m.domains);
  set('legal_name', m.legalName);
  set('trade_name', m.tradeNames);
  set('ice', m.ice);
  set('rc', m.rc);
  set('city', m.city);
  set('phone', m.phone);
  set('email', m.email);
  set('status', m.status);
  set('verified_at', m.verification?.at);
  set('verified_by', m.verification?.by);
  set('methods', m.verification?.methods);
  set(
    'labels',
    m.labels?.map((label) => {
      const reference = label.reference ? `:${label.reference}` : '';
      const issued = label.issued === null ? '' : `${label.issued}..`;
      const validity = label.issued === null && label.validUntil === null ? '' : `@${issued}${label.validUntil ?? ''}`;
      return `${label.kind}${reference}${validity}`;
    }),
  );
  set(
    'social',
    m.social?.map((identity) => `${identity.network}:${identity.handle}`),
  );
  // The label syntax has no issuer (it defaults per kind); published issuers are kept.
  return m.labels ? { line, values, labelIssuers: m.labels.map((label) => label.issuer) } : { line, values };
}

// A JSON file may hold `"\ud800"`: JavaScript takes it, PostgreSQL's jsonb refuses the
// whole INSERT, and the import died with a stack trace instead of naming the row.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function illFormedColumns(row: Row): string[] {
  const columns = new Set<string>();
  for (const [column, value] of row.values) {
    if ((Array.isArray(value) ? value : [value]).some((text) => LONE_SURROGATE.test(text))) {
      columns.add(column === '(label-issuers)' ? 'labels' : column);
    }
  }
  return [...columns];
}

function slugFrom(domain: string): string {
  const label = domain.split('.')[0] ?? 'merchant';
  const slug = label
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+/, '')
    .slice(0, 60);
  return slug === '' ? 'merchant' : slug;
}

interface Existing {
  id: string;
  record: MerchantRecord;
  canonical: string;
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
  target: Existing | undefined,
  existingById: Map<string, Existing>,
  ownerOfDomain: Map<string, string>,
): ImportConflict[] {
  const conflicts: ImportConflict[] = [];
  const file = sideOf(record, target?.id ?? null);
  const conflict = (kind: ImportConflictKind, holder: Existing, domains: string[], message: string) =>
    conflicts.push({
      line,
      kind,
      domains,
      registry: sideOf(holder.record, holder.id),
      file,
      message,
      accepted: false,
    });
  if (target && target.record.ice !== record.ice) {
    const held = record.domains.filter((domain) => ownerOfDomain.get(domain) === target.id);
    conflict(
      'legal-entity-change',
      target,
      held,
      `merchant ${target.id} holds ${held.join(', ')}: its legal entity would change from ICE ${target.record.ice} (${target.record.legalName}) to ICE ${record.ice} (${record.legalName})`,
    );
  }
  const heldByOthers = new Map<string, string[]>();
  for (const domain of record.domains) {
    const owner = ownerOfDomain.get(domain);
    if (owner !== undefined && owner !== target?.id)
      heldByOthers.set(owner, [...(heldByOthers.get(owner) ?? []), domain]);
  }
  for (const [owner, domains] of heldByOthers) {
    const holder = existingById.get(owner) as Existing;
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

export async function importMerchants(
  db: Kysely<Database>,
  rows: Row[],
  options: ImportOptions,
): Promise<ImportResult> {
  const today = options.now.toISOString().slice(0, 10);
  const accepting = options.acceptConflicts === true;
  const problems: ImportProblem[] = [];
  const conflicts: ImportConflict[] = [];
  const existingById = new Map<string, Existing>();
  const idByIce = new Map<string, string>();
  for (const row of await db.selectFrom('merchants').select(['id', 'ice', 'record']).execute()) {
    const record = row.record as MerchantRecord;
    existingById.set(row.id, { id: row.id, record, canonical: canonicalJson(record) });
    idByIce.set(row.ice, row.id);
  }
  const ownerOfDomain = new Map<string, string>();
  for (const row of await db.selectFrom('merchant_domains').selectAll().execute()) {
    ownerOfDomain.set(row.domain, row.merchant_id);
  }

  const iceLine = new Map<string, number>();
  const domainLine = new Map<string, number>();
  const targetLine = new Map<string, number>();
  const idsTaken = new Set(existingById.keys());
  const good: MerchantRecord[] = [];
  const goodIds = new Set<string>();
  /** Domains that accepted transfers take away from merchants, by merchant. */
  const transferred = new Map<string, Set<string>>();
  const refusedLines = new Set<number>();
  for (const row of rows) {
    if (row.malformed) {
      problems.push({ line: row.line, column: '(row)', message: row.malformed });
      continue;
    }
    const illFormed = illFormedColumns(row);
    if (illFormed.length > 0) {
      for (const column of illFormed) {
        problems.push({ line: row.line, column, message: 'is not well-formed Unicode (a lone surrogate)' });
      }
      continue;
    }
    const candidate = rowToCandidate(row, today);
    if (Array.isArray(candidate)) {
      problems.push(...candidate);
      continue;
    }
    const issuers = row.labelIssuers;
    if (issuers) {
      candidate.record.labels = candidate.record.labels.map((label, index) => ({
        ...label,
        issuer: issuers[index] ?? label.issuer,
      }));
    }
    const rowProblems: ImportProblem[] = [];
    const { record } = candidate;
    const earlierIce = iceLine.get(record.ice);
    if (earlierIce !== undefined) {
      rowProblems.push({ line: row.line, column: 'ice', message: `ICE ${record.ice} is also on line ${earlierIce}` });
    }
    // Upsert by ICE, then by the one merchant holding the row's domains.
    let id = idByIce.get(record.ice);
    if (id === undefined) {
      const owners = new Set(record.domains.map((domain) => ownerOfDomain.get(domain)).filter((owner) => owner));
      if (owners.size === 1) id = [...owners][0];
    }
    if (candidate.requestedId !== undefined && id !== undefined && candidate.requestedId !== id) {
      rowProblems.push({
        line: row.line,
        column: 'id',
        message: `this merchant is already in the registry as ${id}`,
      });
    }
    if (id === undefined && candidate.requestedId !== undefined && idsTaken.has(candidate.requestedId)) {
      rowProblems.push({ line: row.line, column: 'id', message: `${candidate.requestedId} is another merchant's id` });
    }
    // One by ICE and one by domain, two rows can name the same merchant: which one wins?
    const earlierTarget = id === undefined ? undefined : targetLine.get(id);
    if (earlierTarget !== undefined) {
      rowProblems.push({
        line: row.line,
        column: 'ice',
        message: `merchant ${id} is also the one of line ${earlierTarget}`,
      });
    }
    for (const domain of record.domains) {
      const earlier = domainLine.get(domain);
      if (earlier !== undefined) {
        rowProblems.push({ line: row.line, column: 'domains', message: `${domain} is also on line ${earlier}` });
      }
    }
    iceLine.set(record.ice, row.line);
    if (id !== undefined && earlierTarget === undefined) targetLine.set(id, row.line);
    for (const domain of record.domains) if (!domainLine.has(domain)) domainLine.set(domain, row.line);

    const target = id === undefined ? undefined : existingById.get(id);
    const rowConflicts =
      rowProblems.length > 0 ? [] : conflictsOf(row.line, record, target, existingById, ownerOfDomain);
    if (accepting) {
      // A merchant keeps at least one domain: one cannot be emptied by moving them all away
      // (unless an earlier row of the file gave it a new set of domains).
      for (const conflict of rowConflicts) {
        if (conflict.kind !== 'domain-transfer') continue;
        const holder = conflict.registry.merchant as string;
        if (goodIds.has(holder)) continue;
        const taken = new Set([...(transferred.get(holder) ?? []), ...conflict.domains]);
        if (conflict.registry.domains.every((domain) => taken.has(domain))) {
          rowProblems.push({
            line: row.line,
            column: 'domains',
            message: `taking ${conflict.domains.join(', ')} would leave merchant ${holder} without a domain`,
          });
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
      refusedLines.add(row.line);
      continue;
    }
    if (id === undefined) {
      const base = candidate.requestedId ?? slugFrom(record.domains[0] as string);
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
    good.push({ id, ...record });
    goodIds.add(id);
  }

  const badLines = new Set(problems.map((problem) => problem.line)).size;
  const result: ImportResult = {
    rows: rows.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: badLines,
    conflicting: refusedLines.size,
    problems: problems.sort((a, b) => a.line - b.line),
    conflicts,
    written: false,
  };
  const changed: MerchantRecord[] = [];
  for (const record of good) {
    const existing = existingById.get(record.id);
    if (!existing) result.created++;
    else if (existing.canonical === canonicalJson(record)) result.unchanged++;
    else result.updated++;
    if (!existing || existing.canonical !== canonicalJson(record)) changed.push(record);
  }
  // A merchant whose domains went to another, and that the file does not rewrite itself,
  // keeps its record without them. (When the file rewrites it, its row cannot list them:
  // a domain on two lines is a problem.)
  for (const [holder, domains] of transferred) {
    if (goodIds.has(holder)) continue;
    const record = (existingById.get(holder) as Existing).record;
    changed.push({ ...record, domains: record.domains.filter((domain) => !domains.has(domain)) });
  }
  const blocked = problems.length > 0 || refusedLines.size > 0;
  if (options.dryRun || (blocked && !options.partial)) return result;
  if (changed.length > 0) await writeMerchants(db, changed, options, result);
  result.written = true;
  return result;
}

async function writeMerchants(
  db: Kysely<Database>,
  records: MerchantRecord[],
  options: ImportOptions,
  result: ImportResult,
): Promise<void> {
  const BATCH = 500;
  await db.transaction().execute(async (trx) => {
    // Every changed merchant lets go of its domains before any takes them again: a domain
    // moving between two merchants of different batches must be free when it is inserted.
    for (let start = 0; start < records.length; start += BATCH) {
      const ids = records.slice(start, start + BATCH).map((record) => record.id);
      await trx.deleteFrom('merchant_domains').where('merchant_id', 'in', ids).execute();
    }
    for (let start = 0; start < records.length; start += BATCH) {
      const batch = records.slice(start, start + BATCH);
      await trx
        .insertInto('merchants')
        .values(
          batch.map((record) => ({
            id: record.id,
            ice: record.ice,
            record: JSON.stringify(record),
            updated_at: options.now,
          })),
        )
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            ice: eb.ref('excluded.ice'),
            record: eb.ref('excluded.record'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
      await trx
        .insertInto('merchant_domains')
        .values(batch.flatMap((record) => record.domains.map((domain) => ({ domain, merchant_id: record.id }))))
        .execute();
    }
    await recordAudit(
      trx,
      {
        actor: options.actor,
        action: 'merchants.import',
        subject: `${records.length} merchants`,
        detail: { created: result.created, updated: result.updated, ids: records.slice(0, 50).map((r) => r.id) },
      },
      options.now,
    );
    // One line per accepted conflict, so that who let a domain change hands, or a revoked
    // merchant back, can be found by merchant.
    for (const conflict of result.conflicts) {
      if (!conflict.accepted) continue;
      await recordAudit(
        trx,
        {
          actor: options.actor,
          action: 'merchants.import-conflict',
          subject: conflict.registry.merchant as string,
          detail: {
            kind: conflict.kind,
            line: conflict.line,
            domains: conflict.domains,
            from: conflict.registry,
            to: conflict.file,
          },
        },
        options.now,
      );
    }
  });
}
