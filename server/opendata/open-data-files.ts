import {
  CSV_FILES,
  type CsvFile,
  OPEN_DATA_JSON,
  type OpenDataRelease,
  SUPPRESSIBLE_COLUMNS,
} from './open-data-schema.ts';

// The files of a release as served: open-data.json as stored, and each CSV rendered from
// it the same way every time (so its ETag holds). CSV per RFC 4180: a header line, CRLF
// line ends, UTF-8 without a byte-order mark, a field quoted when it holds a comma, a
// quote or a line break.

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
 * a trade name is registry text, so such a text cell gets a leading apostrophe, which
 * spreadsheets show as text and every other reader sees as part of the value.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(fields: readonly unknown[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** One table of the release as CSV; suppressed cells are empty and named in `suppressed`. */
export function renderCsv(release: OpenDataRelease, file: CsvFile): string {
  const suppressible = SUPPRESSIBLE_COLUMNS[file.table];
  const headers = file.columns.map((column) => column.header);
  let text = csvLine(suppressible.length > 0 ? [...headers, 'suppressed'] : headers);
  for (const row of release[file.table] as ReadonlyArray<Record<string, unknown>>) {
    const fields = file.columns.map((column) => row[column.key]);
    if (suppressible.length > 0) {
      const suppressed = file.columns
        .filter((column) => suppressible.includes(column.key) && row[column.key] === null)
        .map((column) => column.header);
      fields.push(suppressed.join(' '));
    }
    text += csvLine(fields);
  }
  return text;
}

export interface OpenDataFile {
  bytes: Uint8Array;
  contentType: string;
}

/** A named file of a stored release (its JSON text), or undefined for a name not released. */
export function openDataFile(releaseText: string, name: string): OpenDataFile | undefined {
  if (name === OPEN_DATA_JSON) {
    return { bytes: new TextEncoder().encode(`${releaseText}\n`), contentType: 'application/json' };
  }
  const file = CSV_FILES.find((candidate) => candidate.name === name);
  if (!file) return undefined;
  // Our own stored JSON, validated by the publish that wrote it.
  const release = JSON.parse(releaseText) as OpenDataRelease;
  return {
    bytes: new TextEncoder().encode(renderCsv(release, file)),
    contentType: 'text/csv; charset=utf-8; header=present',
  };
}
