import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { actorOf } from '../http/admin-auth.ts';
import { adminErrors, jsonBody, jsonResponse, problemResponse } from '../http/admin-schemas.ts';
import { validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { flagDomainSchema } from './flagged-domains.ts';

const flagSchema = z
  .object({ domain: z.string(), reason: z.string(), since: z.string(), summary: z.string() })
  .openapi('FlaggedDomain');
const domainParams = z.object({
  domain: z
    .string()
    .max(253)
    .openapi({ param: { name: 'domain', in: 'path' } }),
});

export function adminFlagsApp(context: ServiceContext) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const list = createRoute({
    method: 'get',
    path: '/',
    summary: 'Flagged domains',
    responses: {
      200: jsonResponse('Flags', z.array(flagSchema.extend({ flaggedBy: z.string() }))),
      ...adminErrors,
    },
  });
  app.openapi(list, async (c) => c.json(await context.flags.list(), 200));

  const put = createRoute({
    method: 'put',
    path: '/{domain}',
    summary: 'Flag a domain (danger in every extension after the next publish)',
    request: { params: domainParams, body: jsonBody(flagDomainSchema) },
    responses: { 200: jsonResponse('The flag', flagSchema.extend({ changed: z.boolean() })), ...adminErrors },
  });
  app.openapi(put, async (c) =>
    c.json(
      await context.flags.flag(
        c.req.valid('param').domain,
        c.req.valid('json'),
        actorOf(c.req.header('X-Thiqa-Actor')),
      ),
      200,
    ),
  );

  const remove = createRoute({
    method: 'delete',
    path: '/{domain}',
    summary: 'Remove a flag',
    request: { params: domainParams },
    responses: {
      200: jsonResponse('Removed', z.object({ domain: z.string(), flagged: z.literal(false) })),
      ...adminErrors,
      404: problemResponse('Not flagged'),
    },
  });
  app.openapi(remove, async (c) =>
    c.json(await context.flags.unflag(c.req.valid('param').domain, actorOf(c.req.header('X-Thiqa-Actor'))), 200),
  );
  return app;
}
