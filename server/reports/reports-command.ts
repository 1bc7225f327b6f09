import { parseArgs } from 'node:util';
import { complaintCategorySchema } from '../../src/directory/schemas.ts';
import { LIST_OPTIONS, listFilter, oneArgument, parseChoice, parseOptions } from '../cli/arguments.ts';
import { cliActor, withRegistry } from '../cli/registry-session.ts';
import { withServiceContext } from '../cli/service-session.ts';
import { visibleOnOneLine } from '../cli/terminal-text.ts';
import { UsageError } from '../cli/usage.ts';
import { complaintIdSchema } from '../complaints/complaint-book.ts';
import type { Forwarding } from '../complaints/complaint-lifecycle.ts';
import { acceptReportSchema, ReportQueue, rejectReportSchema, reportFilterSchema } from './report-queue.ts';

// `thiqa reports`: the same operations as /v1/admin/reports, each written to the audit log.

export const REPORTS_HELP = `thiqa reports list [--status new|received|under-review|accepted|rejected] [--domain <d>] [--limit <n>] [--json]
thiqa reports review <receipt> [--as <name>]
  Marks a report under review (the shopper sees that status).
thiqa reports accept <receipt> --category <category> [--note "<text>"] [--for-merchant "<text>"] [--as <name>]
  Opens a complaint on the report's domain; counted in the next publish. When a listed
  merchant holds the domain, the complaint is sent to it; --for-merchant is what the
  merchant reads: the complaint without the shopper's personal data.
  Categories: ${complaintCategorySchema.options.join(', ')}.
thiqa reports reject <receipt> --why "<text>" [--as <name>]
  The reason is shown to the shopper who asks for the report's status.
thiqa reports duplicate <receipt> --complaint <id> [--as <name>]
  Links the report to a complaint open on its domain; no complaint is added.`;

const FORWARDING_WORDS: Record<Forwarding, string> = {
  sent: 'sent to the merchant',
  unlisted: 'not sent: no listed merchant holds this domain',
  unreachable: 'not sent: the merchant has no contact address',
  'not-due': 'not sent',
  failed: 'not sent: forwarding failed (see the log)',
};

const queue = <T>(work: (queue: ReportQueue) => Promise<T>) =>
  withRegistry((registry) => work(new ReportQueue(registry.db, () => new Date())));

export async function runReports(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...LIST_OPTIONS,
      category: { type: 'string' },
      note: { type: 'string' },
      'for-merchant': { type: 'string' },
      why: { type: 'string' },
      complaint: { type: 'string' },
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
      const reports = await queue((q) => q.listReports(listFilter(values, reportFilterSchema)));
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
      const report = await queue((q) => q.review(oneArgument(rest, 'reports review'), actor));
      out(`${report.receipt}: under review`);
      return 0;
    }
    case 'accept': {
      const category = parseChoice(complaintCategorySchema, values.category, '--category');
      const decision = parseOptions(
        acceptReportSchema,
        {
          category,
          ...(values.note?.trim() ? { note: values.note } : {}),
          ...(values['for-merchant']?.trim() ? { merchantSummary: values['for-merchant'] } : {}),
        },
        { note: '--note', merchantSummary: '--for-merchant' },
      );
      const receipt = oneArgument(rest, 'reports accept');
      // The service's context, not the database alone: the complaint is mailed to its merchant.
      const result = await withServiceContext((context) => context.reportQueue.accept(receipt, decision, actor));
      out(
        `${result.report.receipt}: accepted; complaint ${result.complaintId} (${category}) open on ${result.report.domain}; ${FORWARDING_WORDS[result.forwarding]}`,
      );
      return 0;
    }
    case 'reject': {
      const decision = parseOptions(rejectReportSchema, { why: values.why ?? '' }, { why: '--why' });
      const report = await queue((q) => q.reject(oneArgument(rest, 'reports reject'), decision, actor));
      out(`${report.receipt}: rejected`);
      return 0;
    }
    case 'duplicate': {
      if (values.complaint === undefined) throw new UsageError('--complaint is required (an open complaint id)');
      const complaintId = parseOptions(complaintIdSchema, values.complaint, { '': '--complaint' });
      const report = await queue((q) => q.markDuplicate(oneArgument(rest, 'reports duplicate'), complaintId, actor));
      out(`${report.receipt}: accepted as a duplicate of complaint ${complaintId} on ${report.domain}`);
      return 0;
    }
    default:
      throw new UsageError('reports takes an action: list, review, accept, reject or duplicate');
  }
}
