import { cpus } from 'node:os';
import { benchColdStart } from './cold-start-bench.ts';
import { benchConsole } from './console-bench.ts';
import { benchContentScript } from './content-script-bench.ts';
import { benchDeltaApply } from './delta-apply-bench.ts';
import { benchExtensionIndex, benchLookalikeLoad } from './extension-index-bench.ts';
import { printGoals } from './goals.ts';
import { benchImport } from './import-bench.ts';
import { benchReportIntake } from './intake-bench.ts';
import { benchLookalikes } from './lookalike-bench.ts';
import { benchPageLoad } from './page-load-bench.ts';
import { benchPortal } from './portal-bench.ts';
import { benchPublishing } from './publish-bench.ts';

// `npm run bench`: the figures issue 4 asks for, printed, never asserted. Every load
// goes to loopback only and is bounded in count and time.

// Each bench by name: `npm run bench` runs them all; `npm run bench -- --only a,b` some
// (the older `--<name>-only` flags still work). Figures are printed, never asserted; the
// goals table (goals.ts) closes the run.
const BENCHES: Record<string, () => Promise<void> | void> = {
  lookalike: () => {
    benchLookalikes();
    benchLookalikeLoad();
  },
  'extension-index': benchExtensionIndex,
  'delta-apply': benchDeltaApply,
  intake: benchReportIntake,
  publish: benchPublishing,
  portal: benchPortal,
  console: benchConsole,
  'content-script': () => benchContentScript(),
  'page-load': benchPageLoad,
  import: benchImport,
  'cold-start': benchColdStart,
};

function chosenBenches(argv: readonly string[]): string[] {
  const only = argv.indexOf('--only');
  const named = only >= 0 ? (argv[only + 1] ?? '').split(',').filter(Boolean) : [];
  for (const arg of argv) {
    const match = /^--(.+)-only$/.exec(arg);
    if (match?.[1]) named.push(match[1]);
  }
  const unknown = named.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  return named.length > 0 ? named : Object.keys(BENCHES);
}

console.log(`thiqa bench — node ${process.version}, ${cpus().length} cores\n`);
for (const name of chosenBenches(process.argv.slice(2))) await BENCHES[name]?.();
printGoals();
