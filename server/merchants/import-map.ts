import type { z } from 'zod';
import { type Merchant, merchantSchema } from '../../src/directory/schemas.ts';
import {
  type Cell,
  checkVerifiedAt,
  columnAt,
  type FillContext,
  IMPORT_COLUMNS,
  type ImportColumn,
  listOf,
  type MerchantDraft,
  REQUIRED_COLUMNS,
  shopDomains,
  textOf,
} from './import-columns.ts';

// A row of the file → a merchant record, or the problems that stop it, each naming the
// row's line and the column at fault. Rows of text go through the column table and then
// the merchant schema; merchants in the directory's own form go through the schema as
// they are. Both then meet the rules a schema cannot know: a domain is a shop of its
// own, a verification is not dated after the import.

/** What the registry stores of a merchant: complaints and answers are counted at publish. */
export type MerchantRecord = Omit<Merchant, 'complaints' | 'answers'>;

export interface ImportProblem {
  /** Line of the CSV file (or position of the entry in a JSON array), 1-based. */
  line: number;
  column: string;
  message: string;
}

/** A row of text cells: a CSV record, or an object of a JSON array of rows. */
export interface CellRow {
  line: number;
  /** By header, as normalised (see KNOWN_HEADERS). */
  values: Map<string, Cell>;
}

/** The merchant schema as the import takes it: the id may be left to the import, complaints and answers come from moderation. */
const importedMerchantSchema = merchantSchema.partial({ id: true, complaints: true });

/** A merchant in the directory's own JSON form, read with the directory's schema. */
export interface MerchantRow {
  line: number;
  merchant: Omit<z.infer<typeof importedMerchantSchema>, 'complaints' | 'answers'>;
}

/** An entry the reader could not take at all (too many cells, not an object, not a merchant). */
export interface RefusedRow {
  line: number;
  problems: ImportProblem[];
}

export type Row = CellRow | MerchantRow | RefusedRow;

/** A good row: a merchant record, its id still to be settled against the registry. */
export interface Candidate {
  line: number;
  /** The id the file asked for, if any. */
  requestedId: string | undefined;
  record: Omit<MerchantRecord, 'id'>;
}

/** A row refused before its columns are read: one problem per column named. */
export function refusedRow(line: number, columns: readonly string[], message: string): RefusedRow {
  return { line, problems: [...new Set(columns)].map((column) => ({ line, column, message })) };
}

// A JSON file may hold `"\ud800"`: JavaScript takes it, PostgreSQL's jsonb refuses the
// whole INSERT, and the import died with a stack trace instead of naming the row.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ILL_FORMED = 'is not well-formed Unicode (a lone surrogate)';

/** Where in `value` a text holds a lone surrogate (one path stack: this runs on every cell). */
function illFormedPaths(value: unknown, path: PropertyKey[] = [], found: PropertyKey[][] = []): PropertyKey[][] {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) found.push([...path]);
  } else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      illFormedPaths(value[index], path, found);
      path.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      path.push(key);
      illFormedPaths(inner, path, found);
      path.pop();
    }
  }
  return found;
}

/** Nothing written in it: absent, null, or blank text or list. */
function isBlank(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return (typeof value === 'string' || Array.isArray(value)) && textOf(value as Cell) === '';
}

/** What stops a row before its columns are read: text PostgreSQL refuses, a required column left blank. */
function unreadable(
  line: number,
  illFormedColumns: string[],
  isBlankColumn: (column: ImportColumn) => boolean,
): RefusedRow | undefined {
  if (illFormedColumns.length > 0) return refusedRow(line, illFormedColumns, ILL_FORMED);
  const missing = REQUIRED_COLUMNS.filter(isBlankColumn).map((column) => column.name);
  return missing.length > 0 ? refusedRow(line, missing, 'is required') : undefined;
}

