import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, MAX_RECORD_BYTES, parseCsv, streamCsv } from './csv-table.ts';
import { type ImportProblem, mapRow, type Row } from './import-map.ts';
import { ImportFileError, readImportFile, readImportRows } from './import-read.ts';

// The streamed reader (thiqa import, the admin API) against the whole-text one, and
// against hostile files: whatever the chunking, the same records on the same lines; what
// a spreadsheet or an attacker can put in a file ends as a named problem, never a crash
// or a file held whole in memory.

const TODAY = '2026-11-27';
const HEADER = 'domains;legal_name;trade_name;ice;city;phone;status;verified_at;verified_by';
const GOOD =
  'atlas-electro.test;Atlas Électro SARL;Atlas;001520003000037;Casablanca;0522000101;verified;2026-09-14;FDEC';

/** The text's bytes in chunks of `size`, cutting multi-byte letters and CRLFs in two. */
async function* chunks(text: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function streamed(text: string, size: number) {
  const records = [];
  for await (const record of streamCsv(chunks(text, size))) records.push(record);
  return records;
}

async function streamedRows(text: string, size = 5): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of readImportRows('upload.csv', chunks(text, size))) rows.push(...batch);
  return rows;
}

async function fileProblems(text: string | Uint8Array, size = 4096): Promise<ImportProblem[]> {
  try {
    for await (const _ of readImportRows('upload.csv', chunks(text, size))) {
      // read on
    }
  } catch (error) {
    if (error instanceof ImportFileError) return error.problems;
    throw error;
  }
  return [];
}

describe('streamed CSV', () => {
  const files = [
    ['French Excel: BOM, semicolons, CRLF', `\uFEFF${HEADER}\r\n${GOOD}\r\n`],
    [
      'quoted separators, doubled quotes, CRLF inside a cell, Arabic',
      `name;domains;note\r\n"Dar ""Argan""";"a.ma;b.ma";"line one\r\nline two"\r\nدار أركان;c.ma;\r\n`,
    ],
    ['old Mac CR line ends and blank lines', 'a,b\r1,2\r\r\r3,"x\ry"\r4,5'],
    ['spaces around a quoted cell, more cells than columns', 'a;b\n  "q;r"  ;2;3\n\n'],
  ];
  it.each(files)('gives the records parseCsv gives, on the same lines, in any chunking: %s', async (_, text) => {
    const whole = parseCsv(text);
    for (const size of [1, 2, 3, 7, 64 * 1024]) {
      expect(await streamed(text, size)).toEqual([whole.header, ...whole.records]);
    }
  });

  it('gives the rows readImportFile gives', async () => {
    const text = `\uFEFF${HEADER}\r\n${GOOD}\r\n\r\nbad-shop.test;;;123;Rabat;x;unknown;2099-01-01;\r\n`;
    const whole = readImportFile('upload.csv', text);
    expect(await streamedRows(text, 3)).toEqual('rows' in whole ? whole.rows : []);
  });

  it('refuses bad rows with their lines as before, the file streamed', async () => {
    const text = `${HEADER}\n${GOOD}\n"bad-shop.test";Bad;;12;Rabat;0522000101;verified;2026-09-14;FDEC\n`;
    const problems = (await streamedRows(text)).flatMap((row) => {
      const mapped = mapRow(row, TODAY);
      return Array.isArray(mapped) ? mapped : [];
    });
    expect(problems).toEqual([expect.objectContaining({ line: 3, column: 'ice' })]);
  });

  it('names unknown and missing columns on the header line', async () => {
    expect(await fileProblems('domains;colour\nx.test;red\n')).toContainEqual({
      line: 1,
      column: 'colour',
      message: 'unknown column',
    });
  });
});

describe('hostile CSV files', () => {
  it('names the line of a quote never closed, deep in the file', async () => {
    const text = `${HEADER}\n${`${GOOD.replace('001520003000037', '002345678000031')}\n`}${GOOD}\n"never closed;x\n${GOOD}\n`;
    expect(await fileProblems(text, 7)).toEqual([
      { line: 4, column: '(file)', message: 'a quoted field is never closed' },
    ]);
  });

  it('stops at a 10 MB cell with the line of its record, reading no more than the cap', async () => {
    const huge = new Uint8Array(10 * 1024 * 1024).fill(0x61);
    const text = Buffer.concat([Buffer.from(`${HEADER}\n${GOOD}\n`), huge, Buffer.from('\n')]);
    let read = 0;
    async function* counted() {
      for await (const chunk of chunks(text, 64 * 1024)) {
        read += chunk.length;
        yield chunk;
      }
    }
    const problems: ImportProblem[] = [];
    await (async () => {
      for await (const _ of readImportRows('upload.csv', counted())) {
        // read on
      }
    })().catch((error) => problems.push(...(error as ImportFileError).problems));
    expect(problems).toEqual([
      {
        line: 3,
        column: '(file)',
        message: `a record longer than ${MAX_RECORD_BYTES.toLocaleString('en')} bytes (a quote never closed, or not a merchant file)`,
      },
    ]);
    // The parser gave up within a few chunks of the cap, not at the end of the file.
    expect(read).toBeLessThan(MAX_RECORD_BYTES * 4);
  });

  it('names a cell holding NUL bytes, on its line and column', async () => {
    const rows = await streamedRows(`${HEADER}\n${GOOD.replace('Atlas Électro SARL', 'Atlas\u0000SARL')}\n`);
    const mapped = mapRow(rows[0] as Row, TODAY);
    expect(mapped).toEqual([expect.objectContaining({ line: 2, column: 'legal_name' })]);
  });

  it('reads a BOM and CRLF file cut anywhere into chunks', async () => {
    const rows = await streamedRows(`\uFEFF${HEADER}\r\n${GOOD}\r\n`, 1);
    expect(rows).toHaveLength(1);
    expect(mapRow(rows[0] as Row, TODAY)).toMatchObject({ line: 2, record: { legalName: 'Atlas Électro SARL' } });
  });

  it('keeps a formula-like name as text (the open data defuses it) and refuses a formula for a phone', async () => {
    const formula = '=HYPERLINK("https://evil.test";"click")';
    const row = GOOD.replace('Atlas Électro SARL', `"${formula.replaceAll('"', '""')}"`);
    const [named] = await streamedRows(`${HEADER}\n${row}\n`);
    expect(mapRow(named as Row, TODAY)).toMatchObject({ record: { legalName: formula } });
    const [phone] = await streamedRows(`${HEADER}\n${GOOD.replace('0522000101', '=1+2')}\n`);
    expect(mapRow(phone as Row, TODAY)).toEqual([expect.objectContaining({ line: 2, column: 'phone' })]);
  });

  it('says an empty file is empty', async () => {
    expect(await fileProblems('')).toEqual([{ line: 1, column: '(file)', message: 'the file is empty' }]);
    expect(await fileProblems('\uFEFF\r\n\r\n')).toEqual([{ line: 1, column: '(file)', message: 'the file is empty' }]);
  });

  it('throws CsvSyntaxError from the whole-text parser for the same faults', () => {
    expect(() => parseCsv(`a;b\n${'x'.repeat(MAX_RECORD_BYTES + 1)};2\n`)).toThrow(CsvSyntaxError);
  });
});
