import { CsvError, type Options, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

// CSV as spreadsheets write it: comma or semicolon separated (French-locale Excel uses
// `;`), UTF-8 with or without a byte-order mark, CRLF, LF or CR line ends, fields quoted
// with `"` (doubled inside), line breaks inside quoted fields. Each record keeps the line
// it starts on, so errors can name it. csv-parse reads it, as one string (tests, small
// files) or streamed chunk by chunk (`thiqa import`, the admin API): both with the same
// options, so both give the same records.

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  delimiter: ',' | ';';
  header: CsvRecord;
  records: CsvRecord[];
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * No merchant needs more: a record this long is a quote never closed swallowing the file,
 * or a file built to exhaust memory (a 10 MB cell). The parser stops there, naming the line.
 */
export const MAX_RECORD_BYTES = 64 * 1024;
/** The header line is read before the parser starts (to choose the separator). */
const MAX_HEADER_BYTES = MAX_RECORD_BYTES;

/** The header decides: column names never contain either separator. */
export function detectDelimiter(text: string): ',' | ';' {
  const firstLine = /^[^\r\n]*/.exec(text)?.[0] ?? '';
  const count = (char: string) => firstLine.split(char).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** One parse: the options, and a line counter fed as each record is read (before any error). */
function parserOptions(delimiter: ',' | ';', counter: LineCounter): Options {
  return {
    delimiter,
    bom: true,
    // Spaces around a quoted field ("  \"a;b\"  ") are the spreadsheet's, not the cell's.
    ltrim: true,
    rtrim: true,
    relax_quotes: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_BYTES,
    // The raw text of each record, to count the lines it spans (csv-parse's own count
    // takes a CRLF inside a quoted field for two lines).
    raw: true,
    // With `raw`, csv-parse hands on_record the record with its raw text (its types say otherwise).
    on_record: ((entry: RawRecord) => counter.take(entry.raw, entry.record) ?? null) as unknown as Options['on_record'],
  };
}

/** Counts lines record by record, from each record's raw text, and drops blank lines. */
class LineCounter {
  #next = 1;
  get next(): number {
    return this.#next;
  }
  take(raw: string, cells: string[]): CsvRecord | undefined {
    const line = this.#next;
    this.#next += raw.match(/\r\n|\r|\n/g)?.length ?? 0;
    // A blank line is not a record (spreadsheets often end with one or more).
    if (cells.length === 1 && cells[0]?.trim() === '') return undefined;
    return { line, cells };
  }
}

/** csv-parse's refusal in the words of an operator fixing a spreadsheet. */
function syntaxError(error: unknown, line: number): CsvSyntaxError {
  if (!(error instanceof CsvError)) throw error;
  const messages: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
    CSV_MAX_RECORD_SIZE: `a record longer than ${MAX_RECORD_BYTES.toLocaleString('en')} bytes (a quote never closed, or not a merchant file)`,
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
      'text after the closing quote of a field (a quote inside a quoted field is written "")',
    CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a field (a quote inside a quoted field is written "")',
  };
  return new CsvSyntaxError(line, messages[error.code] ?? `not CSV as expected (${error.code})`);
}

interface RawRecord {
  raw: string;
  record: string[];
}

export function parseCsv(input: string): CsvTable {
  const delimiter = detectDelimiter(input.replace(/^\uFEFF/, ''));
  const counter = new LineCounter();
  let records: CsvRecord[];
  try {
    records = parseSync(input, parserOptions(delimiter, counter)) as unknown as CsvRecord[];
  } catch (error) {
    throw syntaxError(error, counter.next);
  }
  const [header, ...rest] = records;
  if (!header) throw new CsvSyntaxError(1, 'the file is empty');
  return { delimiter, header, records: rest };
}

/** The first bytes up to the end of the first line, to choose the separator before parsing. */
async function* withHeaderPeek(
  source: AsyncIterable<Uint8Array>,
  onHeader: (text: string) => void,
): AsyncGenerator<Uint8Array> {
  const pending: Uint8Array[] = [];
  let size = 0;
  let decided = false;
  for await (const chunk of source) {
    if (decided) {
      yield chunk;
      continue;
    }
    pending.push(chunk);
    size += chunk.length;
    const head = Buffer.concat(pending).subarray(0, MAX_HEADER_BYTES).toString('utf8');
    if (/[\r\n]/.test(head) || size >= MAX_HEADER_BYTES) {
      onHeader(head);
      decided = true;
      yield* pending.splice(0);
    }
  }
  if (!decided) {
    onHeader(Buffer.concat(pending).toString('utf8'));
    yield* pending;
  }
}

/**
 * Records of a CSV byte stream, one at a time (the header first): memory holds one chunk
 * and one record, whatever the file's size. Throws CsvSyntaxError naming the line.
 */
export async function* streamCsv(source: AsyncIterable<Uint8Array>): AsyncGenerator<CsvRecord> {
  let delimiter: ',' | ';' = ',';
  const bytes = withHeaderPeek(source, (head) => {
    delimiter = detectDelimiter(head.replace(/^\uFEFF/, ''));
  });
  const first = await bytes.next();
  const counter = new LineCounter();
  const parser = parse(parserOptions(delimiter, counter));
  const feeding = (async () => {
    try {
      if (!first.done) parser.write(first.value);
      // A parser that failed (or a reader that stopped) drains no more: closing ends the wait.
      const closed = new Promise((resolve) => parser.once('close', resolve));
      for await (const chunk of bytes) {
        if (parser.destroyed) return;
        if (!parser.write(chunk)) await Promise.race([new Promise((resolve) => parser.once('drain', resolve)), closed]);
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  let seen = false;
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) {
      seen = true;
      yield record;
    }
  } catch (error) {
    throw syntaxError(error, counter.next);
  } finally {
    parser.destroy();
    await feeding;
  }
  if (!seen) throw new CsvSyntaxError(1, 'the file is empty');
}
