#!/usr/bin/env node
// `npm test`: type check, lint, every vitest project (unit, service, browser), then one
// plain summary line `N passed, N failed` for CI. System packages the tests need are
// installed with apt-get when running as root; otherwise we stop and say what is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const SYSTEM_NEEDS = [
  { what: 'Chromium (browser tests)', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium' },
  { what: 'Firefox ESR (browser tests)', path: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
];

function ensureSystemPackages() {
  const missing = SYSTEM_NEEDS.filter((need) => !existsSync(need.path));
  if (missing.length === 0) return;
  const packages = missing.map((need) => need.pkg);
  if (!isRoot) {
    console.error(`npm test needs ${missing.map((need) => need.what).join(', ')}.`);
    console.error(`Install it with: sudo apt-get install -y ${packages.join(' ')}`);
    process.exit(1);
  }
  console.log(`Installing ${packages.join(' ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  if (install.status !== 0) {
    console.error(`apt-get install ${packages.join(' ')} failed`);
    process.exit(1);
  }
}

function step(name, command, args) {
  console.log(`\n▶ ${name}: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

ensureSystemPackages();
let passed = 0;
let failed = 0;
const failures = [];
const count = (name, ok) => {
  if (ok) passed++;
  else {
    failed++;
    failures.push(`${name} (its output is above)`);
  }
};

step('prepare', bin('wxt'), ['prepare']);
count('typecheck', step('typecheck', bin('tsc'), ['--noEmit']));
count('lint and format', step('lint and format', bin('biome'), ['check', '.']));

mkdirSync(join(root, 'test-results'), { recursive: true });

/** Starts vitest with a JSON report; resolves with its counts once it ends. */
function vitest(name, args, { env = process.env, logFile = null } = {}) {
  const report = join(root, 'test-results', `${name}.json`);
  console.log(`\n▶ ${name}: vitest ${args.join(' ')}${logFile ? ` (output kept for the end: ${logFile})` : ''}`);
  const output = logFile ? openSync(join(root, logFile), 'w') : 'inherit';
  const child = spawn(
    bin('vitest'),
    [...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    {
      cwd: root,
      stdio: ['ignore', output, output],
      env,
    },
  );
  return new Promise((done) => {
    child.on('close', (status) => {
      if (logFile) {
        console.log(`\n▶ ${name}: what it printed`);
        process.stdout.write(readFileSync(join(root, logFile), 'utf8'));
      }
      if (!existsSync(report)) return done({ passed: 0, failed: 1 });
      const results = JSON.parse(readFileSync(report, 'utf8'));
      // A suite that fails to load has no failed test of its own: count it once.
      const loadFailure = status !== 0 && results.numFailedTests === 0 ? 1 : 0;
      failures.push(...failedTests(name, results));
      done({ passed: results.numPassedTests, failed: results.numFailedTests + loadFailure });
    });
  });
}
/** Names what failed in a vitest JSON report, with the first line of each message. */
function failedTests(run, results) {
  const found = [];
  for (const file of results.testResults ?? []) {
    const where = relative(root, file.name);
    const failedHere = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedHere) {
      const message = String(test.failureMessages?.[0] ?? '').split('\n')[0];
      found.push(`[${run}] ${where} > ${test.fullName}: ${message.slice(0, 300)}`);
    }
    // A file that failed outside its tests (a hook, an import) has a message of its own.
    if (failedHere.length === 0 && file.status === 'failed') {
      found.push(
        `[${run}] ${where}: ${String(file.message ?? '')
          .split('\n')[0]
          .slice(0, 300)}`,
      );
    }
  }
  return found;
}
const add = (counts) => {
  passed += counts.passed;
  failed += counts.failed;
};

// Arguments (a file, a name filter) narrow both runs; either may then find nothing to run.
const extraArgs = process.argv.slice(2);
const narrowed = extraArgs.length > 0 ? ['--passWithNoTests', ...extraArgs] : [];
const postgresUrl = process.env.THIQA_TEST_DATABASE_URL;
const withPostgres = Boolean(postgresUrl) && extraArgs.length === 0;
// The CLI tests (and those that start `thiqa serve` as a process) always use PGlite in a
// folder of their own. With a PostgreSQL pass they run after it, beside the browser tests
// (that lane ended minutes before the browser tests did), not in the first run, which CI waits for.
const commandFiles = ['server/cli/**', 'server/**/*-command.test.ts', 'server/env.test.ts'];
// The same files as vitest's command-line filters (parts of a path, not globs).
const commandFilters = ['server/cli/', 'command.test.ts', 'server/env.test.ts'];

// Unit and service tests first, two files at a time on the two cores.
add(
  await vitest('vitest', ['run', '--project', 'unit', '--project', 'timing', ...narrowed], {
    env: withPostgres ? { ...process.env, THIQA_TEST_EXCLUDE: commandFiles.join(',') } : process.env,
  }),
);

// The service suite again on a real PostgreSQL server when one is given (.ci/run starts
// Debian's postgresql and sets this); without it the service tests ran on PGlite only.
// It runs one file at a time beside the browser tests, which drive one browser at a time:
// each keeps about one core busy, and CI's time is the longer of the two, not their sum.
let onPostgres = Promise.resolve({ passed: 0, failed: 0 });
if (withPostgres) {
  // The command files above are not repeated on PostgreSQL, nor the timing file.
  const onPglite = [...commandFiles, 'server/http/connection-guard.test.ts'];
  // Tests that never touch the database (address rules, the proof fetcher, mailers,
  // password hashing, configuration) are not repeated either, nor those that only draw
  // pages over data the other files already wrote and read on PostgreSQL.
  const noDatabase = [
    'server/applications/address-policy.test.ts',
    'server/applications/domain-proof.test.ts',
    'server/http/hostile-text.test.ts',
    'server/mail/**',
    'server/portal/info-pages.test.ts',
    'server/portal/publisher-texts.test.ts',
    'server/portal/safe-markdown.test.tsx',
    'server/portal/portal-memory.test.ts',
    'server/staff/staff-passwords.test.ts',
  ];
  onPostgres = vitest('service-on-postgresql', ['run', '--project', 'unit', 'server'], {
    env: {
      ...process.env,
      // Read by vitest.config.ts: the unit project's own exclude list would drop `--exclude`.
      THIQA_TEST_EXCLUDE: [...onPglite, ...noDatabase].join(','),
      THIQA_UNIT_WORKERS: '1',
      DATABASE_URL: postgresUrl,
      // The fuzzers run again with seeds of their own: 2,000 report bodies and 200 CSV files.
      THIQA_FUZZ_SCALE: '0.8',
    },
    logFile: 'test-results/service-on-postgresql.log',
  }).then(async (counts) => {
    // Then the command files the first run left out, on PGlite, one at a time.
    const commands = await vitest('command-files', ['run', '--project', 'unit', ...commandFilters], {
      env: { ...process.env, THIQA_UNIT_WORKERS: '1' },
      logFile: 'test-results/command-files.log',
    });
    return { passed: counts.passed + commands.passed, failed: counts.failed + commands.failed };
  });
}
add(await vitest('browser', ['run', '--project', 'e2e', ...narrowed]));
add(await onPostgres);

if (failures.length > 0) console.log(`\nWhat failed:\n${failures.map((line) => `  ${line}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
