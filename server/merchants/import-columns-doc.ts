import { IMPORT_COLUMNS, type ImportColumn } from './import-columns.ts';

// The column table as people read it: in `thiqa import --help` and in README.md, whose
// table a test holds equal to importColumnsMarkdown().

/** Columns that read alike (one per social network) are described once. */
function columnGroups(): ImportColumn[][] {
  const groups: ImportColumn[][] = [];
  for (const column of IMPORT_COLUMNS) {
    const first = groups.at(-1)?.[0];
    if (first && first.doc === column.doc && first.required === column.required) groups.at(-1)?.push(column);
    else groups.push([column]);
  }
  return groups;
}

function headers(group: ImportColumn[], show: (header: string) => string): string {
  return group
    .map(({ name, aliases }) =>
      aliases.length > 0 ? `${show(name)} (or ${aliases.map(show).join(', ')})` : show(name),
    )
    .join(', ');
}

/** Biome pads a markdown table by characters: so does this. */
const widthOf = (text: string) => Array.from(text).length;

/** The column list of README.md's import section, as Biome formats a markdown table. */
export function importColumnsMarkdown(): string {
  const rows = [
    ['column', 'required', 'content'],
    ...columnGroups().map((group) => [
      headers(group, (header) => `\`${header}\``),
      group[0]?.required ? 'yes' : 'no',
      (group[0]?.doc ?? '').replaceAll('|', '\\|'),
    ]),
  ];
  const widths = [0, 1, 2].map((index) => Math.max(3, ...rows.map((cells) => widthOf(cells[index] ?? ''))));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, index) => cell + ' '.repeat((widths[index] ?? 0) - widthOf(cell))).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/** Words laid out in lines of at most `width` characters after the first line's indent. */
function wrap(words: string[], indent: string, hangingIndent: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const prefix = lines.length === 0 ? indent : hangingIndent;
    if (line !== '' && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push((lines.length === 0 ? indent : hangingIndent) + line);
  return lines;
}

/** One entry per column for `thiqa import --help`, the backticks of the docs left out. */
export function importColumnsHelp(indent: string, width = 96): string {
  return columnGroups()
    .flatMap((group) => {
      const required = group[0]?.required ? ' (required)' : '';
      const text = `${headers(group, (header) => header)}${required}: ${(group[0]?.doc ?? '').replaceAll('`', '')}`;
      return wrap(text.split(' '), indent, `${indent}  `, width);
    })
    .join('\n');
}
