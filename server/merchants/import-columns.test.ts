import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS, KNOWN_HEADERS } from './import-columns.ts';
import { importColumnsMarkdown } from './import-columns-doc.ts';
import { IMPORT_HELP } from './import-command.ts';
import { readImportFile } from './import-read.ts';

// The column table is the one description of an import file: what the reader takes,
// what `thiqa import --help` says and what docs/operating.md says must be the same list.

describe('the import column table', () => {
  it('is the operator docs’ column list, exactly', async () => {
    const readme = (await readFile(new URL('../../docs/operating.md', import.meta.url), 'utf8')).split('\n');
    const section = readme.slice(readme.indexOf('### Columns'));
    const start = section.findIndex((line) => line.startsWith('|'));
    const end = section.findIndex((line, index) => index > start && !line.startsWith('|'));
    expect(start, 'docs/operating.md has a table under "### Columns"').toBeGreaterThan(0);
    // On a difference, paste importColumnsMarkdown() over the table.
    expect(section.slice(start, end).join('\n')).toBe(importColumnsMarkdown());
  });

  it('is the column list of thiqa import --help, required columns marked', () => {
    const listed = IMPORT_HELP.split('\n').filter((line) => /^ {4}\S/.test(line));
    const headers = listed.flatMap((line) => (/^ {4}([^:]+):/.exec(line)?.[1] ?? '').split(', '));
    expect(headers).toEqual(
      IMPORT_COLUMNS.map(({ name, aliases, required }) =>
        [name, ...aliases.map((alias) => `(or ${alias})`), ...(required ? ['(required)'] : [])].join(' '),
      ),
    );
  });

  it('is every header a CSV file may have, and no other', () => {
    const header = [...KNOWN_HEADERS].map((name) => name.toUpperCase().replaceAll('_', ' ')).join(';');
    expect(readImportFile('all.csv', `${header}\n`)).toEqual({ rows: [] });
    expect(readImportFile('more.csv', `${header};colour\n`)).toEqual({
      problems: [{ line: 1, column: 'colour', message: 'unknown column' }],
    });
  });
});
