import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import {
  receiptParamsSchema,
  reporterOutcomeSchema,
  reportStatusViewSchema,
} from '../../src/directory/report-contract.ts';
import { problemResponse } from '../http/admin-schemas.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { recordReporterOutcome } from './reporter-outcome.ts';

// What the shopper says with a report's key once the merchant answered, for the extension
// (the portal calls the same function from its form): the problem is solved, a rating of
// the answer, or both. The work is in recordReporterOutcome; this route only reads the
// request and the key. (Withdrawal, `DELETE /v1/reports/{receipt}`, is in report-routes.ts.) They spend no report
// allowance: the key (256 bits) is what stops a stranger, not a rate.

const statusSchema = reportStatusViewSchema.openapi('ReportStatus');
const bearer = z.object({
  authorization: z.string().regex(/^Bearer \S+$/, { message: 'must be Bearer <editToken>' }),
});
const tokenOf = (header: { authorization: string }) => header.authorization.slice('Bearer '.length);

export function registerReporterActions(app: OpenAPIHono, context: ServiceContext, limitBody: MiddlewareHandler): void {
  const outcome = createRoute({
    method: 'post',
    path: '/{receipt}/outcome',
    summary: "The shopper's word once the merchant answered: solved, a rating, or both",
    security: [{ editToken: [] }],
    middleware: [limitBody] as const,
    request: {
      params: receiptParamsSchema,
      headers: bearer,
      body: { required: true, content: { 'application/json': { schema: reporterOutcomeSchema } } },
    },
    responses: {
      200: { description: 'Recorded', content: { 'application/json': { schema: statusSchema } } },
      400: problemResponse('Fields that fail the schema'),
      403: problemResponse('Wrong edit token'),
      404: problemResponse('No report with this receipt'),
      409: problemResponse('Not answered yet, or already closed'),
    },
  });
  app.openapi(outcome, async (c) => {
    const { receipt } = c.req.valid('param');
    return c.json(
      await recordReporterOutcome(context, receipt, tokenOf(c.req.valid('header')), c.req.valid('json')),
      200,
    );
  });
}
