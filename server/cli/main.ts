import { DirectoryFileError } from '../directory-source.ts';
import { CHECK_HELP, runCheck } from './check.ts';
import { DEMO_HELP, runDemo } from './demo.ts';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './usage.ts';

type Command = (args: string[], out: (line: string) => void) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  check: runCheck,
  demo: runDemo,
};

export const HELP = `thiqa — the Thiqa directory: check shops, publish the signed directory.

Usage: thiqa <command> [options]

${CHECK_HELP}

${DEMO_HELP}

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

export async function main(argv: string[], io: CliOutput = PROCESS_OUTPUT): Promise<number> {
  const [command, ...args] = argv;
  const out = (line: string) => io.out(line);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(HELP);
    return command === undefined ? EXIT_USAGE : 0;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command "${command}" (see thiqa --help)`);
    if (args.includes('--help') || args.includes('-h')) {
      out(HELP);
      return 0;
    }
    return await run(args, out);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`thiqa: ${(error as Error).message.split('\n')[0]}`);
      return EXIT_USAGE;
    }
    if (error instanceof DirectoryFileError) {
      io.err(`thiqa: ${error.message}`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}
