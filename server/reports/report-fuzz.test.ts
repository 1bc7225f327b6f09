import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPORT_BODY_BYTES } from '../../src/directory/report-contract.ts';
import { reportReasonSchema } from '../../src/directory/schemas.ts';
import { findRefusedCharacter, type TextLayout } from '../../src/directory/text-policy.ts';
import { fuzzRuns, fuzzSeed } from '../../test/support/fuzz-seed.ts';
import { freePort, type ServiceProcess, startServiceProcess } from '../../test/support/service-process.ts';
import { openRegistry } from '../db/database.ts';

// 2,500 generated bodies sent over HTTP to a real `thiqa serve` process on loopback:
// whatever a client sends, the service answers 4xx or a receipt, never 5xx, and stays up.
// The seed is new on every run (printed; THIQA_FUZZ_SEED repeats one), so CI keeps trying
// bodies no earlier run sent, where a fixed seed sent the same 10,000 every time.

// THIQA_FUZZ_SCALE changes the run's size (the suite's second run, on PostgreSQL, takes 0.8).
const BODIES = fuzzRuns(2_500);
const REASONS = reportReasonSchema.options;
const SHOP_HOSTS = ['souk-bladi.youcan.shop', 'www.atlas-electro.test', 'دار-أركان.test', 'casa-deals.ma', 'a.b.co.ma'];

/** Any text: every code point, lone surrogates, controls, RTL overrides, zero-width characters. */
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });

/** Characters as zod counts them: code points, not UTF-16 units. */
const codePoints = (text: string) => [...text].length;

/**
 * Text the schema takes: any text less the characters the text policy refuses (which
 * include U+0000, refused by PostgreSQL too), within its length once trimmed.
 */
const acceptedText = (min: number, max: number, layout: TextLayout) =>
  anyText(max)
    .map((text) =>
      Array.from(text)
        .filter((character) => !findRefusedCharacter(character, layout))
        .join(''),
    )
    .filter((text) => codePoints(text.trim()) >= min && codePoints(text) <= max);

const validReport = fc
  .record(
    {
      url: fc
        .tuple(
          fc.constantFrom('https://', 'http://', ''),
          fc.constantFrom(...SHOP_HOSTS),
          fc.webPath(),
          fc.webQueryParameters(),
        )
        .map(([scheme, host, path, query]) => `${scheme}${host}${path}?${query}`)
        .filter((url) => url.length <= 2048),
      reason: fc.constantFrom(...REASONS),
      details: acceptedText(0, 2000, 'multiline'),
      contact: acceptedText(3, 200, 'line'),
      consent: fc.constant(true),
      idempotencyKey: fc.uuid({ version: 4 }),
      lang: fc.constantFrom('ar', 'fr', 'en'),
      clientVersion: fc.stringMatching(/^[0-9A-Za-z.+-]{1,32}$/),
    },
    { requiredKeys: ['url', 'reason', 'idempotencyKey'] },
  )
  // Contact details are kept only with consent: a valid report with contact carries it.
  .map((report) => (report.contact === undefined ? report : { ...report, consent: true }));

/** The right field names with any values at all: wrong types, nested objects, huge numbers. */
const validShapeAnyValues = fc.record(
  {
    url: fc.oneof(fc.anything(), anyText(3000), fc.webUrl()),
    reason: fc.oneof(fc.anything(), fc.constantFrom(...REASONS), anyText(20)),
    details: fc.oneof(fc.anything(), anyText(2100)),
    contact: fc.oneof(fc.anything(), anyText(220)),
    consent: fc.anything(),
    idempotencyKey: fc.oneof(fc.anything(), fc.uuid(), anyText(40)),
    lang: fc.oneof(fc.anything(), fc.constantFrom('ar', 'fr', 'en', 'toString', '__proto__')),
    clientVersion: fc.oneof(fc.anything(), anyText(40)),
  },
  { requiredKeys: [] },
);

interface FuzzCase {
  kind: string;
  body: string;
  contentType: string | null;
  /** The only status this body may get; any 4xx when undefined. */
  expected?: number;
  idempotencyKey?: string;
}

const json = (kind: string, value: unknown, expected?: number): FuzzCase => ({
  kind,
  body: JSON.stringify(value),
  contentType: 'application/json',
  ...(expected ? { expected } : {}),
});

