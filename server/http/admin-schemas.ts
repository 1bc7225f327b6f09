import { z } from '@hono/zod-openapi';
import { reportStatusSchema } from '../reports/report-desk.ts';
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

export const moderatorReportSchema = z
  .object({
    receipt: z.string(),
    status: reportStatusSchema,
    domain: z.string(),
    url: z.string(),
    reason: z.string(),
    details: z.string().nullable(),
    contact: z.string().nullable(),
    lang: z.string().nullable(),
    publicReason: z.string().nullable(),
    complaintId: z.int().nullable(),
    receivedAt: z.string(),
  })
  .openapi('ModeratorReport');

export const complaintSchema = z
  .object({
    id: z.int(),
    domain: z.string(),
    category: z.string(),
    status: z.enum(['open', 'resolved']),
    reportReceipt: z.string().nullable(),
    openedAt: z.string(),
    openedBy: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
  })
  .openapi('Complaint');

export const limitQuery = z.coerce.number().int().min(1).max(1000).optional();
