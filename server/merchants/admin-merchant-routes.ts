import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { actorOf } from '../http/admin-auth.ts';
import { adminErrors, jsonResponse, problemResponse } from '../http/admin-schemas.ts';
import { problem, validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { importFileInWorker } from './import-in-worker.ts';
import type { ImportProblem } from './import-map.ts';
import type { ImportResult } from './import-plan.ts';

// `thiqa import` over HTTP: the same file, the same checks, the same all-or-nothing rule.
// A CSV body streams to a file under the system's temporary folder (never whole in
// memory), then a worker thread parses, validates and plans it (import-in-worker.ts).

const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const TOO_LARGE = 'an import file is at most 64 MB';

class UploadTooLarge extends Error {}

/** Copies a request body to `path`, refusing it past MAX_IMPORT_BYTES (a chunked body has no length to check first). */
async function saveUpload(body: ReadableStream<Uint8Array> | null, path: string): Promise<void> {
  let size = 0;
  const counted = async function* () {
    if (!body) return;
    for await (const chunk of Readable.fromWeb(body as NodeReadableStream<Uint8Array>)) {
      size += (chunk as Uint8Array).length;
      if (size > MAX_IMPORT_BYTES) throw new UploadTooLarge();
      yield chunk as Uint8Array;
    }
  };
  await pipeline(counted, createWriteStream(path));
}

/**
 * The length a client declares is checked before anything is read; a JSON body is then
 * read whole by its validator (bodyLimit), while a CSV body is counted as it streams.
 */
const importBodyLimit = createMiddleware(async (c, next) => {
  if (Number(c.req.header('Content-Length') ?? 0) > MAX_IMPORT_BYTES) return problem(c, 413, TOO_LARGE);
  if (!/json/i.test(c.req.header('Content-Type') ?? '')) return next();
  return bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: (c) => problem(c, 413, TOO_LARGE) })(c, next);
});

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
    lookalikesNotChecked: z.int().optional().openapi({
      description: 'Set when the look-alike check was skipped: the new domains the file brings, too many to check',
    }),
  })
  .openapi('ImportResult');

export function adminMerchantsApp(context: ServiceContext) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const route = createRoute({
    method: 'post',
    path: '/import',
    summary: 'Import merchants from a CSV (text/csv) or JSON (application/json) file, as thiqa import does',
    middleware: [importBodyLimit] as const,
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
    const fileName = isJson ? 'upload.json' : 'upload.csv';
    const dir = await mkdtemp(join(tmpdir(), 'thiqa-upload-'));
    let problems: ImportProblem[] | undefined;
    let result: ImportResult | undefined;
    try {
      const path = join(dir, fileName);
      if (isJson) await writeFile(path, await c.req.text());
      else {
        const saved = await saveUpload(c.req.raw.body, path).catch((error: unknown) => error);
        if (saved instanceof UploadTooLarge) throw new HTTPException(413, { res: problem(c, 413, TOO_LARGE) });
        if (saved) throw saved;
      }
      const outcome = await importFileInWorker(context.db, path, fileName, {
        dryRun: query.dryRun === 'true',
        partial: query.partial === 'true',
        now: context.clock(),
        actor: actorOf(c.req.header('X-Thiqa-Actor')),
      });
      if ('fileProblems' in outcome) problems = outcome.fileProblems;
      else result = outcome.result;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
