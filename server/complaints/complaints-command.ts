import { parseArgs } from 'node:util';
import { LIST_OPTIONS, listFilter, oneArgument, parseOptions } from '../cli/arguments.ts';
import { cliActor, withRegistry } from '../cli/registry-session.ts';
import { visibleOnOneLine } from '../cli/terminal-text.ts';
import { UsageError } from '../cli/usage.ts';
import { ComplaintBook, complaintIdSchema, complaintStatusSchema, resolveComplaintSchema } from './complaint-book.ts';

// `thiqa complaints`: the same operations as /v1/admin/complaints, audited.

export const COMPLAINTS_HELP = `thiqa complaints list [--status open|resolved] [--domain <d>] [--limit <n>] [--json]
thiqa complaints resolve <id> [--note "<text>"] [--as <name>]`;

const book = <T>(work: (book: ComplaintBook) => Promise<T>) =>
  withRegistry((registry) => work(new ComplaintBook(registry.db, () => new Date())));

export async function runComplaints(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...LIST_OPTIONS,
      note: { type: 'string' },
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
    const result = await book((b) => b.resolve(id, decision, cliActor(values.as)));
    out(`complaint ${result.id} on ${result.domain}: resolved`);
    return 0;
  }
  throw new UsageError('complaints takes an action: list or resolve');
}
