import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { cliActor, withRegistry } from '../cli/registry-session.ts';
import { EXIT_FAILURE, UsageError } from '../cli/usage.ts';
import { keepHeapNearLiveSize } from '../heap-growth.ts';
import { importColumnsHelp } from './import-columns-doc.ts';
import { MAX_LOOKALIKE_CHECKED_DOMAINS } from './import-lookalikes.ts';
import type { ConflictSide } from './import-plan.ts';
import { importMerchantFile } from './import-write.ts';

export const IMPORT_HELP = `thiqa import <file.csv|file.json> [--dry-run] [--partial] [--accept-conflicts] [--as <name>]
  Adds or updates merchants (matched by ICE, then by domain; importing the same file again
  changes nothing). CSV: comma or semicolon separated, UTF-8 with or without BOM, CRLF or LF.
  Columns (header names; case, spaces and dashes ignored):
${importColumnsHelp('    ')}
  JSON: an array of rows with the same names, or merchants as published (a snapshot file).
  Every bad row is printed as file:line: column: reason.
  Conflicts are rows that would undo what the registry vouches for: a domain going to another
  legal entity (another ICE than its merchant's), or a suspended or revoked merchant made
  verified (or revoked made suspended). Each is printed with the registry's record and the
  file's line, and refused like a bad row.
  --dry-run           check everything, write nothing
  --partial           import the good rows even when some are bad or in conflict
                      (default: all or nothing)
  --accept-conflicts  import conflicting rows too; the audit log records each conflict
                      (who, which merchant, old and new ICE and status)
  --as <name>         who the audit log names (default: the system user)
  Exit 0 when written (or a clean dry run), 1 when a row is bad or in conflict and nothing
  was written.`;

function describeSide(side: ConflictSide): string {
  return `ICE ${side.ice}, ${side.legalName}, ${side.status}, ${side.domains.join(' ')}`;
}

export async function runImport(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean' },
      partial: { type: 'boolean' },
      'accept-conflicts': { type: 'boolean' },
      as: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('import takes exactly one file');
  const path = positionals[0] as string;
  if (!/\.(csv|json)$/i.test(path)) throw new UsageError(`${path}: import reads .csv or .json files`);
  await access(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: cannot read (${error.code ?? error.message})`);
  });
  const dryRun = values['dry-run'] === true;
  // A large file makes garbage fast and keeps little: the heap grows no further than it needs.
  keepHeapNearLiveSize();
  // Streamed: a file of any size is read a chunk at a time (issue 15).
  const outcome = await withRegistry((registry) =>
    importMerchantFile(registry.db, path, createReadStream(path), {
      dryRun,
      partial: values.partial === true,
      acceptConflicts: values['accept-conflicts'] === true,
      now: new Date(),
      actor: cliActor(values.as),
      // One transaction: no request shares a PGlite registry with the command (its folder is
      // locked), and on PostgreSQL other connections do not wait for it. Batches would only
      // make the import slower (import-move.ts).
      moveBatch: 'whole',
    }),
  );
  if ('fileProblems' in outcome) {
    for (const problem of outcome.fileProblems) out(`${path}:${problem.line}: ${problem.column}: ${problem.message}`);
    return EXIT_FAILURE;
  }
  const { result } = outcome;
  for (const problem of result.problems) out(`${path}:${problem.line}: ${problem.column}: ${problem.message}`);
  if (result.conflicts.length > 0) {
    const accepted = result.conflicts.every((conflict) => conflict.accepted);
    out(
      accepted
        ? `conflicts (accepted with --accept-conflicts${dryRun ? '' : ', recorded in the audit log'}):`
        : 'conflicts (refused; --accept-conflicts imports them):',
    );
    for (const conflict of result.conflicts) {
      out(`${path}:${conflict.line}: ${conflict.kind}: ${conflict.message}`);
      out(`  registry: ${conflict.registry.merchant}: ${describeSide(conflict.registry)}`);
      out(`  file line ${conflict.line}: ${describeSide(conflict.file)}`);
    }
  }
  if (result.lookalikesNotChecked !== undefined) {
    out(
      `look-alike check skipped: the file brings ${result.lookalikesNotChecked} new domains (more than ${MAX_LOOKALIKE_CHECKED_DOMAINS} to check one by one); import it in smaller files to have them checked`,
    );
  }
  if (result.warnings.length > 0) out('warnings (imported all the same; check each):');
  for (const warning of result.warnings) out(`${path}:${warning.line}: ${warning.kind}: ${warning.message}`);
  const inConflict = result.conflicting > 0 ? `, ${result.conflicting} in conflict` : '';
  const accepted = result.conflicts.filter((conflict) => conflict.accepted).length;
  const conflictsAccepted = accepted > 0 ? `, ${accepted} conflicts accepted` : '';
  const counts = `${result.rows} rows: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.skipped} bad${inConflict}${conflictsAccepted}`;
  if (dryRun) out(`dry run, nothing written. ${counts}`);
  else if (result.written) out(`imported. ${counts}`);
  else out(`nothing imported (all or nothing; --partial imports the good rows). ${counts}`);
  const clean = result.problems.length === 0 && result.conflicting === 0;
  return result.written || (dryRun && clean) ? 0 : EXIT_FAILURE;
}
