import { z } from 'zod';
import { type CsvRecord, CsvSyntaxError, parseCsv, streamCsv } from './csv-table.ts';
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

/** Unknown and missing columns: what stops a CSV file at its header. */
function headerProblems(header: CsvRecord): { headers: string[]; problems: ImportProblem[] } {
  const headers = header.cells.map(normalizeHeader);
  const problems: ImportProblem[] = headers
    .filter((name) => !KNOWN_HEADERS.has(name))
    .map((name) => ({ line: header.line, column: name, message: 'unknown column' }));
  for (const { name } of REQUIRED_COLUMNS) {
    if (!headers.includes(name)) problems.push({ line: header.line, column: name, message: 'missing column' });
  }
  return { headers, problems };
}

function csvRow(record: CsvRecord, headers: readonly string[]): Row {
  if (record.cells.length > headers.length) {
    return refusedRow(record.line, ['(row)'], `${record.cells.length} cells for ${headers.length} columns`);
  }
  return { line: record.line, values: new Map(headers.map((header, index) => [header, record.cells[index] ?? ''])) };
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
  const { headers, problems } = headerProblems(table.header);
  if (problems.length > 0) return { problems };
  return { rows: table.records.map((record) => csvRow(record, headers)) };
}

/** What stops a whole file (bad quoting, unknown or missing columns, not JSON), met while streaming it. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map((problem) => `${problem.line}: ${problem.message}`).join('; '));
  }
}

/** A JSON file is read whole (it is one value); past this it is refused before parsing. */
export const MAX_JSON_IMPORT_BYTES = 64 * 1024 * 1024;
const ROWS_PER_BATCH = 1_000;

/**
 * The rows of a file as it streams in, a batch at a time: a CSV file is parsed record by
 * record, so memory holds one batch whatever the file's size. Throws ImportFileError for
 * what stops the whole file, wherever in the file it is.
 */
export async function* readImportRows(fileName: string, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Row[]> {
  if (/\.json$/i.test(fileName)) {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of bytes) {
      size += chunk.length;
      if (size > MAX_JSON_IMPORT_BYTES) {
        throw new ImportFileError([{ line: 1, column: '(file)', message: 'a JSON import file is at most 64 MB' }]);
      }
      chunks.push(chunk);
    }
    const file = readJson(Buffer.concat(chunks).toString('utf8'));
    if ('problems' in file) throw new ImportFileError(file.problems);
    for (let start = 0; start < file.rows.length; start += ROWS_PER_BATCH) {
      yield file.rows.slice(start, start + ROWS_PER_BATCH);
    }
    return;
  }
  let headers: string[] | undefined;
  let batch: Row[] = [];
  try {
    for await (const record of streamCsv(bytes)) {
      if (!headers) {
        const header = headerProblems(record);
        if (header.problems.length > 0) throw new ImportFileError(header.problems);
        headers = header.headers;
        continue;
      }
      batch.push(csvRow(record, headers));
      if (batch.length >= ROWS_PER_BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new ImportFileError([{ line: error.line, column: '(file)', message: error.message }]);
    }
    throw error;
  }
  if (batch.length > 0) yield batch;
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
