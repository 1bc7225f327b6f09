import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { listAudit } from '../db/audit-log.ts';
import { actorOf } from '../http/admin-auth.ts';
import { adminErrors, jsonResponse, limitQuery, problemResponse } from '../http/admin-schemas.ts';
import { validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { publishDirectory } from './publisher.ts';
import { loadSigningKeys } from './signing-keys.ts';

const publishResultSchema = z
  .object({
    published: z.boolean().openapi({ description: 'true when a new version was published' }),
    version: z.int(),
    expiresAt: z.string().openapi({ description: 'when the served manifest expires (renewed or not)' }),
    renewed: z
      .boolean()
      .openapi({ description: 'true when nothing changed and the manifest was re-signed with a later expiry' }),
    digest: z.string().optional(),
    files: z.array(z.string()).optional(),
    restored: z
      .array(z.string())
      .openapi({ description: 'files of the latest publication that were missing or damaged and were rebuilt first' }),
  })
  .openapi('PublishResult');

export function adminPublicationsApp(context: ServiceContext) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const publish = createRoute({
    method: 'post',
    path: '/publish',
    summary: 'Publish the next signed version of the directory',
    request: {
      query: z.strictObject({
        onlyIfChanged: z.enum(['true', 'false']).optional().openapi({
          description:
            'true: publish only when the registry changed since the last version; otherwise renew the manifest once it has aged',
        }),
      }),
    },
    responses: {
      200: jsonResponse('Published, renewed, or nothing to do', publishResultSchema),
      ...adminErrors,
      503: problemResponse('No signing key'),
    },
  });
  app.openapi(publish, async (c) => {
    const result = await publishDirectory(context.db, {
      dataDir: context.dataDir,
      keys: await loadSigningKeys(context.dataDir),
      now: context.clock(),
      actor: actorOf(c.req.header('X-Thiqa-Actor')),
      onlyIfChanged: c.req.valid('query').onlyIfChanged === 'true',
    });
    const restored = result.repair.restored;
    return c.json(
      result.published
        ? {
            published: true,
            version: result.manifest.version,
            expiresAt: result.manifest.expiresAt,
            renewed: false,
            digest: result.manifest.digest,
            files: result.files,
            restored,
          }
        : { published: false, version: result.version, expiresAt: result.expiresAt, renewed: result.renewed, restored },
      200,
    );
  });

  const audit = createRoute({
    method: 'get',
    path: '/audit',
    summary: 'The audit log, newest first',
    request: { query: z.strictObject({ limit: limitQuery }) },
    responses: {
      200: jsonResponse(
        'Entries',
        z.array(
          z.object({
            at: z.string(),
            actor: z.string(),
            action: z.string(),
            subject: z.string(),
            detail: z.record(z.string(), z.unknown()),
          }),
        ),
      ),
      ...adminErrors,
    },
  });
  app.openapi(audit, async (c) => c.json(await listAudit(context.db, c.req.valid('query').limit ?? 100), 200));
  return app;
}
