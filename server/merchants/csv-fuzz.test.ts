import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRuns, fuzzSeed } from '../../test/support/fuzz-seed.ts';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { readImportFile } from './import-read.ts';
import { importMerchants } from './import-write.ts';

// Generated CSV files — good rows, rows with one known fault, mangled quoting, separators,
// BOMs, line ends, and raw bytes — go through what `thiqa import` runs: the file read as
// UTF-8, then readImportFile and importMerchants on a real PGlite registry. Whatever the
// file, bad rows come back as problems naming their line, nothing throws, and in
// all-or-nothing mode a file with any problem leaves the registry exactly as it was.

// 250 files a run, with a new seed on every run (printed; THIQA_FUZZ_SEED repeats one), so
// CI keeps trying files no earlier run tried, where a fixed seed tried the same 1,000.
// THIQA_FUZZ_SCALE changes the run's size (the suite's second run, on PostgreSQL, takes 0.8).
const CASES = fuzzRuns(250);
const NOW = new Date('2026-11-27T10:00:00Z');

const REQUIRED = ['domains', 'legal_name', 'ice', 'city', 'phone', 'status', 'verified_at', 'verified_by'];
const OPTIONAL = ['trade_name', 'rc', 'email', 'methods', 'labels', 'instagram', 'id'];

/** ICE: 15 digits divisible by 97. */
const ice = fc.bigInt({ min: 1n, max: 999_999_999_999_999n / 97n }).map((n) => (n * 97n).toString().padStart(15, '0'));

/**
 * Names people write, with what makes CSV hard: quotes, both separators, Arabic, HTML,
 * and the joiners the text policy keeps (between two letters or emoji, as written).
 */
const NAME_CHARACTERS = [
  ...'abcdefghijklmnopqrstuvwxyzÉéè',
  ...'شركةدارأركانمغرب',
  ' ',
  '"',
  "'",
  ',',
  ';',
  '<',
  '>',
  '&',
  'ی\u200cخ',
  '👨\u200d👩',
];
const name = fc
  .string({ unit: fc.constantFrom(...NAME_CHARACTERS), minLength: 1, maxLength: 40 })
  .filter((text) => text.trim() !== '');

interface MerchantRow {
  cells: Record<string, string>;
}

const goodRow = fc
  .record({
    slug: fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/),
    ice,
    legalName: name,
    tradeName: fc.option(name, { nil: '' }),
    city: fc.constantFrom('Casablanca', 'Agadir', 'الدار البيضاء', 'Fès'),
    phone: fc.stringMatching(/^0[5-7]\d{8}$/),
    status: fc.constantFrom('verified', 'suspended', 'revoked', 'Verified'),
    verifiedAt: fc.date({ min: new Date('2020-01-01'), max: NOW, noInvalidDate: true }),
    verifiedBy: fc.constantFrom('FDEC', 'Équipe Thiqa', 'فريق ثقة'),
    labels: fc.constantFrom('', 'e-thiq@2027-06-30', 'cndp:D-W-903/2024@2029-01-01; cmi', 'fnem'),
    instagram: fc.constantFrom('', '@shop.ma'),
  })
  .map(
    (row): MerchantRow => ({
      cells: {
        domains: `${row.slug}.test`,
        legal_name: row.legalName,
        trade_name: row.tradeName,
        ice: row.ice,
        city: row.city,
        phone: row.phone,
        status: row.status,
        verified_at: row.verifiedAt.toISOString().slice(0, 10),
        verified_by: row.verifiedBy,
        labels: row.labels,
        instagram: row.instagram,
        rc: '',
        email: '',
        methods: '',
        id: '',
      },
    }),
  );

/** One fault, and the column the import must name for it. */
const FAULTS: Array<{ column: string; apply: (cells: Record<string, string>) => void }> = [
  {
    column: 'ice',
    apply: (c) => {
      c.ice = `${c.ice?.slice(0, 14)}${(Number(c.ice?.slice(14)) + 1) % 10}`;
    },
  },
  {
    column: 'ice',
    apply: (c) => {
      c.ice = 'ICE-inconnu';
    },
  },
  {
    column: 'domains',
    apply: (c) => {
      c.domains = 'co.ma';
    },
  },
  {
    column: 'domains',
    apply: (c) => {
      c.domains = 'youcan.shop';
    },
  },
  {
    column: 'domains',
    apply: (c) => {
      c.domains = `boutique.${c.domains}`;
    },
  },
  {
    column: 'verified_at',
    apply: (c) => {
      c.verified_at = '2099-01-01';
    },
  },
  {
    column: 'status',
    apply: (c) => {
      c.status = 'peut-être';
    },
  },
  {
    column: 'labels',
    apply: (c) => {
      c.labels = 'label???@';
    },
  },
  {
    column: 'legal_name',
    apply: (c) => {
      c.legal_name = `Shop \u202Egnp.exe`;
    },
  },
  {
    column: 'legal_name',
    apply: (c) => {
      c.legal_name = 'x'.repeat(301);
    },
  },
  {
    column: 'legal_name',
    apply: (c) => {
      c.legal_name = 'Atlas\u200bÉlectro';
    },
  },
  {
    column: 'legal_name',
    apply: (c) => {
      c.legal_name = '   ';
    },
  },
  {
    column: 'phone',
    apply: (c) => {
      c.phone = 'appelez-nous';
    },
  },
];

