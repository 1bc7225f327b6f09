import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateHttpApiDoc, HTTP_API_DOC_PATH, serviceOpenApiDocument } from './http-api-doc.ts';
import {
  headingAnchor,
  type JsonSchema,
  markdownTable,
  type OpenApiDocument,
  rulesOf,
  typeOf,
} from './openapi-markdown.ts';

describe('docs/http-api.md', () => {
  let document: OpenApiDocument;
  let fresh: string;

  beforeAll(async () => {
    document = await serviceOpenApiDocument();
    fresh = await generateHttpApiDoc();
  }, 120_000);

  it('is what the service answers today', async () => {
    const committed = await readFile(HTTP_API_DOC_PATH, 'utf8');
    expect(committed, 'docs/http-api.md is out of date with the routes: run `npm run docs` and commit it').toBe(fresh);
  });

  it('has a section, listed in the index, for every route of the OpenAPI document', () => {
    const routes = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      expect(fresh).toContain(`\n### \`${route}\`\n`);
      expect(fresh).toContain(`- [\`${route}\`](#${headingAnchor(route)})`);
    }
  });

  it('lists every field of the report body with its limits', () => {
    const section = fresh.slice(
      fresh.indexOf('### `POST /v1/reports`'),
      fresh.indexOf('### `GET /v1/reports/{receipt}`'),
    );
    expect(section).toContain('Request body, `application/json` (required; no other field):');
    expect(section).toMatch(/\| `url` +\| string +\| yes +\| 1–2048 characters +\|/);
    expect(section).toMatch(/\| `details` +\| string +\| no +\| ≤ 2000 characters +\|/);
    expect(section).toMatch(/\| `idempotencyKey` +\| string +\| yes +\| a UUID +\|/);
    expect(section).toMatch(/\| 429 +\| Too many reports from this client \(see Retry-After\) +\|/);
  });
});

describe('rendering JSON Schema', () => {
  it.each<[string, JsonSchema, string]>([
    ['a reference', { $ref: '#/components/schemas/ReportStatus' }, '[`ReportStatus`](#reportstatus)'],
    ['a nullable type', { type: ['integer', 'null'] }, 'integer or null'],
    [
      'an array',
      { type: 'array', items: { $ref: '#/components/schemas/Complaint' } },
      'array of [`Complaint`](#complaint)',
    ],
    [
      'an inline object, optional fields marked',
      { type: 'object', properties: { id: { type: 'integer' }, note: { type: 'string' } }, required: ['id'] },
      '{ id: integer, note?: string }',
    ],
    ['a single allowed value', { type: 'boolean', enum: [false] }, '`false`'],
    ['anything', {}, 'any JSON'],
    ['a keyword it does not know, shown raw', { not: { type: 'string' } } as JsonSchema, '`{"not":{"type":"string"}}`'],
  ])('types %s', (_, schema, expected) => {
    expect(typeOf(schema)).toBe(expected);
  });

  it.each<[string, JsonSchema, string]>([
    ['allowed values', { type: 'string', enum: ['ar', 'fr'] }, 'one of `ar`, `fr`'],
    ['a length range', { type: 'string', minLength: 3, maxLength: 500 }, '3–500 characters'],
    ['a maximum length', { type: 'string', maxLength: 2000 }, '≤ 2000 characters'],
    ['a number range', { type: 'integer', minimum: 1, maximum: 1000 }, '1–1000'],
    [
      'a format and an example',
      { type: 'string', format: 'date', example: '2026-01-31' },
      'a date, YYYY-MM-DD; e.g. `2026-01-31`',
    ],
    ['a description that looks like a tag', { type: 'string', description: 'Bearer <token>' }, 'Bearer &lt;token>'],
  ])('states %s', (_, schema, expected) => {
    expect(rulesOf(schema)).toBe(expected);
  });

  it('keeps a pipe inside a table cell, even inside code', () => {
    const table = markdownTable(['field', 'rules'], [['`file`', 'matches `^(a|b)$`']]);
    expect(table.split('\n')).toEqual([
      '| field  | rules              |',
      '| ------ | ------------------ |',
      '| `file` | matches `^(a\\|b)$` |',
    ]);
  });
});
