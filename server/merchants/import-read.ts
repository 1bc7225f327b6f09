import { z } from 'zod';
import { CsvSyntaxError, parseCsv } from './csv-table.ts';
import { type Cell, KNOWN_HEADERS, REQUIRED_COLUMNS } from './import-columns.ts';
import { type CellRow, type ImportProblem, publishedMerchantRow, type Row, refusedRow } from './import-map.ts';

// The file of `thiqa import` → rows with their lines: a CSV file as spreadsheets write
// it, a JSON array of rows with the CSV's column names, or merchants in the directory's
// own form (`{"merchants": [...]}` or a snapshot file), read with the directory's schema.
// What stops the whole file (bad quoting, unknown or missing columns, not JSON) comes
// back as problems instead of rows.

export type ImportFile = { rows: Row[] } | { problems: ImportProblem[] };

/** Header names as people write them: case, spaces and dashes do not matter. */
const normalizeHeader = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export function readImportFile(fileName: string, content: string): ImportFile {
  return /\.json$/i.test(fileName) ? readJson(content) : readCsv(content);
}

function readCsv(content: string): ImportFile {
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(content);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      return { problems: [{ line: error.line, column: '(file)', message: error.message }] };
    throw error;
  }
  const headers = table.header.cells.map(normalizeHeader);
  const problems: ImportProblem[] = headers
    .filter((header) => !KNOWN_HEADERS.has(header))
    .map((header) => ({ line: table.header.line, column: header, message: 'unknown column' }));
  for (const { name } of REQUIRED_COLUMNS) {
    if (!headers.includes(name)) problems.push({ line: table.header.line, column: name, message: 'missing column' });
  }
  if (problems.length > 0) return { problems };
  const rows = table.records.map((record): Row => {
    if (record.cells.length > headers.length) {
      return refusedRow(record.line, ['(row)'], `${record.cells.length} cells for ${headers.length} columns`);
    }
    return { line: record.line, values: new Map(headers.map((header, index) => [header, record.cells[index] ?? ''])) };
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
  return { rows: json.map((entry, index) => jsonRow(entry, index + 1)) };
}

function jsonRow(entry: unknown, line: number): Row {
  const parsed = jsonRowSchema.safeParse(entry);
  if (!parsed.success) return refusedRow(line, ['(row)'], 'not an object of text or lists of text');
  const values: CellRow['values'] = new Map<string, Cell>();
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== null) values.set(normalizeHeader(key), value);
  }
  return { line, values };
}
