import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importMerchants, readImportFile } from '../import/merchant-import.ts';
import { cliActor, withRegistry } from './registry-session.ts';
import { EXIT_FAILURE, UsageError } from './usage.ts';

export const IMPORT_HELP = `thiqa import <file.csv|file.json> [--dry-run] [--partial] [--as <name>]
  Adds or updates merchants (matched by ICE, then by domain; importing the same file again
  changes nothing). CSV: comma or semicolon separated, UTF-8 with or without BOM, CRLF or LF.
  Columns: domains (;-separated), legal_name, trade_name, ice, rc, city, phone, email, status
  (verified|suspended|revoked), verified_at (YYYY-MM-DD), verified_by, methods (;-separated:
  commercial-register, phone-call, site-visit, document-check), labels (;-separated
  kind[:reference][@[issued..]valid-until], kinds e-thiq, cndp, cmi, fnem, other; e.g.
  "e-thiq@2027-06-30; cndp:D-W-903/2024@2029-01-01; cmi"; no issued, no issue date), social (;-separated network:handle),
  facebook, instagram, tiktok, whatsapp, youtube, x, snapchat, and optionally id.
  JSON: an array of rows with the same names, or merchants as published (a snapshot file).
  Every bad row is printed as file:line: column: reason.
  --dry-run     check everything, write nothing
  --partial     import the good rows even when some are bad (default: all or nothing)
  --as <name>   who the audit log names (default: the system user)
  Exit 0 when written (or a clean dry run), 1 when a row is bad and nothing was written.`;

export async function runImport(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'dry-run': { type: 'boolean' }, partial: { type: 'boolean' }, as: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('import takes exactly one file');
  const path = positionals[0] as string;
  if (!/\.(csv|json)$/i.test(path)) throw new UsageError(`${path}: import reads .csv or .json files`);
  const content = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: cannot read (${error.code ?? error.message})`);
  });
  const file = readImportFile(path, content);
  if ('problems' in file) {
    for (const problem of file.problems) out(`${path}:${problem.line}: ${problem.column}: ${problem.message}`);
    return EXIT_FAILURE;
  }
  const result = await withRegistry((registry) =>
    importMerchants(registry.db, file.rows, {
      dryRun: values['dry-run'] === true,
      partial: values.partial === true,
      now: new Date(),
      actor: cliActor(values.as),
    }),
  );
  for (const problem of result.problems) out(`${path}:${problem.line}: ${problem.column}: ${problem.message}`);
  const counts = `${result.rows} rows: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.skipped} bad`;
  if (values['dry-run']) out(`dry run, nothing written. ${counts}`);
  else if (result.written) out(`imported. ${counts}`);
  else out(`nothing imported (all or nothing; --partial imports the good rows). ${counts}`);
  return result.written || (values['dry-run'] && result.problems.length === 0) ? 0 : EXIT_FAILURE;
}
