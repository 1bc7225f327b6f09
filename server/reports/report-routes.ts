import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import {
  MAX_REPORT_BODY_BYTES,
  receiptParamsSchema,
  reportAmendmentSchema,
  reportCreatedSchema,
  reporterOutcomeSchema,
  reportRequestSchema,
  reportStatusViewSchema,
} from '../../src/directory/report-contract.ts';
import { problemResponse } from '../http/admin-schemas.ts';
import { type ClientRateLimiter, rateLimited } from '../http/client-rate-limit.ts';
import { problem, validationHook } from '../http/problem.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { withdrawReport } from './report-withdrawal.ts';
import { recordReporterOutcome } from './reporter-outcome.ts';

// Shoppers' reports: sent from the extension (or any client) with an idempotency key,
// followed by receipt, amended with the secret returned at creation.

// The contract's shapes, named in the OpenAPI document.
const createdSchema = reportCreatedSchema.openapi('ReportCreated');
const statusSchema = reportStatusViewSchema.openapi('ReportStatus');

const EXTENSION_ORIGIN = /^(?:chrome|moz)-extension:\/\/[a-z0-9-]+$/i;

/** Only browser extensions call this API from a page context; web pages may not. */
const extensionPreflight = cors({
  origin: (origin) => (EXTENSION_ORIGIN.test(origin) ? origin : null),
  allowMethods: ['POST', 'PATCH', 'GET', 'DELETE'],
  allowHeaders: ['Content-Type', 'Authorization'],
  maxAge: 600,
});

/**
 * Hono's cors for preflights; for the requests themselves the same headers, set before the
 * route answers. Hono's cors adds `Vary` once the answer is made, and on @hono/node-server
 * changing a made answer's headers rebuilds it as a web Response with a body stream (about
 * 6 % of a report's CPU time in the intake bench's profile).
 */
const extensionCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS') return extensionPreflight(c, next);
  const origin = c.req.header('origin');
  if (origin !== undefined && EXTENSION_ORIGIN.test(origin)) c.header('Access-Control-Allow-Origin', origin);
  c.header('Vary', 'Origin', { append: true });
  await next();
};

const tooLarge = (c: Context) => problem(c, 413, `a report is at most ${MAX_REPORT_BODY_BYTES} bytes`);
const countBody = bodyLimit({ maxSize: MAX_REPORT_BODY_BYTES, onError: tooLarge });

/**
 * A body with a Content-Length (what every client sends with a report) is judged by that
 * header, as Hono's bodyLimit judges it, but without asking for `c.req.raw.body` first: on
 * @hono/node-server that builds a whole web Request and stream for the body (a fifth of a
 * report's CPU time in the intake bench's profile), where reading the JSON straight from
 * Node's request needs neither. A chunked body is counted as it arrives, by bodyLimit.
 */
const limitBody: MiddlewareHandler = async (c, next) => {
  const length = c.req.header('content-length');
  if (length === undefined || c.req.header('transfer-encoding') !== undefined) return countBody(c, next);
  if (Number.parseInt(length, 10) > MAX_REPORT_BODY_BYTES) return tooLarge(c);
  await next();
};

/** Past the client's allowance (shared with the portal's report form). */
const reportRateLimit = (limiter: ClientRateLimiter) =>
  rateLimited(limiter, (c) => problem(c, 429, 'too many reports from this client; try again later'));

/** A shopper's action on their report without its edit token is a 401, before anything is read. */
const editTokenRequired: MiddlewareHandler = async (c, next) => {
  if (!/^Bearer \S+$/.test(c.req.header('Authorization') ?? '')) {
    return problem(c, 401, "send the report's edit token: Authorization: Bearer <editToken>", undefined, {
      'WWW-Authenticate': 'Bearer',
    });
  }
  await next();
};

