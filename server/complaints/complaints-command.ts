import { parseArgs } from 'node:util';
import { LIST_OPTIONS, listFilter, oneArgument, parseChoice, parseOptions } from '../cli/arguments.ts';
import { cliActor, withRegistry } from '../cli/registry-session.ts';
import { withServiceContext } from '../cli/service-session.ts';
import { visibleOnOneLine } from '../cli/terminal-text.ts';
import { UsageError } from '../cli/usage.ts';
import {
  ComplaintBook,
  closeComplaintSchema,
  complaintIdSchema,
  complaintStatusSchema,
  staffOutcomeSchema,
} from './complaint-book.ts';
import { deadlinesSummary, runComplaintDeadlines } from './complaint-lifecycle.ts';

// `thiqa complaints`: the same operations as /v1/admin/complaints, audited.

export const COMPLAINTS_HELP = `thiqa complaints list [--status open|resolved|unanswered|unfounded] [--domain <d>] [--limit <n>] [--json]
thiqa complaints close <id> [--outcome resolved|unfounded] [--note "<text>"] [--as <name>]
  Closes an open complaint (resolved by default; unfounded after review). Also: resolve <id>.
thiqa complaints deadlines
  Reminds merchants of complaints left unanswered past the policy's period and closes as
  unanswered those reminded the most times; what \`thiqa serve\` does every hour.`;

const book = <T>(work: (book: ComplaintBook) => Promise<T>) =>
  withRegistry((registry) => work(new ComplaintBook(registry.db, () => new Date())));

export async function runComplaints(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...LIST_OPTIONS,
      note: { type: 'string' },
      outcome: { type: 'string' },
      as: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...rest] = positionals;
  if (action === 'list') {
    const complaints = await book((b) => b.list(listFilter(values, complaintStatusSchema)));
    if (values.json) out(JSON.stringify(complaints, null, 2));
    else {
      for (const c of complaints)
        out(
          `${String(c.id).padStart(6)}  ${c.status.padEnd(10)}  ${c.stage.padEnd(8)}  ${visibleOnOneLine(c.category).padEnd(13)}  ${c.domain}`,
        );
      out(`${complaints.length} complaint(s)`);
    }
    return 0;
  }
  // `resolve` is the name the command had before complaints closed with an outcome.
  if (action === 'close' || action === 'resolve') {
    const id = parseOptions(complaintIdSchema, oneArgument(rest, `complaints ${action}`), {
      '': `complaints ${action} <id>`,
    });
    const outcome =
      values.outcome === undefined ? undefined : parseChoice(staffOutcomeSchema, values.outcome, '--outcome');
    const decision = parseOptions(
      closeComplaintSchema,
      { ...(outcome ? { outcome } : {}), ...(values.note?.trim() ? { note: values.note } : {}) },
      { note: '--note', outcome: '--outcome' },
    );
    const result = await book((b) => b.close(id, decision, cliActor(values.as)));
    out(`complaint ${result.id} on ${result.domain}: closed as ${result.status}`);
    return 0;
  }
  if (action === 'deadlines') {
    if (rest.length > 0) throw new UsageError('complaints deadlines takes no argument');
    out(deadlinesSummary(await withServiceContext((context) => runComplaintDeadlines(context))));
    return 0;
  }
  throw new UsageError('complaints takes an action: list, close or deadlines');
}
