import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleModule, ownFolder, writeModule } from '../bin/cli-bundle.mjs';

// A worker thread's code as one plain JavaScript file. Run from its TypeScript, a worker
// thread registers tsx's loader again (loader hooks of its own, its modules compiled once
// more): a publish worker took about 100 MB of the process's memory that way, against 45 MB
// for the same code bundled by esbuild (the compiler tsx itself runs), made when the worker
// is first needed, in about 0.35 s, once a process. The `thiqa` command bundles its own
// code the same way (bin/cli-bundle.mjs). Should bundling fail, the worker runs through tsx
// from its `.mjs` entry as it did before, and the service says so once.

const bundles = new Map<string, Promise<URL>>();
/** The key bin/cli-bundle.mjs names the workers it bundled under. */
const BUNDLED_WORKERS = Symbol.for('thiqa.bundled-workers');

/**
 * Where the worker whose code starts at `source` starts from: its bundle, made on first use
 * and kept for the process's life, or else `tsxEntry`.
 */
export function workerEntry(source: URL, tsxEntry: URL): Promise<URL> {
  // Made with the command's own bundle when `thiqa` started (bin/cli-bundle.mjs).
  const made = (globalThis as { [BUNDLED_WORKERS]?: Map<string, URL> })[BUNDLED_WORKERS]?.get(source.href);
  if (made) return Promise.resolve(made);
  let entry = bundles.get(source.href);
  if (!entry) {
    entry = entryOrTsx(() => bundleWorker(source), tsxEntry);
    bundles.set(source.href, entry);
  }
  return entry;
}

/** The bundle's address, or `tsxEntry` with a warning on stderr when it cannot be made. */
export async function entryOrTsx(bundle: () => Promise<URL>, tsxEntry: URL): Promise<URL> {
  try {
    return await bundle();
  } catch (error) {
    process.stderr.write(
      `thiqa: ${basename(fileURLToPath(tsxEntry))} runs through tsx, with more memory: bundling it failed (${(error as Error).message})\n`,
    );
    return tsxEntry;
  }
}

async function bundleWorker(source: URL): Promise<URL> {
  const path = fileURLToPath(source);
  const code = await bundleModule(path, { inline: true });
  // In a folder of this process's own under the shared temporary folder: a file another
  // user of the machine could have put there first is never run.
  return writeModule(ownFolder(tmpdir(), 'thiqa-worker-'), path, code);
}
