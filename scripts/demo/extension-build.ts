import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export interface ExtensionBuildSettings {
  /** THIQA_DIRECTORY_URL: where the extension syncs from (and sends reports to, unless reportsUrl says otherwise). */
  directoryUrl?: string;
  /** THIQA_REPORTS_URL: where reports go when not to the directory's origin. */
  reportsUrl?: string;
  /** THIQA_PUBLIC_KEYS: the publisher keys the build pins. */
  publicKeys?: string;
  browser?: 'chrome' | 'firefox';
}

/** Builds the extension into `outDir` with the given build-time settings; returns the unpacked folder. */
export async function buildExtensionInto(
  outDir: string,
  settings: ExtensionBuildSettings = {},
  /** Another checkout of this project (with its node_modules) to build instead of this one. */
  projectRoot = PROJECT_ROOT,
): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, THIQA_OUT_DIR: outDir };
  if (settings.directoryUrl) env.THIQA_DIRECTORY_URL = settings.directoryUrl;
  if (settings.publicKeys) env.THIQA_PUBLIC_KEYS = settings.publicKeys;
  if (settings.reportsUrl) env.THIQA_REPORTS_URL = settings.reportsUrl;
  const browser = settings.browser ?? 'chrome';
  await run(process.execPath, [resolve(projectRoot, 'node_modules/wxt/bin/wxt.mjs'), 'build', '-b', browser], {
    cwd: projectRoot,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return resolve(outDir, browser === 'chrome' ? 'chrome-mv3' : 'firefox-mv2');
}
