import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv-table.ts';

describe('parseCsv', () => {
  it.each([
    ['comma, LF', 'a,b\n1,2\n', ','],
    ['semicolon (French Excel), CRLF, BOM', '\uFEFFa;b\r\n1;2\r\n', ';'],
    ['no final line break', 'a,b\n1,2', ','],
    ['blank lines at the end', 'a;b\r\n1;2\r\n\r\n\r\n', ';'],
  ])('reads %s', (_, text, delimiter) => {
    expect(parseCsv(text)).toEqual({
      delimiter,
      header: { line: 1, cells: ['a', 'b'] },
      records: [{ line: 2, cells: ['1', '2'] }],
    });
  });

  it('reads quoted fields with separators, doubled quotes and line breaks, and counts lines', () => {
    const table = parseCsv(
      'name;domains;note\r\n"Dar ""Argan""";"a.ma;b.ma";"line one\r\nline two"\r\nدار أركان;c.ma;\r\n',
    );
    expect(table.records).toEqual([
      { line: 2, cells: ['Dar "Argan"', 'a.ma;b.ma', 'line one\r\nline two'] },
      { line: 4, cells: ['دار أركان', 'c.ma', ''] },
    ]);
  });

  it('names the line of a quote never closed', () => {
    expect(() => parseCsv('a,b\n1,2\n"open,3\n')).toThrow(new CsvSyntaxError(3, 'a quoted field is never closed'));
  });
});
