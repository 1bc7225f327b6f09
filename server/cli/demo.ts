import { parseArgs } from 'node:util';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import { verdictForInput } from '../../src/directory/verdict.ts';
import { BUNDLED_DIRECTORY, loadSnapshotFile } from '../directory-source.ts';

export const DEMO_HELP = `thiqa demo [--at <time>]
  Prints the verdict of every shop in the bundled demo directory (npm run demo).`;

const LEVEL_MARK: Record<string, string> = {
  verified: '✔ verified',
  caution: '! caution ',
  danger: '✖ danger  ',
  unknown: '? unknown ',
  none: '- none    ',
};

export async function runDemo(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { at: { type: 'string' } }, strict: true });
  const now = values.at ? new Date(values.at) : new Date();
  const snapshot = await loadSnapshotFile(BUNDLED_DIRECTORY);
  const index = new DirectoryIndex(snapshot.state);
  const shops = [
    ...snapshot.state.merchants.flatMap((merchant) => merchant.domains),
    ...snapshot.state.flagged.map((flag) => flag.domain),
    ...snapshot.state.domainComplaints.map((entry) => entry.domain),
    'not-in-the-directory.test',
  ];
  out(`Thiqa demo directory, version ${snapshot.version}, published ${snapshot.publishedAt}`);
  out(`Verdicts as of ${now.toISOString()}:\n`);
  for (const shop of shops) {
    const { identity, verdict } = verdictForInput(shop, index, now);
    const name = identity && identity.display !== identity.domain ? `${identity.display} (${identity.domain})` : shop;
    out(
      `  ${LEVEL_MARK[verdict.level]}  ${name.padEnd(40)}  ${verdict.reasons.map((reason) => reason.code).join(', ')}`,
    );
  }
  out('\nOne shop as JSON: npm run -s thiqa -- check https://www.atlas-electro.test/produit');
  return 0;
}
