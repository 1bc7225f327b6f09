import { parseArgs } from 'node:util';
import { flagReasonSchema } from '../../src/directory/schemas.ts';
import { oneArgument, parseChoice, parseOptions } from '../cli/arguments.ts';
import { cliActor, withRegistry } from '../cli/registry-session.ts';
import { visibleOnOneLine } from '../cli/terminal-text.ts';
import { FlaggedDomains, flagDomainSchema } from './flagged-domains.ts';

// `thiqa flag`, `unflag`, `flags`: the same operations as /v1/admin/flags, audited.

export const FLAGS_HELP = `thiqa flag <domain> --reason <reason> --summary "<text>" [--since <YYYY-MM-DD>] [--as <name>]
  Flags a shop domain (danger in every extension after the next publish); --since backdates
  the flag (default: today, or the date it was first flagged).
  Reasons: ${flagReasonSchema.options.join(', ')}.
thiqa unflag <domain> [--as <name>]
thiqa flags
  Lists flagged domains.`;

const flagged = <T>(work: (flags: FlaggedDomains) => Promise<T>) =>
  withRegistry((registry) => work(new FlaggedDomains(registry.db, () => new Date())));

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
  const flag = await flagged((flags) => flags.flag(domain, decision, cliActor(values.as)));
  out(`${flag.changed ? 'flagged' : 'already flagged'}: ${flag.domain} (${flag.reason}) since ${flag.since}`);
  return 0;
}

export async function runUnflag(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { as: { type: 'string' } }, allowPositionals: true });
  const result = await flagged((flags) => flags.unflag(oneArgument(positionals, 'unflag'), cliActor(values.as)));
  out(`unflagged: ${result.domain}`);
  return 0;
}

export async function runFlags(args: string[], out: (line: string) => void): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const flags = await flagged((flags) => flags.list());
  for (const flag of flags) {
    out(`${flag.domain}  ${visibleOnOneLine(flag.reason)}  since ${flag.since}  ${visibleOnOneLine(flag.summary)}`);
  }
  if (flags.length === 0) out('no flagged domain');
  return 0;
}