interface CsvFile {
  text: string;
  /** Line of each data row, when the file's structure is intact (no line breaks inside cells). */
  faultyLines: Array<{ line: number; column: string }>;
  wellFormed: boolean;
}

const layout = fc.record({
  delimiter: fc.constantFrom(',', ';'),
  lineEnd: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  quoteAll: fc.boolean(),
  optional: fc.shuffledSubarray(OPTIONAL),
  order: fc.infiniteStream(fc.nat()),
  trailingBlankLines: fc.nat({ max: 2 }),
});

function quote(cell: string, delimiter: string, always: boolean): string {
  const needed = cell.includes(delimiter) || cell.includes('"') || /[\r\n]/.test(cell) || cell.trim() !== cell;
  return always || needed ? `"${cell.replaceAll('"', '""')}"` : cell;
}

const wellFormedFile: fc.Arbitrary<CsvFile> = fc
  .tuple(
    layout,
    // Each ICE and each domain once: the importer rightly refuses a file naming one twice
    // (unique pairs let two rows share an ICE; fast-check draws small ICEs often).
    fc
      .uniqueArray(goodRow, { minLength: 1, maxLength: 8, selector: (row) => row.cells.ice })
      .filter((rows) => new Set(rows.map((row) => row.cells.domains)).size === rows.length),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: FAULTS.length - 1 })), { maxLength: 2 }),
  )
  .map(([shape, rows, faults]) => {
    const columns = [...REQUIRED, ...shape.optional];
    // Shuffle the columns: the header names them, their order is free.
    const order = shape.order.take(columns.length);
    const header = columns
      .map((column, index) => ({ column, key: order.next().value ?? index }))
      .sort((a, b) => a.key - b.key)
      .map((entry) => entry.column);
    const faultyLines: CsvFile['faultyLines'] = [];
    for (const [rowIndex, faultIndex] of faults) {
      const index = rowIndex % rows.length;
      const fault = FAULTS[faultIndex] as (typeof FAULTS)[number];
      // A fault in a column the file does not have is no fault.
      if (!header.includes(fault.column)) continue;
      // One fault per row: a row missing a required cell is refused before its other cells are read.
      if (faultyLines.some((faulty) => faulty.line === index + 2)) continue;
      const cells = { ...(rows[index] as MerchantRow).cells };
      fault.apply(cells);
      rows[index] = { cells };
      // Header on line 1: data row i is on line i + 2.
      faultyLines.push({ line: index + 2, column: fault.column });
    }
    const lines = [
      header.join(shape.delimiter),
      ...rows.map((row) =>
        header.map((column) => quote(row.cells[column] ?? '', shape.delimiter, shape.quoteAll)).join(shape.delimiter),
      ),
      ...Array(shape.trailingBlankLines).fill(''),
    ];
    return {
      text: `${shape.bom ? '\uFEFF' : ''}${lines.join(shape.lineEnd)}${shape.lineEnd}`,
      faultyLines,
      wellFormed: true,
    };
  });

/** A good file with bytes inserted, deleted or cut: stray quotes, separators, line breaks, BOMs, NULs. */
const mangledFile: fc.Arbitrary<CsvFile> = fc
  .tuple(
    wellFormedFile,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.oneof(
          fc.constantFrom('"', '""', ',', ';', '\n', '\r', '\r\n', '\uFEFF', '\u0000', '"\n"', '\u202E'),
          fc.string({ unit: 'binary', maxLength: 8 }),
        ),
        fc.nat({ max: 6 }),
      ),
      { minLength: 1, maxLength: 6 },
    ),
    fc.option(fc.nat(), { nil: undefined }),
  )
  .map(([file, edits, cut]) => {
    let text = file.text;
    for (const [at, insert, remove] of edits) {
      const position = at % (text.length + 1);
      text = text.slice(0, position) + insert + text.slice(position + remove);
    }
    if (cut !== undefined) text = text.slice(0, cut % (text.length + 1));
    return { text, faultyLines: [], wellFormed: false };
  });