export function reportsApp(context: ServiceContext, limiter: ClientRateLimiter) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use('*', extensionCors);
  const submit = createRoute({
    method: 'post',
    path: '/',
    summary: 'Report a shop',
    middleware: [limitBody, reportRateLimit(limiter)] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: reportRequestSchema } } },
    },
    responses: {
      201: {
        description: 'Stored (or already stored under this idempotency key)',
        content: { 'application/json': { schema: createdSchema } },
      },
      400: problemResponse('Not JSON, or fields that fail the schema (listed in errors)'),
      409: problemResponse('The idempotency key was used for a different report'),
      413: problemResponse('Body over 16 KB'),
      415: problemResponse('Not application/json'),
      429: problemResponse('Too many reports from this client (see Retry-After)'),
    },
  });
  app.openapi(submit, async (c) => {
    const created = await context.reports.submit(c.req.valid('json'));
    if (created.replayed) c.header('Idempotent-Replayed', 'true');
    return c.json({ receipt: created.receipt, status: created.status, editToken: created.editToken }, 201);
  });

  const status = createRoute({
    method: 'get',
    path: '/{receipt}',
    summary: "A report's status",
    request: { params: receiptParamsSchema },
    responses: {
      200: { description: 'Status', content: { 'application/json': { schema: statusSchema } } },
      404: problemResponse('No report with this receipt'),
    },
  });
  app.openapi(status, async (c) => c.json(await context.reports.status(c.req.valid('param').receipt), 200));

  const amend = createRoute({
    method: 'patch',
    path: '/{receipt}',
    summary: 'Change the reason or details of a report not yet decided',
    security: [{ editToken: [] }],
    middleware: [limitBody, reportRateLimit(limiter)] as const,
    request: {
      params: receiptParamsSchema,
      headers: z.object({ authorization: z.string().regex(/^Bearer \S+$/, { message: 'must be Bearer <editToken>' }) }),
      body: { required: true, content: { 'application/json': { schema: reportAmendmentSchema } } },
    },
    responses: {
      200: { description: 'Amended', content: { 'application/json': { schema: statusSchema } } },
      400: problemResponse('Fields that fail the schema'),
      403: problemResponse('Wrong edit token'),
      404: problemResponse('No report with this receipt'),
      409: problemResponse('Already accepted or rejected'),
    },
  });
  app.openapi(amend, async (c) => {
    const token = c.req.valid('header').authorization.slice('Bearer '.length);
    return c.json(await context.reports.amend(c.req.valid('param').receipt, token, c.req.valid('json')), 200);
  });

  const outcome = createRoute({
    method: 'post',
    path: '/{receipt}/outcome',
    summary:
      "The shopper's word once the merchant answered: `resolved: true` closes the complaint as resolved; `rating` rates the answer (again later, to change it)",
    security: [{ editToken: [] }],
    middleware: [editTokenRequired, limitBody, reportRateLimit(limiter)] as const,
    request: {
      params: receiptParamsSchema,
      // Optional here so that a request without it is a 401, not a schema error.
      headers: z.object({ authorization: z.string().optional() }),
      body: { required: true, content: { 'application/json': { schema: reporterOutcomeSchema } } },
    },
    responses: {
      200: {
        description: "The report's status, with the complaint",
        content: { 'application/json': { schema: statusSchema } },
      },
      400: problemResponse('Fields that fail the schema (give resolved, rating or both)'),
      401: problemResponse('No `Authorization: Bearer <editToken>`'),
      403: problemResponse('Wrong edit token'),
      404: problemResponse('No report with this receipt'),
      409: problemResponse(
        'Not accepted into a complaint, the merchant has not answered yet, or (to confirm a resolution) the complaint is already closed',
      ),
    },
  });
  app.openapi(outcome, async (c) => {
    const token = (c.req.valid('header').authorization ?? '').slice('Bearer '.length);
    const receipt = c.req.valid('param').receipt;
    return c.json(await recordReporterOutcome(context, receipt, token, c.req.valid('json')), 200);
  });

  const withdraw = createRoute({
    method: 'delete',
    path: '/{receipt}',
    summary: 'Withdraw a report: its details, contact and page path are erased at once',
    description:
      "The report turns `withdrawn` and leaves the moderators' queue. A complaint already opened from it stays " +
      'and keeps counting; it holds nothing the shopper typed. Later amendments answer 409.',
    security: [{ editToken: [] }],
    middleware: [reportRateLimit(limiter)] as const,
    request: {
      params: receiptParamsSchema,
      headers: z.object({ authorization: z.string().optional() }),
    },
    responses: {
      200: { description: 'Withdrawn', content: { 'application/json': { schema: statusSchema } } },
      401: problemResponse('No `Authorization: Bearer` header with the edit token'),
      403: problemResponse('Wrong edit token'),
      404: problemResponse('No report with this receipt'),
      409: problemResponse('Already withdrawn'),
      429: problemResponse('Too many requests from this client (see Retry-After)'),
    },
  });
  app.openapi(withdraw, async (c) => {
    const token = /^Bearer (\S+)$/.exec(c.req.valid('header').authorization ?? '')?.[1];
    if (!token) {
      return problem(c, 401, 'send the edit token: Authorization: Bearer <editToken>', undefined, {
        'WWW-Authenticate': 'Bearer',
      }) as never;
    }
    return c.json(await withdrawReport(context, c.req.valid('param').receipt, token), 200);
  });
  return app;
}
