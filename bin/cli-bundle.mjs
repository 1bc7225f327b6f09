// How the `thiqa` command runs its TypeScript: bundled by esbuild into one plain
// JavaScript file at each start, or else through tsx's loader.
//
// tsx registers its loader as module hooks, which Node 20 runs on a thread of their own,
// and compiles each of the service's two hundred modules there: the process held about
// 205 MB once the command's code was loaded, in 1.5 s. The same code bundled (its packages
// left to Node) holds about 106 MB, loaded in 0.65 s after a 0.2 s bundle. Every command
// gains it: `serve` all its life, `publish` and `import` at their peaks.
//
// The bundle goes into node_modules/.cache/thiqa/, where Node finds the packages it
// imports, in a folder of this process's own that it removes when it exits; folders left by
// processes that died without exiting are removed by the next start. THIQA_NO_BUNDLE=1 runs
// through tsx instead (stack traces then name the TypeScript files); so does a start that
// cannot bundle or write there, with one line on stderr saying why.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CLI_SOURCE = join(ROOT, 'server', 'cli', 'run.ts');
/**
 * The worker threads' code, bundled in the same pass: a publish or an import then starts
 * its worker at once instead of calling esbuild again (server/worker-bundle.ts).
 */
export const WORKER_SOURCES = [
  join(ROOT, 'server', 'directory', 'publish-worker.ts'),
  join(ROOT, 'server', 'merchants', 'import-worker.ts'),
];
/** Where the bundle tells server/worker-bundle.ts which worker files it made. */
export const BUNDLED_WORKERS = Symbol.for('thiqa.bundled-workers');
export const BUNDLE_CACHE = join(ROOT, 'node_modules', '.cache', 'thiqa');
const RUN_PREFIX = 'run-';

/**
 * esbuild plugin: `import.meta.url` in the project's own modules keeps naming the module's
 * source file, not the bundle, so the files they read beside them (the portal's words,
 * styles and texts, the bundled directory, the workers' entries) are found as before.
 */
const sourceUrls = {
  name: 'thiqa-source-urls',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|tsx|mjs)$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: args.path.endsWith('.mjs') ? 'js' : args.path.endsWith('.tsx') ? 'tsx' : 'ts',
      };
    });
  },
};

/**
 * One module and what it imports from the project as one ES module's text. `inline` bundles
 * its packages in too, only the parts it uses (a worker so made held about 15 MB less than
 * one importing them); otherwise they stay imports, for Node to resolve beside the bundle.
 */
export async function bundleModule(source, { inline }) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [sourceUrls],
    ...(inline ? {} : { packages: 'external' }),
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild wrote no file');
  return code;
}

/**
 * The command's code, and each worker's: `[{ source, code }]`, the command first. The
 * command's packages stay imports (PGlite finds its WebAssembly beside its own modules,
 * argon2 is native code); the workers' are bundled in.
 */
export async function bundleCli(source = CLI_SOURCE, workers = WORKER_SOURCES) {
  try {
    const codes = await Promise.all([
      bundleModule(source, { inline: false }),
      ...workers.map((worker) => bundleModule(worker, { inline: true })),
    ]);
    return [source, ...workers].map((path, index) => ({ source: path, code: codes[index] }));
  } finally {
    // esbuild's own process is not needed once the bundles are made.
    const esbuild = await import('esbuild');
    await esbuild.stop();
  }
}

/** Whether process `pid` still runs (a process of another user counts as running). */
function running(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Removes the folders of processes that are gone (killed before their exit handler ran). */
export function removeAbandonedRuns(cache = BUNDLE_CACHE) {
  let names;
  try {
    names = readdirSync(cache);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^run-(\d+)-/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && !running(pid)) rmSync(join(cache, name), { recursive: true, force: true });
  }
}

/**
 * A new folder in `parent` for this process's own modules (mkdtemp: a name nobody chose
 * before, mode 0700), removed when the process exits.
 */
export function ownFolder(parent, prefix) {
  const dir = mkdtempSync(join(parent, prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes `code`, bundled from `source`, into `dir` as `name` (by default the source's name
 * ending in .mjs) and returns its address. The file is created, never opened: nothing
 * another process put there first is run.
 */
export function writeModule(dir, source, code, name = basename(source).replace(/\.(ts|mts|tsx)$/, '.mjs')) {
  const file = join(dir, name);
  writeFileSync(file, code, { mode: 0o600, flag: 'wx' });
  return pathToFileURL(file);
}

/**
 * Writes the bundles into a folder of this process's own and returns their addresses, the
 * command's first; the workers' are named on `globalThis[BUNDLED_WORKERS]` by their
 * source's address.
 */
export function writeRunBundle(bundles, cache = BUNDLE_CACHE) {
  mkdirSync(cache, { recursive: true });
  removeAbandonedRuns(cache);
  const dir = ownFolder(cache, `${RUN_PREFIX}${process.pid}-`);
  const urls = bundles.map(({ source, code }, index) =>
    writeModule(dir, source, code, index === 0 ? 'thiqa.mjs' : undefined),
  );
  globalThis[BUNDLED_WORKERS] = new Map(
    bundles.slice(1).map(({ source }, index) => [pathToFileURL(source).href, urls[index + 1]]),
  );
  return urls;
}

/**
 * Loads and runs the command: from its bundle, or through tsx when THIQA_NO_BUNDLE=1 or the
 * bundle cannot be made. Returns how it ran.
 */
export async function runCli({ source = CLI_SOURCE, cache = BUNDLE_CACHE } = {}) {
  if (process.env.THIQA_NO_BUNDLE !== '1') {
    let entry;
    try {
      [entry] = writeRunBundle(await bundleCli(source), cache);
    } catch (error) {
      process.stderr.write(`thiqa: running through tsx, slower and with more memory: ${error.message}\n`);
    }
    if (entry) {
      await import(entry.href);
      return 'bundle';
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
  return 'tsx';
}
