import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ServiceError } from './service-error.ts';

// Every error answer is RFC 9457 problem details (`application/problem+json`); input
// errors list each field with its message so a client can point at it.

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Unavailable',
};

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  detail?: string,
  errors?: Problem['errors'],
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    ...(errors ? { errors } : {}),
  };
  return c.body(JSON.stringify(body), status, { 'Content-Type': 'application/problem+json', ...headers });
}

/** One entry per field; an unknown field is named as itself. */
export function fieldErrors(error: z.ZodError): NonNullable<Problem['errors']> {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: issue.path.length > 0 ? issue.path.join('.') : '(body)', message: issue.message }];
  });
}

/** The zod-openapi hook: a request that fails its schema gets a 400 problem. */
export function validationHook(result: { success: boolean; error?: unknown }, c: Context) {
  if (!result.success && result.error instanceof z.ZodError) {
    return problem(c, 400, 'the request does not match its schema', fieldErrors(result.error));
  }
  return undefined;
}

const SERVICE_STATUS: Record<ServiceError['kind'], ContentfulStatusCode> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
};

export function errorToProblem(error: Error, c: Context): Response {
  if (error instanceof ServiceError) {
    const errors = error.field ? [{ field: error.field, message: error.message }] : undefined;
    return problem(c, SERVICE_STATUS[error.kind], error.message, errors);
  }
  if (error instanceof HTTPException) {
    // A route that built its own problem response throws it this way.
    if (error.res) return error.getResponse();
    const status = error.status as ContentfulStatusCode;
    return problem(c, status, error.message || undefined);
  }
  // No stack, no request data in the log line: it may carry what a shopper typed.
  console.error(`thiqa: ${c.req.method} ${c.req.routePath}: ${error.name}: ${error.message}`);
  return problem(c, 500);
}
