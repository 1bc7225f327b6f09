import { parseArgs } from 'node:util';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import { parsePublicKeys } from '../../src/directory/signing.ts';
import { verdictForInput } from '../../src/directory/verdict.ts';
import { UsageError } from '../cli/usage.ts';
import { BUNDLED_DIRECTORY, loadDirectory } from './directory-source.ts';

export const CHECK_HELP = `thiqa check <url-or-host> [--directory <dir>] [--at <time>] [--public-keys <keys>]
  Prints the verdict for one URL or host name as one JSON object:
  {"input", "domain", "display", "verdict": {"level", "reasons"}, "merchant", "directory"}.
  --directory <dir>     folder holding snapshot.json, or a published folder (manifest.json
                        and the files it names, e.g. $THIQA_DATA_DIR/public/v1/directory):
                        sizes and SHA-256 are checked (default: the bundled demo directory)
  --at <time>           judge as of this ISO 8601 time instead of now
  --public-keys <keys>  base64 Ed25519 keys (comma-separated) the manifest's signature must
                        verify under (default: $THIQA_PUBLIC_KEYS; unset: not checked)`;

export async function runCheck(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { directory: { type: 'string' }, at: { type: 'string' }, 'public-keys': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('check takes exactly one URL or host name');
  const input = positionals[0] as string;
  const now = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--at: not an ISO 8601 time: ${values.at}`);

  const keyList = values['public-keys'] ?? process.env.THIQA_PUBLIC_KEYS ?? '';
  const pinnedKeys = await parsePublicKeys(keyList).catch((error: Error) => {
    throw new UsageError(`--public-keys: ${error.message}`);
  });
  const snapshot = await loadDirectory(values.directory ?? BUNDLED_DIRECTORY, pinnedKeys);
  const index = new DirectoryIndex(snapshot.state);
  const { identity, verdict } = verdictForInput(input, index, now);
  const merchant = identity ? index.entryFor(identity.domain).merchant : null;
  out(
    JSON.stringify({
      input,
      domain: identity?.domain ?? null,
      display: identity?.display ?? null,
      verdict,
      merchant,
      directory: { version: snapshot.version, publishedAt: snapshot.publishedAt },
    }),
  );
  return 0;
}
