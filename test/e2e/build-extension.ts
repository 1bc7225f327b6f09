import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const WXT = resolve(ROOT, 'node_modules/wxt/bin/wxt.mjs');

/** Builds the extension into its own folder with the given build-time settings. */
export async function buildExtension(
  name: string,
  settings: { directoryUrl?: string; publicKeys?: string; browser?: 'chrome' | 'firefox' } = {},
): Promise<string> {
  const outDir = resolve(ROOT, '.output', `test-${name}`);
  const env: NodeJS.ProcessEnv = { ...process.env, THIQA_OUT_DIR: outDir };
  if (settings.directoryUrl) env.THIQA_DIRECTORY_URL = settings.directoryUrl;
  if (settings.publicKeys) env.THIQA_PUBLIC_KEYS = settings.publicKeys;
  const browser = settings.browser ?? 'chrome';
  await run(process.execPath, [WXT, 'build', '-b', browser], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  return resolve(outDir, browser === 'chrome' ? 'chrome-mv3' : 'firefox-mv2');
}
