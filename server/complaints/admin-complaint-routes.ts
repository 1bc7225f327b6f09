import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { actorOf } from '../http/admin-auth.ts';
import { adminErrors, jsonBody, jsonResponse, limitQuery, problemResponse } from '../http/admin-schemas.ts';
import { validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import {
  closeComplaintSchema,
  complaintIdSchema,
  complaintSchema,
  complaintStatusSchema,
  staffOutcomeSchema,
} from './complaint-book.ts';

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
    summary:
      'Close an open complaint: resolved (the default; it moves to the resolved counts at the next publish) or unfounded after review (counted neither open nor resolved)',
    request: {
      // A malformed id (not digits, out of PostgreSQL's integer range) is a 400, as a malformed receipt is.
      params: z.object({ id: complaintIdSchema }),
      body: jsonBody(closeComplaintSchema),
    },
    responses: {
      200: jsonResponse('Closed', z.object({ id: z.int(), domain: z.string(), status: staffOutcomeSchema })),
      ...adminErrors,
      404: problemResponse('No such complaint'),
      409: problemResponse('Already closed'),
    },
  });
  app.openapi(resolve, async (c) =>
    c.json(
      await context.complaints.close(
        c.req.valid('param').id,
        c.req.valid('json'),
        actorOf(c.req.header('X-Thiqa-Actor')),
      ),
      200,
    ),
  );
  return app;
}
