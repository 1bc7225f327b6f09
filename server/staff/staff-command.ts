import { parseArgs } from 'node:util';
import { oneArgument, parseChoice, parseOptions } from '../cli/arguments.ts';
import { cliActor, withRegistry } from '../cli/registry-session.ts';
import { visibleOnOneLine } from '../cli/terminal-text.ts';
import { UsageError } from '../cli/usage.ts';
import type { Config } from '../env.ts';
import { newStaffSchema, type SetupLink, StaffAccounts, staffRoleSchema } from './staff-accounts.ts';

// `thiqa staff`: the console's accounts from the shell, the way the first administrator
// gets in (nobody can sign in to add them). The same operations as /admin/staff, audited.

export const STAFF_HELP = `thiqa staff add <email> --role <${staffRoleSchema.options.join('|')}> [--name <name>] [--as <name>]
  Adds a console account and prints its one-time set-up link (72 hours), on
  THIQA_PUBLIC_URL, else http://localhost:<THIQA_PORT>. --name defaults to the e-mail's name.
thiqa staff list [--json]
  Every account with its role and status (active, pending, locked, disabled).
thiqa staff disable <email> [--as <name>]
  Disables an account: its sessions end at once.
thiqa staff link <email> [--as <name>]
  A new set-up link (a forgotten password); older unused links stop working.`;

/** Where the console is reached: what a set-up link is built on. */
export const consoleOriginOf = (config: Config) => config.publicOrigin ?? `http://localhost:${config.port || 8787}`;

const withAccounts = <T>(work: (accounts: StaffAccounts, config: Config) => Promise<T>) =>
  withRegistry((registry, config) => work(new StaffAccounts(registry.db, () => new Date()), config));

function printLink(out: (line: string) => void, link: SetupLink, config: Config) {
  out(`set-up link for ${link.email}, valid once until ${link.expiresAt.toISOString()}:`);
  out(`${consoleOriginOf(config)}/admin/setup/${link.token}`);
}

export async function runStaff(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      as: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...rest] = positionals;
  switch (action) {
    case 'add': {
      const email = oneArgument(rest, 'staff add');
      const role = parseChoice(staffRoleSchema, values.role, '--role');
      const account = parseOptions(
        newStaffSchema,
        { email, role, name: values.name ?? email.trim().split('@')[0] ?? '' },
        { email: '<email>', name: '--name', role: '--role' },
      );
      const actor = cliActor(values.as);
      await withAccounts(async (accounts, config) => printLink(out, await accounts.add(account, actor), config));
      return 0;
    }
    case 'list': {
      if (rest.length > 0) throw new UsageError('staff list takes options only');
      const members = await withAccounts((accounts) => accounts.list());
      if (values.json) out(JSON.stringify(members, null, 2));
      else {
        for (const member of members) {
          out(
            `${member.email}  ${member.role.padEnd(9)}  ${member.status.padEnd(8)}  ${visibleOnOneLine(member.name)}`,
          );
        }
        out(`${members.length} account(s)`);
      }
      return 0;
    }
    case 'disable': {
      const email = oneArgument(rest, 'staff disable');
      const actor = cliActor(values.as);
      const result = await withAccounts((accounts) => accounts.disable(email, actor));
      out(result.changed ? `disabled: ${email}; its sessions have ended` : `already disabled: ${email}`);
      return 0;
    }
    case 'link': {
      const email = oneArgument(rest, 'staff link');
      const actor = cliActor(values.as);
      await withAccounts(async (accounts, config) => printLink(out, await accounts.newSetupLink(email, actor), config));
      return 0;
    }
    default:
      throw new UsageError('staff takes an action: add, list, disable or link');
  }
}
