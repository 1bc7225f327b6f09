import { createHash } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { problem, validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { type OpenDataFile, openDataFile } from './open-data-files.ts';
import { storedOpenDataRelease } from './open-data-release.ts';
import { OPEN_DATA_FILE_NAMES, openDataJsonSchema } from './open-data-schema.ts';

// GET /v1/open-data/<version>/<file>: the open data released with a publication, as the
// directory's files are served (strong ETag, cache headers, readable from any origin).
// `latest` follows each publish; a numbered version never changes.

const versionParam = z
  .string()
  .regex(/^(?:latest|[1-9]\d{0,8})$/, { message: 'must be latest or a version number' })
  .openapi({ param: { name: 'version', in: 'path' }, example: 'latest' });
const fileParam = z
  .enum(OPEN_DATA_FILE_NAMES as [string, ...string[]])
  .openapi({ param: { name: 'file', in: 'path' }, example: 'complaints-by-month.csv' });

const fileRoute = createRoute({
  method: 'get',
  path: '/{version}/{file}',
  summary: 'A file of the open data released with a publication (open-data.json or a CSV table)',
  request: { params: z.object({ version: versionParam, file: fileParam }) },
  responses: {
    200: { description: 'The file: application/json, or text/csv (UTF-8, RFC 4180, a header line)' },
    304: { description: 'Not modified (If-None-Match matched the strong ETag)' },
    404: { description: 'Nothing released yet, or not that version (only the latest 30 are kept)' },
  },
});

const schemaRoute = createRoute({
  method: 'get',
  path: '/schema.json',
  summary: 'The JSON Schema of open-data.json',
  responses: { 200: { description: 'A JSON Schema (draft 2020-12)' } },
});

function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('hex')}"`;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}

export function openDataApp(context: ServiceContext) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const schemaBytes = new TextEncoder().encode(`${JSON.stringify(openDataJsonSchema(), null, 2)}\n`);
  const schemaEtag = etagOf(schemaBytes);
  // A numbered version's files never change: rendered once per process.
  const rendered = new Map<string, OpenDataFile & { etag: string }>();

  const send = (
    c: Parameters<Parameters<typeof app.openapi>[1]>[0],
    file: { bytes: Uint8Array; contentType: string; etag: string },
    cacheControl: string,
  ) => {
    const headers: Record<string, string> = {
      ETag: file.etag,
      'Cache-Control': cacheControl,
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'ETag',
    };
    if (matchesEtag(c.req.header('If-None-Match'), file.etag)) return c.body(null, 304, headers);
    headers['Content-Type'] = file.contentType;
    return c.body(file.bytes.slice(), 200, headers);
  };

  app.openapi(schemaRoute, (c) =>
    send(
      c,
      { bytes: schemaBytes, contentType: 'application/schema+json', etag: schemaEtag },
      'public, max-age=3600, must-revalidate',
    ),
  );

  app.openapi(fileRoute, async (c) => {
    const { version, file } = c.req.valid('param');
    const stored = await storedOpenDataRelease(context.db, version === 'latest' ? 'latest' : Number(version));
    if (!stored) {
      return problem(c, 404, version === 'latest' ? 'no open data is published yet' : `version ${version} is not kept`);
    }
    const key = `${stored.version}/${file}`;
    let found = rendered.get(key);
    if (!found) {
      const made = openDataFile(stored.text, file);
      if (!made) return problem(c, 404, `${file} is not an open data file`);
      found = { ...made, etag: etagOf(made.bytes) };
      if (rendered.size > 200) rendered.clear();
      rendered.set(key, found);
    }
    // `latest` changes with every publish; a numbered version never does.
    const cacheControl =
      version === 'latest' ? 'public, max-age=60, must-revalidate' : 'public, max-age=31536000, immutable';
    return send(c, found, cacheControl);
  });
  return app;
}
