import { z } from '@hono/zod-openapi';
import { problemSchema } from './problem.ts';

export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

export const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const adminErrors = {
  400: problemResponse('Input that fails its schema'),
  401: problemResponse('No bearer token'),
  403: problemResponse('Wrong bearer token'),
};

export const limitQuery = z.coerce.number().int().min(1).max(1000).optional();
