import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { actorOf } from '../http/admin-auth.ts';
import { adminErrors, jsonBody, jsonResponse, limitQuery, problemResponse } from '../http/admin-schemas.ts';
import { validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { complaintIdSchema, complaintSchema, complaintStatusSchema, resolveComplaintSchema } from './complaint-book.ts';

export function adminComplaintsApp(context: ServiceContext) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const list = createRoute({
    method: 'get',
    path: '/',
    summary: 'Complaints',
    request: {
      query: z.strictObject({
        status: complaintStatusSchema.optional(),
        domain: z.string().optional(),
        limit: limitQuery,
      }),
    },
    responses: { 200: jsonResponse('Complaints', z.array(complaintSchema)), ...adminErrors },
  });
  app.openapi(list, async (c) => c.json(await context.complaints.list(c.req.valid('query')), 200));

  const resolve = createRoute({
    method: 'post',
    path: '/{id}/resolve',
    summary: 'Resolve an open complaint (it moves to the resolved counts at the next publish)',
    request: {
      // A malformed id (not digits, out of PostgreSQL's integer range) is a 400, as a malformed receipt is.
      params: z.object({ id: complaintIdSchema }),
      body: jsonBody(resolveComplaintSchema),
    },
    responses: {
      200: jsonResponse('Resolved', z.object({ id: z.int(), domain: z.string(), status: z.literal('resolved') })),
      ...adminErrors,
      404: problemResponse('No such complaint'),
      409: problemResponse('Already resolved'),
    },
  });
  app.openapi(resolve, async (c) =>
    c.json(
      await context.complaints.resolve(
        c.req.valid('param').id,
        c.req.valid('json'),
        actorOf(c.req.header('X-Thiqa-Actor')),
      ),
      200,
    ),
  );
  return app;
}
