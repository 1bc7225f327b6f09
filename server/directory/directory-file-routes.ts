import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { problem, validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { publicDirectoryDir } from './publisher.ts';

// The published directory as static files. A CDN or any web server can serve the same
// folder; this route is for publishers who run nothing else.

const fileName = z
  .string()
  .regex(/^(?:manifest\.json|(?:snapshot|delta)-[a-z0-9-]+\.json\.gz)$/, { message: 'not a directory file' })
  .openapi({ param: { name: 'file', in: 'path' }, example: 'manifest.json' });

const route = createRoute({
  method: 'get',
  path: '/{file}',
  summary: 'The signed manifest, or a content-addressed snapshot or delta it names',
  request: { params: z.object({ file: fileName }) },
  responses: {
    200: { description: 'The file: manifest.json (application/json) or gzipped JSON (application/gzip)' },
    304: { description: 'Not modified (If-None-Match matched the strong ETag)' },
    404: { description: 'No such file (nothing published yet, or pruned)' },
  },
});

/**
 * Reads a regular file of the folder, never what a link planted there points to (the
 * signing key lives one folder up). O_NOFOLLOW refuses a symbolic link as the last
 * path component, and the check on the opened descriptor leaves no window between
 * looking and reading. Null when there is no such regular file.
 */
async function openRegularFile(path: string) {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
  if (!handle) return null;
  const info = await handle.stat().catch(() => null);
  if (!info?.isFile()) {
    await handle.close();
    return null;
  }
  return { handle, info };
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  bytes: Buffer;
  etag: string;
}

/** True when an If-None-Match header names this ETag (or `*`). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}

export function directoryFilesApp(context: ServiceContext) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const dir = publicDirectoryDir(context.dataDir);
  const cache = new Map<string, CachedFile>();

  app.openapi(route, async (c) => {
    const { file } = c.req.valid('param');
    const path = join(dir, file);
    const opened = await openRegularFile(path);
    if (!opened) return problem(c, 404, `${file} is not published`);
    const { handle, info } = opened;
    let cached = cache.get(file);
    try {
      if (!cached || cached.mtimeMs !== info.mtimeMs || cached.size !== info.size) {
        const bytes = await handle.readFile();
        cached = {
          mtimeMs: info.mtimeMs,
          size: info.size,
          bytes,
          etag: `"${createHash('sha256').update(bytes).digest('hex')}"`,
        };
        cache.set(file, cached);
      }
    } finally {
      await handle.close();
    }
    const isManifest = file === 'manifest.json';
    const headers: Record<string, string> = {
      ETag: cached.etag,
      // The manifest changes with every publish; the other files never change under a name.
      'Cache-Control': isManifest ? 'public, max-age=60, must-revalidate' : 'public, max-age=31536000, immutable',
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'ETag',
    };
    if (matchesEtag(c.req.header('If-None-Match'), cached.etag)) return c.body(null, 304, headers);
    headers['Content-Type'] = isManifest ? 'application/json' : 'application/gzip';
    return c.body(new Uint8Array(cached.bytes), 200, headers);
  });
  return app;
}
