import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { complaintCategorySchema, flagReasonSchema } from '../../src/directory/schemas.ts';
import { cliActor, withRegistry } from '../cli/registry-session.ts';
import { visibleOnOneLine } from '../cli/terminal-text.ts';
import { UsageError } from '../cli/usage.ts';
import {
  acceptReportSchema,
  complaintIdSchema,
  flagDomainSchema,
  Moderation,
  rejectReportSchema,
  reportFilterSchema,
  resolveComplaintSchema,
} from './report-moderation.ts';

// Moderators' commands: the same operations as /v1/admin/*, each written to the audit log.

export const MODERATION_HELP = `thiqa flag <domain> --reason <reason> --summary "<text>" [--since <YYYY-MM-DD>] [--as <name>]
  Flags a shop domain (danger in every extension after the next publish); --since backdates
  the flag (default: today, or the date it was first flagged).
  Reasons: ${flagReasonSchema.options.join(', ')}.
thiqa unflag <domain> [--as <name>]
thiqa flags
  Lists flagged domains.
thiqa reports list [--status new|received|under-review|accepted|rejected] [--domain <d>] [--limit <n>] [--json]
thiqa reports review <receipt> [--as <name>]
  Marks a report under review (the shopper sees that status).
thiqa reports accept <receipt> --category <category> [--note "<text>"] [--as <name>]
  Opens a complaint on the report's domain; counted in the next publish.
  Categories: ${complaintCategorySchema.options.join(', ')}.
thiqa reports reject <receipt> --why "<text>" [--as <name>]
  The reason is shown to the shopper who asks for the report's status.
thiqa complaints list [--status open|resolved] [--domain <d>] [--limit <n>] [--json]
thiqa complaints resolve <id> [--note "<text>"] [--as <name>]
  --as <name>  who the audit log names (default: the system user)`;

function oneArgument(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`${what} takes exactly one argument`);
  return positionals[0] as string;
}

function limitOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new UsageError('--limit: a number from 1 to 10000');
  return limit;
}

function parseChoice<T extends string>(
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
function parseOptions<T extends z.ZodType>(schema: T, input: unknown, optionOf: Record<string, string>): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  throw new UsageError(`${optionOf[field] ?? field}: ${issue?.message ?? 'invalid'}`);
}

const moderation = <T>(work: (moderation: Moderation) => Promise<T>) =>
  withRegistry((registry) => work(new Moderation(registry.db, () => new Date())));

export async function runFlag(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      reason: { type: 'string' },
      summary: { type: 'string' },
      since: { type: 'string' },
      as: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const domain = oneArgument(positionals, 'flag');
  const reason = parseChoice(flagReasonSchema, values.reason, '--reason');
  const decision = parseOptions(
    flagDomainSchema,
    { reason, summary: values.summary ?? '', ...(values.since !== undefined ? { since: values.since } : {}) },
    { summary: '--summary', since: '--since' },
  );
  const flag = await moderation((m) => m.flag(domain, decision, cliActor(values.as)));
  out(`${flag.changed ? 'flagged' : 'already flagged'}: ${flag.domain} (${flag.reason}) since ${flag.since}`);
  return 0;
}

export async function runUnflag(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { as: { type: 'string' } }, allowPositionals: true });
  const result = await moderation((m) => m.unflag(oneArgument(positionals, 'unflag'), cliActor(values.as)));
  out(`unflagged: ${result.domain}`);
  return 0;
}

export async function runFlags(args: string[], out: (line: string) => void): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const flags = await moderation((m) => m.listFlags());
  for (const flag of flags) {
    out(`${flag.domain}  ${visibleOnOneLine(flag.reason)}  since ${flag.since}  ${visibleOnOneLine(flag.summary)}`);
  }
  if (flags.length === 0) out('no flagged domain');
  return 0;
}

export async function runReports(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      status: { type: 'string' },
      domain: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      category: { type: 'string' },
      note: { type: 'string' },
      why: { type: 'string' },
      as: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...rest] = positionals;
  const actor = cliActor(values.as);
  switch (action) {
    case 'list': {
      if (rest.length > 0) throw new UsageError('reports list takes options only');
      const status =
        values.status === undefined ? undefined : parseChoice(reportFilterSchema, values.status, '--status');
      const reports = await moderation((m) =>
        m.listReports({
          ...(status ? { status } : {}),
          ...(values.domain ? { domain: values.domain } : {}),
          ...(values.limit ? { limit: limitOption(values.limit) } : {}),
        }),
      );
      if (values.json) out(JSON.stringify(reports, null, 2));
      else {
        for (const report of reports) {
          out(
            `${report.receipt}  ${report.status.padEnd(12)}  ${visibleOnOneLine(report.reason).padEnd(13)}  ${report.domain}  ${report.receivedAt}`,
          );
          // A preview on one line: spaces and line breaks fold; anything else hidden shows escaped.
          if (report.details) out(`    ${visibleOnOneLine(report.details.replace(/[ \n]+/g, ' ').slice(0, 200))}`);
        }
        out(`${reports.length} report(s)`);
      }
      return 0;
    }
    case 'review': {
      const report = await moderation((m) => m.review(oneArgument(rest, 'reports review'), actor));
      out(`${report.receipt}: under review`);
      return 0;
    }
    case 'accept': {
      const category = parseChoice(complaintCategorySchema, values.category, '--category');
      const decision = parseOptions(
        acceptReportSchema,
        { category, ...(values.note?.trim() ? { note: values.note } : {}) },
        { note: '--note' },
      );
      const result = await moderation((m) => m.accept(oneArgument(rest, 'reports accept'), decision, actor));
      out(
        `${result.report.receipt}: accepted; complaint ${result.complaintId} (${category}) open on ${result.report.domain}`,
      );
      return 0;
    }
    case 'reject': {
      const decision = parseOptions(rejectReportSchema, { why: values.why ?? '' }, { why: '--why' });
      const report = await moderation((m) => m.reject(oneArgument(rest, 'reports reject'), decision, actor));
      out(`${report.receipt}: rejected`);
      return 0;
    }
    default:
      throw new UsageError('reports takes an action: list, review, accept or reject');
  }
}

export async function runComplaints(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      status: { type: 'string' },
      domain: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      note: { type: 'string' },
      as: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...rest] = positionals;
  if (action === 'list') {
    const status =
      values.status === undefined
        ? undefined
        : parseChoice({ options: ['open', 'resolved'] as const }, values.status, '--status');
    const complaints = await moderation((m) =>
      m.listComplaints({
        ...(status ? { status } : {}),
        ...(values.domain ? { domain: values.domain } : {}),
        ...(values.limit ? { limit: limitOption(values.limit) } : {}),
      }),
    );
    if (values.json) out(JSON.stringify(complaints, null, 2));
    else {
      for (const c of complaints)
        out(
          `${String(c.id).padStart(6)}  ${c.status.padEnd(8)}  ${visibleOnOneLine(c.category).padEnd(13)}  ${c.domain}`,
        );
      out(`${complaints.length} complaint(s)`);
    }
    return 0;
  }
  if (action === 'resolve') {
    const id = parseOptions(complaintIdSchema, oneArgument(rest, 'complaints resolve'), {
      '': 'complaints resolve <id>',
    });
    const decision = parseOptions(resolveComplaintSchema, values.note?.trim() ? { note: values.note } : {}, {
      note: '--note',
    });
    const result = await moderation((m) => m.resolveComplaint(id, decision, cliActor(values.as)));
    out(`complaint ${result.id} on ${result.domain}: resolved`);
    return 0;
  }
  throw new UsageError('complaints takes an action: list or resolve');
}
