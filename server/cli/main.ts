import { COMPLAINTS_HELP, runComplaints } from '../complaints/complaints-command.ts';
import { DatabaseBusyError } from '../db/database.ts';
import { CHECK_HELP, runCheck } from '../directory/check-command.ts';
import { DirectoryFileError } from '../directory/directory-source.ts';
import { KEYS_HELP, runKeys } from '../directory/keys-command.ts';
import { PUBLISH_HELP, runPublish } from '../directory/publish-command.ts';
import { ConfigError } from '../env.ts';
import { FLAGS_HELP, runFlag, runFlags, runUnflag } from '../flags/flags-command.ts';
import { runServe, SERVE_HELP } from '../http/serve-command.ts';
import { ServiceError } from '../http/service-error.ts';
import { IMPORT_HELP, runImport } from '../merchants/import-command.ts';
import { PURGE_HELP, runPurge } from '../privacy/purge-command.ts';
import { REPORTS_HELP, runReports } from '../reports/reports-command.ts';
import { runStaff, STAFF_HELP } from '../staff/staff-command.ts';
import { visibleOnTerminal } from './terminal-text.ts';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './usage.ts';

export type Command = (args: string[], out: (line: string) => void) => Promise<number>;

/** Each command with the part of the help that is its own (`thiqa <command> --help`). */
const COMMANDS: Record<string, { run: Command; help: string }> = {
  check: { run: runCheck, help: CHECK_HELP },
  keys: { run: runKeys, help: KEYS_HELP },
  import: { run: runImport, help: IMPORT_HELP },
  publish: { run: runPublish, help: PUBLISH_HELP },
  serve: { run: runServe, help: SERVE_HELP },
  flag: { run: runFlag, help: FLAGS_HELP },
  unflag: { run: runUnflag, help: FLAGS_HELP },
  flags: { run: runFlags, help: FLAGS_HELP },
  reports: { run: runReports, help: REPORTS_HELP },
  complaints: { run: runComplaints, help: COMPLAINTS_HELP },
  staff: { run: runStaff, help: STAFF_HELP },
  purge: { run: runPurge, help: PURGE_HELP },
};

export const HELP = `thiqa — the Thiqa directory: check shops, publish the signed directory.

Usage: thiqa <command> [options]

${CHECK_HELP}

${KEYS_HELP}

${IMPORT_HELP}

${PUBLISH_HELP}

${SERVE_HELP}

${FLAGS_HELP}

${REPORTS_HELP}

${COMPLAINTS_HELP}

${STAFF_HELP}

${PURGE_HELP}

Moderation commands take --as <name>: who the audit log names (default: the system user).

Environment (parsed at start; a wrong value stops with a message):
  THIQA_DATA_DIR     data folder: PGlite database, signing keys, published files (default ./.thiqa)
  DATABASE_URL       postgres://user:password@host/db to use a PostgreSQL server instead of PGlite
  THIQA_PORT         HTTP port of serve and demo (default 8787)
  THIQA_ADMIN_TOKEN  bearer token of /v1/admin/* (24+ characters of A-Z a-z 0-9 - . _ ~ + /, = at the end; closed when unset)
  THIQA_PUBLIC_KEYS  keys check verifies a published manifest with (optional)

thiqa --help
  Prints this help.

Exit codes: 0 success, 1 failure (e.g. a directory file that fails its schema),
2 bad usage (one line on stderr).`;

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const PROCESS_OUTPUT: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Every line a command writes goes through here: untrusted text shows its controls escaped. */
function visibleOutput(output: CliOutput): CliOutput {
  return {
    out: (line) => output.out(visibleOnTerminal(line)),
    err: (line) => output.err(visibleOnTerminal(line)),
  };
}

export async function main(argv: string[], output: CliOutput = PROCESS_OUTPUT): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    visibleOutput(output).out(HELP);
    return command === undefined ? EXIT_USAGE : 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    visibleOutput(output).err(`thiqa: unknown command "${command}" (see thiqa --help)`);
    return EXIT_USAGE;
  }
  return runCommand(entry.run, entry.help, args, output);
}

/**
 * Runs one command as the shell sees it: `--help` prints `help`, a usage error is one
 * line and exit 2, a refusal one line and exit 1. Also used by scripts (the demo).
 */
export async function runCommand(
  run: Command,
  help: string,
  args: string[],
  output: CliOutput = PROCESS_OUTPUT,
): Promise<number> {
  const io = visibleOutput(output);
  try {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(help);
      return 0;
    }
    return await run(args, (line) => io.out(line));
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`thiqa: ${(error as Error).message.split('\n')[0]}`);
      return EXIT_USAGE;
    }
    if (
      error instanceof DirectoryFileError ||
      error instanceof ServiceError ||
      error instanceof ConfigError ||
      error instanceof DatabaseBusyError
    ) {
      io.err(`thiqa: ${error.message}`);
      return EXIT_FAILURE;
    }
    // A defect of ours: the whole story for the bug report, its text made visible too.
    io.err(`thiqa: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT_FAILURE;
  }
}