/** Bytes of any kind, read as UTF-8 the way `thiqa import` reads a file. */
const garbageFile: fc.Arbitrary<CsvFile> = fc
  .oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc.string({ unit: 'binary', maxLength: 300 }).map((text) => new TextEncoder().encode(text)),
    fc
      .tuple(fc.constantFrom(`${REQUIRED.join(',')}\n`, `${REQUIRED.join(';')}\r\n`), fc.uint8Array({ maxLength: 300 }))
      .map(([header, bytes]) => new Uint8Array([...new TextEncoder().encode(header), ...bytes])),
  )
  .map((bytes) => ({ text: Buffer.from(bytes).toString('utf8'), faultyLines: [], wellFormed: false }));

const csvFile = fc.oneof(
  { weight: 4, arbitrary: wellFormedFile },
  { weight: 4, arbitrary: mangledFile },
  { weight: 2, arbitrary: garbageFile },
);

/** Everything an import can change: merchants, their domains, the audit log. */
async function registryFingerprint(registry: Registry): Promise<string> {
  const { rows } = await sql<{ fingerprint: string }>`
    select concat_ws('|',
      (select md5(coalesce(string_agg(id || ice || record::text || updated_at::text, ',' order by id), '')) from merchants),
      (select md5(coalesce(string_agg(domain || merchant_id, ',' order by domain), '')) from merchant_domains),
      (select count(*)::text from audit_log)) as fingerprint`.execute(registry.db);
  return rows[0]?.fingerprint ?? '';
}

describe('thiqa import under generated CSV files', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await openTestRegistry();
  });
  afterAll(async () => registry.close());

  it('reports bad rows by line, never throws, and writes nothing from a file with problems', async () => {
    const outcomes = { files: 0, refusedWhole: 0, rowProblems: 0, conflicts: 0, writtenAll: 0, writtenPartial: 0 };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(csvFile, fc.boolean(), async (file, partial) => {
        run++;
        outcomes.files++;
        // Each file's shops are new to the registry, so a good file is good against it too.
        const text = file.text.replaceAll('.test', `-${run}.test`);
        const lineCount = text.split(/\r\n|\r|\n/).length;
        const read = readImportFile('fuzz.csv', text);
        if ('problems' in read) {
          outcomes.refusedWhole++;
          expect(read.problems.length).toBeGreaterThan(0);
          for (const problem of read.problems) {
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(problem.line).toBeLessThanOrEqual(lineCount);
          }
          expect(file.faultyLines.length === 0 || !file.wellFormed).toBe(true);
          return;
        }
        const before = await registryFingerprint(registry);
        const result = await importMerchants(registry.db, read.rows, {
          now: NOW,
          actor: 'fuzz',
          // Half the files are imported with --partial: the good rows go in, the bad are named.
          partial,
        });
        const after = await registryFingerprint(registry);
        for (const problem of result.problems) {
          expect(problem.line).toBeGreaterThanOrEqual(2);
          expect(problem.line).toBeLessThanOrEqual(lineCount);
          expect(problem.message).not.toBe('');
        }
        for (const fault of file.faultyLines) {
          expect(result.problems, text).toContainEqual(expect.objectContaining(fault));
        }
        if (file.wellFormed && file.faultyLines.length === 0) {
          expect(result.problems, text).toEqual([]);
          // A generated ICE may repeat one of an earlier file: that row updates its merchant,
          // or is a conflict when it would ease that merchant's status (revoked → verified).
          expect(result.created + result.updated + result.unchanged + result.conflicting).toBe(read.rows.length);
          for (const conflict of result.conflicts) expect(conflict.kind).toBe('reinstatement');
        }
        if ((result.problems.length > 0 || result.conflicting > 0) && !partial) {
          // All or nothing: not one row of a file with a bad or conflicting row.
          expect(result.written).toBe(false);
          expect(after).toBe(before);
        } else {
          expect(result.written).toBe(true);
          expect(after === before).toBe(result.created + result.updated === 0);
        }
        if (result.problems.length > 0) outcomes.rowProblems++;
        if (result.conflicts.length > 0) outcomes.conflicts++;
        if (result.written && result.problems.length === 0) outcomes.writtenAll++;
        if (result.written && result.problems.length > 0) outcomes.writtenPartial++;
      }),
      { numRuns: CASES, seed: fuzzSeed('CSV import fuzz'), endOnFailure: true },
    );
    console.log(`CSV import fuzz: ${JSON.stringify(outcomes)}`);
    expect(outcomes.files).toBe(CASES);
  }, 600_000);
});
