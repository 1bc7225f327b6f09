import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { receiptParamsSchema } from '../../src/directory/report-contract.ts';
import { forwardingSchema } from '../complaints/complaint-lifecycle.ts';
import { actorOf } from '../http/admin-auth.ts';
import { adminErrors, jsonBody, jsonResponse, limitQuery, problemResponse } from '../http/admin-schemas.ts';
import { validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import {
  acceptReportSchema,
  duplicateReportSchema,
  moderatorReportSchema,
  rejectReportSchema,
  reportFilterSchema,
} from './report-queue.ts';

const decided = {
  ...adminErrors,
  404: problemResponse('No such report'),
  409: problemResponse('Already accepted or rejected'),
};

export function adminReportsApp(context: ServiceContext) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const list = createRoute({
    method: 'get',
    path: '/',
    summary: 'Reports, oldest first (status=new for the ones nobody looked at)',
    request: {
      query: z.strictObject({
        status: reportFilterSchema.optional(),
        domain: z.string().optional(),
        limit: limitQuery,
      }),
    },
    responses: { 200: jsonResponse('Reports', z.array(moderatorReportSchema)), ...adminErrors },
  });
  app.openapi(list, async (c) => c.json(await context.reportQueue.listReports(c.req.valid('query')), 200));

  const review = createRoute({
    method: 'post',
    path: '/{receipt}/review',
    summary: 'Mark a report under review (the shopper sees it)',
    request: { params: receiptParamsSchema },
    responses: { 200: jsonResponse('The report', moderatorReportSchema), ...decided },
  });
  app.openapi(review, async (c) =>
    c.json(await context.reportQueue.review(c.req.valid('param').receipt, actorOf(c.req.header('X-Thiqa-Actor'))), 200),
  );

  const accept = createRoute({
    method: 'post',
    path: '/{receipt}/accept',
    summary:
      "Accept a report: opens a complaint on its domain, counted in the next publish, and sends it to the domain's listed merchant",
    request: { params: receiptParamsSchema, body: jsonBody(acceptReportSchema) },
    responses: {
      200: jsonResponse(
        'The report and its complaint',
        z.object({ report: moderatorReportSchema, complaintId: z.int(), forwarding: forwardingSchema }),
      ),
      ...decided,
    },
  });
  app.openapi(accept, async (c) =>
    c.json(
      await context.reportQueue.accept(
        c.req.valid('param').receipt,
        c.req.valid('json'),
        actorOf(c.req.header('X-Thiqa-Actor')),
      ),
      200,
    ),
  );

  const reject = createRoute({
    method: 'post',
    path: '/{receipt}/reject',
    summary: 'Reject a report; `why` is shown to the shopper',
    request: { params: receiptParamsSchema, body: jsonBody(rejectReportSchema) },
    responses: { 200: jsonResponse('The report', moderatorReportSchema), ...decided },
  });
  app.openapi(reject, async (c) =>
    c.json(
      await context.reportQueue.reject(
        c.req.valid('param').receipt,
        c.req.valid('json'),
        actorOf(c.req.header('X-Thiqa-Actor')),
      ),
      200,
    ),
  );

  const duplicate = createRoute({
    method: 'post',
    path: '/{receipt}/duplicate',
    summary:
      'Accept a report as a duplicate of a complaint open on its domain: the report is linked to it, no complaint is added',
    request: { params: receiptParamsSchema, body: jsonBody(duplicateReportSchema) },
    responses: {
      200: jsonResponse('The report, linked to the complaint', moderatorReportSchema),
      ...decided,
      400: problemResponse('Input that fails its schema, no such complaint, or a complaint on another domain'),
      409: problemResponse('The report is already decided, or the complaint is resolved'),
    },
  });
  app.openapi(duplicate, async (c) =>
    c.json(
      await context.reportQueue.markDuplicate(
        c.req.valid('param').receipt,
        c.req.valid('json').complaintId,
        actorOf(c.req.header('X-Thiqa-Actor')),
      ),
      200,
    ),
  );
  return app;
}
