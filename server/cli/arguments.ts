import type { z } from 'zod';
import { UsageError } from './usage.ts';

// How every staff command reads its arguments; a bad one is a usage error naming it.

export function oneArgument(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`${what} takes exactly one argument`);
  return positionals[0] as string;
}

export function limitOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new UsageError('--limit: a number from 1 to 10000');
  return limit;
}

export function parseChoice<T extends string>(
  schema: { options: readonly T[] },
  value: string | undefined,
  option: string,
): T {
  if (value === undefined) throw new UsageError(`${option} is required (${schema.options.join(', ')})`);
  if (!schema.options.includes(value as T)) throw new UsageError(`${option}: one of ${schema.options.join(', ')}`);
  return value as T;
}

/**
 * Options checked by the admin API's own schema, so the CLI and the API hold the same
 * rules (the text policy among them); a refusal names the option, as usage errors do.
 */
export function parseOptions<T extends z.ZodType>(
  schema: T,
  input: unknown,
  optionOf: Record<string, string>,
): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  throw new UsageError(`${optionOf[field] ?? field}: ${issue?.message ?? 'invalid'}`);
}

/** The options every listing command takes. */
export const LIST_OPTIONS = {
  status: { type: 'string' },
  domain: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `--status`, `--domain` and `--limit` as the filter of a listing. */
export function listFilter<T extends string>(
  values: { status?: string | undefined; domain?: string | undefined; limit?: string | undefined },
  statuses: { options: readonly T[] },
): { status?: T; domain?: string; limit?: number } {
  const status = values.status === undefined ? undefined : parseChoice(statuses, values.status, '--status');
  const limit = limitOption(values.limit);
  return {
    ...(status ? { status } : {}),
    ...(values.domain ? { domain: values.domain } : {}),
    ...(limit ? { limit } : {}),
  };
}