/** The schema's complaints about a record, each on the column it came from. */
function schemaProblem(line: number, issue: z.core.$ZodIssue): ImportProblem {
  const column = columnAt(issue.path);
  // Inside a list of entries with parts, say which entry and which part of it.
  const inner = column?.namesEntries ? issue.path.slice(column.field.length) : [];
  const where =
    inner.length > 0 ? `entry ${Number(inner[0]) + 1}${inner.length > 1 ? ` ${inner.slice(1).join('.')}` : ''}: ` : '';
  const fallback = issue.path[0] === undefined ? '(row)' : String(issue.path[0]);
  return { line, column: column?.name ?? fallback, message: `${where}${issue.message}` };
}

function parsedMerchant(line: number, input: unknown): MerchantRow | RefusedRow {
  const parsed = importedMerchantSchema.safeParse(input);
  if (!parsed.success) return { line, problems: parsed.error.issues.map((issue) => schemaProblem(line, issue)) };
  const { complaints: _complaints, answers: _answers, ...merchant } = parsed.data;
  return { line, merchant };
}

/** A merchant in the directory's own form (`{"merchants": [...]}`, a snapshot), as the directory's schema reads it. */
export function publishedMerchantRow(entry: unknown, line: number): MerchantRow | RefusedRow {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return refusedRow(line, ['(row)'], 'not a merchant record');
  }
  const illFormed = illFormedPaths(entry).map((path) => columnAt(path)?.name ?? String(path[0]));
  const valueAt = (column: ImportColumn) =>
    column.field.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], entry);
  return unreadable(line, illFormed, (column) => isBlank(valueAt(column))) ?? parsedMerchant(line, entry);
}

/** A column's cell; a column read under several headers gets all their entries. */
function cellOf(values: ReadonlyMap<string, Cell>, column: ImportColumn): Cell | undefined {
  if (column.aliases.length === 0) return values.get(column.name);
  const headers = [column.name, ...column.aliases].filter((header) => values.has(header));
  if (headers.length <= 1) return values.get(headers[0] ?? column.name);
  return headers.flatMap((header) => listOf(values.get(header)));
}

function emptyDraft(): MerchantDraft {
  return {
    id: '',
    legalName: '',
    tradeNames: [],
    ice: '',
    rc: null,
    city: '',
    phone: '',
    email: null,
    domains: [],
    social: [],
    status: '',
    verification: { at: '', by: '', methods: [] },
    labels: [],
  };
}

function merchantFromCells(row: CellRow, today: string): MerchantRow | RefusedRow {
  const { line, values } = row;
  const illFormed: string[] = [];
  for (const [header, cell] of values) if (illFormedPaths(cell).length > 0) illFormed.push(header);
  const refused = unreadable(line, illFormed, (column) => isBlank(cellOf(values, column)));
  if (refused) return refused;

  const problems: ImportProblem[] = [];
  const draft = emptyDraft();
  let filling = '';
  const context: FillContext = {
    text: (header) => textOf(values.get(header)),
    today,
    refuse: (message) => problems.push({ line, column: filling, message }),
  };
  for (const column of IMPORT_COLUMNS) {
    filling = column.name;
    column.fill(draft, cellOf(values, column), context);
  }
  if (problems.length > 0) return { line, problems };
  return parsedMerchant(line, { ...draft, id: draft.id === '' ? undefined : draft.id });
}

/** A published merchant meets here the rules a row of text meets cell by cell. */
function checkedPublished(row: MerchantRow, today: string): MerchantRow | RefusedRow {
  const problems: ImportProblem[] = [];
  const refuse = (column: string) => (message: string) => problems.push({ line: row.line, column, message });
  const domains = shopDomains(row.merchant.domains, refuse('domains'));
  checkVerifiedAt(row.merchant.verification.at, today, refuse('verified_at'));
  return problems.length > 0
    ? { line: row.line, problems }
    : { line: row.line, merchant: { ...row.merchant, domains } };
}

/** A row as a merchant record (without id), or the problems that stop it. */
export function mapRow(row: Row, today: string): Candidate | ImportProblem[] {
  const mapped =
    'values' in row ? merchantFromCells(row, today) : 'merchant' in row ? checkedPublished(row, today) : row;
  if ('problems' in mapped) return mapped.problems;
  const { id, ...record } = mapped.merchant;
  return { line: row.line, requestedId: id, record };
}
