import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FORMULA_TRADE_NAME,
  type OpenDataService,
  openOpenDataService,
  PERSONAL_MARKERS,
} from '../../test/support/open-data-registry.ts';
import { OpenDataPieces } from '../directory/publication-build.ts';
import { csvField } from './open-data-files.ts';
import { buildOpenDataRelease, openDataReleaseText } from './open-data-release.ts';
import {
  CSV_FILES,
  OPEN_DATA_FILE_NAMES,
  type OpenDataRelease,
  openDataReleaseSchema,
  SUPPRESSIBLE_COLUMNS,
} from './open-data-schema.ts';

// The open data released with a publication, as a reuser downloads it: every file valid
// against its schema, small counts suppressed, no person's text anywhere, CSV that a
// spreadsheet opens without running anything.

let service: OpenDataService;
let release: OpenDataRelease;

beforeAll(async () => {
  service = await openOpenDataService();
  const response = await service.send('GET', '/v1/open-data/latest/open-data.json');
  expect(response.status).toBe(200);
  release = openDataReleaseSchema.parse(await response.json());
}, 60_000);
afterAll(() => service.close());

/** RFC 4180 records: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    const next = text[i + 1];
    i += 1;
    if (quoted && char === '"' && next === '"') {
      field += '"';
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (quoted) {
      field += char;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && next === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else {
      field += char;
    }
  }
  expect(field, 'the file ends with CRLF').toBe('');
  return records;
}

describe('the open data of a publication', () => {
  it('is released with the version, and each CSV holds the JSON table it names', async () => {
    expect(release).toMatchObject({ version: 2, publishedAt: '2026-11-27T10:00:00.000Z', suppressionThreshold: 5 });
    for (const file of CSV_FILES) {
      const response = await service.send('GET', `/v1/open-data/latest/${file.name}`);
      expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8; header=present');
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)], 'no byte-order mark').not.toEqual([0xef, 0xbb, 0xbf]);
      const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
      const suppressible = SUPPRESSIBLE_COLUMNS[file.table].length > 0;
      expect(header).toEqual([...file.columns.map((column) => column.header), ...(suppressible ? ['suppressed'] : [])]);
      const table = release[file.table] as ReadonlyArray<Record<string, unknown>>;
      expect(rows.length, file.name).toBe(table.length);
      for (const [index, row] of rows.entries()) {
        const values = file.columns.map((column) => {
          const value = table[index]?.[column.key];
          return value === null ? '' : String(value);
        });
        expect(row.slice(0, file.columns.length).map((cell) => cell.replace(/^'(?=[=+\-@])/, ''))).toEqual(values);
      }
    }
  });

  it('suppresses a month’s count of 1 to 4, and says so in the CSV', async () => {
    expect(release.complaintsByMonth).toContainEqual({
      month: '2026-09',
      category: 'fraud',
      opened: null,
      resolved: 0,
      unanswered: 0,
      unfounded: 0,
    });
    expect(release.complaintsByMonth).toContainEqual({
      month: '2026-09',
      category: 'non-delivery',
      opened: 6,
      resolved: 5,
      unanswered: 0,
      unfounded: 0,
    });
    // 2 rejected: hidden, and so are the total and the accepted that would give it back.
    expect(release.moderation).toContainEqual({
      month: '2026-09',
      received: null,
      accepted: null,
      rejected: null,
      withdrawn: 0,
      medianDaysToDecision: 2,
    });
    expect(release.contests).toEqual([
      { month: '2026-10', kind: 'complaint', outcome: 'dismissed', count: 6 },
      { month: '2026-10', kind: 'flag', outcome: 'upheld', count: null },
    ]);
    const csv = await (await service.send('GET', '/v1/open-data/latest/complaints-by-month.csv')).text();
    expect(csv).toContain('\r\n2026-09,fraud,,0,0,0,opened\r\n');
    const moderation = await (await service.send('GET', '/v1/open-data/latest/moderation.csv')).text();
    expect(moderation).toContain('\r\n2026-09,,,,0,2,received accepted rejected\r\n');
    const contests = await (await service.send('GET', '/v1/open-data/latest/contests.csv')).text();
    expect(contests).toBe(
      'month,kind,outcome,count,suppressed\r\n2026-10,complaint,dismissed,6,\r\n2026-10,flag,upheld,,count\r\n',
    );
  });

  it('keeps the listed merchant’s answer figures exact', () => {
    // Nine sent: the three fraud complaints went to the merchant on acceptance, as the six
    // non-delivery ones did; four of them answered.
    expect(release.merchants.find((row) => row.merchantId === service.merchantId)).toMatchObject({
      complaintsSent: 9,
      answered: 4,
      answerShare: 0.444,
      medianDaysToAnswer: 3,
    });
    expect(release.merchants.length).toBe(service.bundled.state.merchants.length);
  });

  it('holds no text a shopper, a merchant, a contester or a moderator wrote', async () => {
    for (const name of OPEN_DATA_FILE_NAMES) {
      const text = await (await service.send('GET', `/v1/open-data/latest/${name}`)).text();
      for (const [what, marker] of Object.entries(PERSONAL_MARKERS)) {
        expect(text.toLowerCase().includes(marker.toLowerCase()), `${name} holds the ${what}`).toBe(false);
      }
      expect(text).not.toMatch(/zq91/i);
    }
  });

  it('writes registry text a spreadsheet would run as text', async () => {
    const csv = await (await service.send('GET', '/v1/open-data/latest/merchants.csv')).text();
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.example/"",""prix, bas"")",`);
    expect(release.merchants.map((row) => row.tradeName)).toContain(FORMULA_TRADE_NAME);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+212600', "'+212600"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['Dar "Argan"', '"Dar ""Argan"""'],
    ['a,b', '"a,b"'],
    ['two\nlines', '"two\nlines"'],
    ['Souk', 'Souk'],
    [-2, '-2'],
    [null, ''],
  ])('writes the cell %j as %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('serves each version under its number, cached for ever, and latest revalidated', async () => {
    const latest = await service.send('GET', '/v1/open-data/latest/merchants.csv');
    expect(latest.headers.get('Cache-Control')).toBe('public, max-age=60, must-revalidate');
    const pinned = await service.send('GET', '/v1/open-data/2/merchants.csv');
    expect(pinned.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    const etag = pinned.headers.get('ETag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(latest.headers.get('ETag')).toBe(etag);
    expect(
      (await service.send('GET', '/v1/open-data/2/merchants.csv', undefined, { 'If-None-Match': etag })).status,
    ).toBe(304);
    // Version 1 was published before the September reports.
    const first = openDataReleaseSchema.parse(
      await (await service.send('GET', '/v1/open-data/1/open-data.json')).json(),
    );
    expect(first.moderation.map((row) => row.month)).not.toContain('2026-09');
    expect((await service.send('GET', '/v1/open-data/3/open-data.json')).status).toBe(404);
    expect((await service.send('GET', '/v1/open-data/latest/..%2Fmanifest.json')).status).toBe(400);
  });

  it('is, as a publish stores it (its merchants counted by the publish worker), the text the database gives', async () => {
    const latest = await service.send('GET', '/v1/open-data/latest/open-data.json');
    const served = await latest.text();
    const { version, publishedAt } = JSON.parse(served) as OpenDataRelease;
    const fromDatabase = await buildOpenDataRelease(service.registry.db, { version, publishedAt });
    expect(fromDatabase.merchants.length).toBeGreaterThan(1);
    expect(served).toBe(`${JSON.stringify(fromDatabase)}\n`);
  });

  it('publishes its JSON Schema', async () => {
    const response = await service.send('GET', '/v1/open-data/schema.json');
    expect(response.headers.get('Content-Type')).toBe('application/schema+json');
    const schema = await response.json();
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
    expect(Object.keys(schema.properties)).toEqual(Object.keys(openDataReleaseSchema.shape));
  });
});

describe('the release text a publish writes', () => {
  it('holds the merchants table the worker made, and lets go of each piece once read', async () => {
    const rows = Array.from({ length: 3_000 }, (_, index) =>
      JSON.stringify({ merchantId: `m-${index}`, tradeName: `متجر ${'ب'.repeat(index % 50)}` }),
    );
    const gatherer = new OpenDataPieces();
    for (const row of rows) gatherer.add(row);
    const pieces = gatherer.finish();
    expect(pieces.length).toBeGreaterThan(2);
    const text = await openDataReleaseText(
      service.registry.db,
      { version: 99, publishedAt: '2026-12-02T10:00:00.000Z' },
      pieces,
    );
    const read: string[] = [];
    for (const part of text) {
      read.push(part);
      // Pieces not yet read are still there; those read are empty.
      if (read.length === 2) expect(pieces.map((piece) => piece.length > 0)).toEqual(pieces.map((_, i) => i > 0));
    }
    expect(pieces.every((piece) => piece.length === 0)).toBe(true);
    const release = JSON.parse(read.join(''));
    expect(release).toMatchObject({ version: 99, publishedAt: '2026-12-02T10:00:00.000Z' });
    expect(release.merchants).toEqual(rows.map((row) => JSON.parse(row)));
  });
});

describe('the moderation table, counted by the database', () => {
  it('puts each report in the UTC month it came in, whatever the session’s time zone', async () => {
    const boundary = await openOpenDataService();
    try {
      const { db } = boundary.registry;
      const queue = boundary.app.context.reportQueue;
      const submit = async () => {
        const response = await boundary.send('POST', '/v1/reports', {
          url: `https://${boundary.domain}/commande`,
          reason: 'non-delivery',
          consent: true,
          idempotencyKey: crypto.randomUUID(),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { receipt: string }).receipt;
      };
      // Five in the last millisecond of March 2027 (UTC), six at the first of April; the
      // March ones all accepted two days later.
      boundary.setNow('2027-03-31T23:59:59.999Z');
      const march = [];
      for (let i = 0; i < 5; i += 1) march.push(await submit());
      boundary.setNow('2027-04-01T00:00:00.000Z');
      for (let i = 0; i < 6; i += 1) await submit();
      boundary.setNow('2027-04-02T23:59:59.999Z');
      for (const receipt of march) await queue.accept(receipt, { category: 'non-delivery' }, 'test');
      // Tokyo is nine hours ahead of UTC: a month taken in the session's zone would move March's five.
      await sql`set time zone 'Asia/Tokyo'`.execute(db);
      const built = await buildOpenDataRelease(db, { version: 99, publishedAt: '2027-04-03T00:00:00.000Z' });
      expect(built.moderation.filter((row) => row.month >= '2027-03')).toEqual([
        { month: '2027-03', received: 5, accepted: 5, rejected: 0, withdrawn: 0, medianDaysToDecision: 2 },
        { month: '2027-04', received: 6, accepted: 0, rejected: 0, withdrawn: 0, medianDaysToDecision: null },
      ]);
    } finally {
      await boundary.close();
    }
  }, 60_000);
});