const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  {
    weight: 4,
    arbitrary: validReport.map((report) => ({
      ...json('valid', report, 201),
      idempotencyKey: report.idempotencyKey,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        validReport,
        fc.constantFrom('url', 'details', 'contact', 'clientVersion', 'idempotencyKey'),
        fc.oneof(anyText(2100), fc.anything()),
      )
      .map(([report, field, value]) => json('valid but one field', { ...report, consent: true, [field]: value })),
  },
  { weight: 2, arbitrary: validShapeAnyValues.map((value) => json('valid shape, any values', value)) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => json('any JSON', value)) },
  {
    weight: 1,
    arbitrary: anyText(500).map((body) => ({ kind: 'any text as JSON', body, contentType: 'application/json' })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validReport, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue())
      .map(([report, key, payload]) => ({
        kind: 'prototype pollution',
        // Written by hand: JSON.stringify would not emit an own `__proto__` key.
        body: `{"${key}":${JSON.stringify(key === 'constructor' ? { prototype: payload } : payload)},${JSON.stringify(report).slice(1)}`,
        contentType: 'application/json',
        expected: 400,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validReport, fc.integer({ min: MAX_REPORT_BODY_BYTES + 1, max: 4 * MAX_REPORT_BODY_BYTES }))
      .map(([report, size]) => json('oversize', { ...report, details: 'ض'.repeat(Math.ceil(size / 2)) }, 413)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        validReport,
        fc.constantFrom(null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'),
      )
      .map(([report, contentType]) => ({
        kind: 'not declared JSON',
        body: JSON.stringify(report),
        contentType,
        expected: 415,
      })),
  },
);

describe('POST /v1/reports under generated bodies, a new seed each run', () => {
  let dataDir: string;
  let service: ServiceProcess;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-report-fuzz-'));
    service = await startServiceProcess({ dataDir, port: await freePort(), reportRateLimit: '100000/1m' });
  });
  afterAll(async () => {
    await service?.kill9();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers every body with 4xx or a receipt, never 5xx, stays up, and stores each accepted key once', async () => {
    const statuses = new Map<string, Map<number, number>>();
    const acceptedKeys = new Set<string>();
    let sent = 0;
    let serverErrors = 0;
    await fc.assert(
      fc.asyncProperty(fuzzCase, async (fuzz) => {
        const response = await fetch(`${service.url}/v1/reports`, {
          method: 'POST',
          headers: fuzz.contentType ? { 'Content-Type': fuzz.contentType } : {},
          body: fuzz.body,
        });
        const answer = await response.text();
        const context = `${fuzz.body.slice(0, 300)} → ${answer.slice(0, 300)}`;
        sent++;
        const byStatus = statuses.get(fuzz.kind) ?? new Map<number, number>();
        byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
        statuses.set(fuzz.kind, byStatus);
        if (response.status >= 500) serverErrors++;
        expect(response.status, context).toBeLessThan(500);
        expect(response.status).not.toBe(429);
        // A generated key seen before (fast-check repeats values) may be a replay or a 409.
        const repeatedKey = fuzz.idempotencyKey !== undefined && acceptedKeys.has(fuzz.idempotencyKey);
        if (fuzz.expected !== undefined && !repeatedKey) expect(response.status, context).toBe(fuzz.expected);
        if (fuzz.expected === undefined) expect(response.status).toBeGreaterThanOrEqual(200);
        // Whatever the class, a receipt means its key (the one in the body) is stored.
        if (response.status === 201)
          acceptedKeys.add((JSON.parse(fuzz.body) as { idempotencyKey: string }).idempotencyKey);
      }),
      { numRuns: BODIES, seed: fuzzSeed('report fuzz'), endOnFailure: true },
    );
    const summary = Object.fromEntries([...statuses].map(([kind, counts]) => [kind, Object.fromEntries(counts)]));
    console.log(`report fuzz: ${sent} bodies, ${serverErrors} answered 5xx`, JSON.stringify(summary));
    expect(sent).toBe(BODIES);
    expect(serverErrors).toBe(0);

    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);

    // Every accepted key is in the database exactly once, and nothing else is.
    await service.stop();
    const registry = await openRegistry({ pgliteDir: join(dataDir, 'db') });
    try {
      const rows = await registry.db.selectFrom('reports').select('idempotency_key').execute();
      const keys = rows.map((row) => row.idempotency_key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(keys)).toEqual(acceptedKeys);
    } finally {
      await registry.close();
    }
  }, 600_000);
});
