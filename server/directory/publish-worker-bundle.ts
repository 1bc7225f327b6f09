import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The publish worker's code as one plain JavaScript file. Run from its TypeScript, a worker
// thread registers tsx's loader again (loader hooks of its own, twenty modules compiled once
// more): a worker took about 100 MB of the process's memory that way, against 45 MB for the
// same code bundled by esbuild (the compiler tsx itself runs) when the first large publish
// starts, in about 0.35 s, once a process. Should bundling fail, the worker runs through tsx
// as it did before (publish-worker-entry.mjs), and the service says so once.

const SOURCE = new URL('./publish-worker.ts', import.meta.url);

/** The worker's entry through tsx. */
export const TSX_ENTRY = new URL('./publish-worker-entry.mjs', import.meta.url);

let entry: Promise<URL> | undefined;

/** Where the publish worker starts from: the bundle, made on first use, or else TSX_ENTRY. */
export function publishWorkerEntry(): Promise<URL> {
  entry ??= entryOrTsx(bundleWorker);
  return entry;
}

/** The bundle's address, or TSX_ENTRY with a warning on stderr when it cannot be made. */
export async function entryOrTsx(bundle: () => Promise<URL>): Promise<URL> {
  try {
    return await bundle();
  } catch (error) {
    process.stderr.write(
      `thiqa: the publish worker runs through tsx, with more memory: bundling it failed (${(error as Error).message})\n`,
    );
    return TSX_ENTRY;
  }
}

async function bundleWorker(): Promise<URL> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(SOURCE)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild wrote no file');
  // In a folder of this process's own (mkdtemp: a new name, mode 0700): a file another
  // user of the machine could have put in the shared temporary folder first is never run.
  const dir = mkdtempSync(join(tmpdir(), 'thiqa-publish-worker-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'publish-worker.mjs');
  writeFileSync(file, code, { mode: 0o600, flag: 'wx' });
  return pathToFileURL(file);
}
