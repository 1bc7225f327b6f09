import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildExtensionInto, type ExtensionBuildSettings, PROJECT_ROOT } from '../../scripts/demo/extension-build.ts';

// Every browser test file needs the extension built with its own settings: the directory
// URL of its loopback server (a new port each run) and the key it generated. A `wxt build`
// takes 15 s of CPU (25 to 45 s on CI's busy cores), and a dozen files built one each.
// Settings are only string constants in the bundle and the manifest's host permissions,
// so the extension is built once per browser with marked placeholder settings (kept in
// .output/ under a hash of the sources, so an unchanged tree builds nothing on the next
// run), and each file gets a copy with its own values written in place of the marks:
// the same text a build with those settings writes, apart from chunk file names, which
// are hashes of their content. A mark left over, or one that is missing, stops the test.
// THIQA_E2E_OWN_BUILDS=1 makes each file run its own `wxt build` again.

const OUTPUT = resolve(PROJECT_ROOT, '.output');
const MARK = {
  directoryUrl: 'http://thiqa-template-directory.invalid:1111/thiqa-template-path/',
  directoryOrigin: 'http://thiqa-template-directory.invalid:1111',
  /** Firefox's host permissions take no port. */
  directoryHost: 'http://thiqa-template-directory.invalid',
  reportsOrigin: 'http://thiqa-template-reports.invalid:2222',
  reportsHost: 'http://thiqa-template-reports.invalid',
  publicKeys: 'THIQA-TEMPLATE-PUBLIC-KEYS',
};
/** What the extension build reads: a change here means a new template. */
const SOURCES = ['entrypoints', 'src', 'public', 'wxt.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json'];
const TEXT_FILE = /\.(js|json|html|css|map)$/;

/** Builds the extension for one test file into `.output/test-<name>`; returns the unpacked folder. */
export async function buildExtension(name: string, settings: ExtensionBuildSettings = {}): Promise<string> {
  const outDir = resolve(OUTPUT, `test-${name}`);
  if (process.env.THIQA_E2E_OWN_BUILDS === '1') return buildExtensionInto(outDir, settings);
  const browser = settings.browser ?? 'chrome';
  const template = await templateFor(browser);
  const folder = browser === 'chrome' ? 'chrome-mv3' : 'firefox-mv2';
  const target = join(outDir, folder);
  await rm(target, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await cp(template, target, { recursive: true });
  await writeSettings(target, replacementsFor(settings));
  return target;
}

/** The values a `wxt build` with these settings would use (scripts/demo/extension-build.ts, wxt.config.ts). */
function replacementsFor(settings: ExtensionBuildSettings): Array<[string, string]> {
  const directoryUrl =
    settings.directoryUrl || process.env.THIQA_DIRECTORY_URL || 'http://127.0.0.1:8787/v1/directory/';
  const reports = new URL(settings.reportsUrl || process.env.THIQA_REPORTS_URL || directoryUrl);
  const directory = new URL(directoryUrl);
  const publicKeys = settings.publicKeys || process.env.THIQA_PUBLIC_KEYS || '';
  // Longest first: each origin mark begins its URL's mark, each host mark its origin's.
  return [
    [MARK.directoryUrl, directoryUrl],
    [MARK.directoryOrigin, directory.origin],
    [MARK.directoryHost, `${directory.protocol}//${directory.hostname}`],
    [MARK.reportsOrigin, reports.origin],
    [MARK.reportsHost, `${reports.protocol}//${reports.hostname}`],
    // Inside a JavaScript or JSON string either way.
    [MARK.publicKeys, JSON.stringify(publicKeys).slice(1, -1)],
  ];
}

async function writeSettings(dir: string, replacements: Array<[string, string]>): Promise<void> {
  const found = new Set<string>();
  for (const path of await filesUnder(dir)) {
    if (!TEXT_FILE.test(path)) continue;
    const text = await readFile(path, 'utf8');
    let written = text;
    for (const [mark, value] of replacements) {
      if (!written.includes(mark)) continue;
      found.add(mark);
      written = written.split(mark).join(value);
    }
    if (path.endsWith('manifest.json')) written = withDistinctHostPermissions(written);
    if (/thiqa-template-|THIQA-TEMPLATE-/.test(written)) {
      throw new Error(`${path}: a build-settings mark is left after writing the settings`);
    }
    if (written !== text) await writeFile(path, written);
  }
  // Marks the Firefox manifest's host permissions alone use are absent from Chrome's.
  const needed = [MARK.directoryUrl, MARK.directoryOrigin, MARK.reportsOrigin, MARK.publicKeys];
  const missing = needed.filter((mark) => !found.has(mark));
  if (missing.length > 0) throw new Error(`the extension template holds no ${missing.join(', ')}`);
}

/**
 * wxt.config.ts names the directory's and the reports' host once when they are the same
 * (in `host_permissions`, which a Manifest V2 build moves into `permissions`).
 */
function withDistinctHostPermissions(manifestText: string): string {
  const manifest = JSON.parse(manifestText) as { host_permissions?: string[]; permissions?: string[] };
  for (const key of ['host_permissions', 'permissions'] as const) {
    const list = manifest[key];
    if (list) manifest[key] = [...new Set(list)];
  }
  return JSON.stringify(manifest);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** The build with marks for `browser`, made once for these sources. */
async function templateFor(browser: 'chrome' | 'firefox'): Promise<string> {
  const prefix = `test-template-${browser}-`;
  const dir = resolve(OUTPUT, `${prefix}${await sourcesHash()}`);
  const folder = join(dir, browser === 'chrome' ? 'chrome-mv3' : 'firefox-mv2');
  if (await stat(join(folder, 'manifest.json')).catch(() => null)) return folder;
  await mkdir(OUTPUT, { recursive: true });
  for (const old of await readdir(OUTPUT)) {
    if (old.startsWith(prefix)) await rm(resolve(OUTPUT, old), { recursive: true, force: true });
  }
  const building = `${dir}.building-${process.pid}`;
  await buildExtensionInto(building, {
    browser,
    directoryUrl: MARK.directoryUrl,
    reportsUrl: MARK.reportsOrigin,
    publicKeys: MARK.publicKeys,
  });
  // Another run may have finished the same template meanwhile: either copy is the same.
  await rename(building, dir).catch(() => rm(building, { recursive: true, force: true }));
  return folder;
}

async function sourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  const paths: string[] = [];
  for (const source of SOURCES) {
    const path = resolve(PROJECT_ROOT, source);
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) paths.push(...(await filesUnder(path)));
    else if (info) paths.push(path);
  }
  for (const path of paths.sort()) {
    hash.update(`${path.slice(PROJECT_ROOT.length)}\0`);
    hash.update(await readFile(path));
  }
  for (const name of ['THIQA_PORTAL_URL']) hash.update(`${name}=${process.env[name] ?? ''}\0`);
  return hash.digest('hex').slice(0, 16);
}
