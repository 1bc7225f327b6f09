import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { actorOf } from '../http/admin-auth.ts';
import { adminErrors, jsonResponse, problemResponse } from '../http/admin-schemas.ts';
import { problem, validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { readImportFile } from './import-read.ts';
import { importMerchants } from './import-write.ts';

// `thiqa import` over HTTP: the same file, the same checks, the same all-or-nothing rule.

const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** One side of an import conflict: the merchant as the registry holds it, or as the file says. */
const conflictSideSchema = z.object({
  merchant: z.string().nullable(),
  legalName: z.string(),
  ice: z.string(),
  status: z.enum(['verified', 'suspended', 'revoked']),
  domains: z.array(z.string()),
});

const importResultSchema = z
  .object({
    rows: z.int(),
    created: z.int(),
    updated: z.int(),
    unchanged: z.int(),
    skipped: z.int(),
    problems: z.array(z.object({ line: z.int(), column: z.string(), message: z.string() })),
    conflicting: z.int(),
    conflicts: z.array(
      z.object({
        kind: z.enum(['legal-entity-change', 'domain-transfer', 'reinstatement']),
        line: z.int(),
        domains: z.array(z.string()),
        registry: conflictSideSchema,
        file: conflictSideSchema,
        message: z.string(),
        accepted: z.boolean(),
      }),
    ),
    warnings: z.array(
      z.object({
        line: z.int(),
        kind: z.enum(['lookalike']),
        domain: z.string(),
        merchant: z.string(),
        ice: z.string(),
        imitates: z.object({ domain: z.string(), merchant: z.string(), ice: z.string() }),
        message: z.string(),
      }),
    ),
    written: z.boolean(),
  })
  .openapi('ImportResult');

export function adminMerchantsApp(context: ServiceContext) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const route = createRoute({
    method: 'post',
    path: '/import',
    summary: 'Import merchants from a CSV (text/csv) or JSON (application/json) file, as thiqa import does',
    middleware: [
      bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: (c) => problem(c, 413, 'an import file is at most 64 MB') }),
    ] as const,
    request: {
      query: z.strictObject({
        dryRun: z.enum(['true', 'false']).optional(),
        partial: z.enum(['true', 'false']).optional(),
      }),
      body: {
        required: true,
        content: { 'text/csv': { schema: z.string() }, 'application/json': { schema: z.unknown() } },
      },
    },
    responses: {
      200: jsonResponse(
        'Imported, or checked (dryRun); bad rows skipped with partial=true are listed',
        importResultSchema,
      ),
      ...adminErrors,
      422: problemResponse(
        'Bad rows or conflicts, and nothing written: errors name line.column (conflicts are accepted only by thiqa import --accept-conflicts)',
      ),
    },
  });
  app.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const isJson = /json/i.test(c.req.header('Content-Type') ?? '');
    const file = readImportFile(isJson ? 'upload.json' : 'upload.csv', await c.req.text());
    const problems = 'problems' in file ? file.problems : undefined;
    const result =
      file && 'rows' in file
        ? await importMerchants(context.db, file.rows, {
            dryRun: query.dryRun === 'true',
            partial: query.partial === 'true',
            now: context.clock(),
            actor: actorOf(c.req.header('X-Thiqa-Actor')),
          })
        : undefined;
    const rowProblems = problems ?? result?.problems ?? [];
    const conflicts = result?.conflicts.filter((conflict) => !conflict.accepted) ?? [];
    if (!result || (!result.written && query.dryRun !== 'true' && rowProblems.length + conflicts.length > 0)) {
      const res = problem(c, 422, 'bad rows or conflicts: nothing was imported (partial=true imports the other rows)', [
        ...rowProblems.map((entry) => ({ field: `line ${entry.line}.${entry.column}`, message: entry.message })),
        ...conflicts.map((conflict) => ({ field: `line ${conflict.line}`, message: conflict.message })),
      ]);
      throw new HTTPException(422, { res });
    }
    return c.json(result, 200);
  });
  return app;
}
