import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPublishedDirectory } from '../../server/directory/directory-source.ts';
import { freshDataDirForEachTest, thiqaCli } from '../../test/support/thiqa-cli.ts';

// `npm run demo --no-browser`: the service side of the demo as a shell runs it. The
// shopper's side (extension build, Chromium) has its own browser test, test/e2e/demo.test.ts.

const DEMO = new URL('./run.mjs', import.meta.url).pathname;
const execFileAsync = promisify(execFile);

const cli = thiqaCli;

async function demo(...args: string[]) {
  try {
    const { stdout } = await execFileAsync(process.execPath, [DEMO, ...args], { env: process.env });
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? '' };
  }
}

const currentDataDir = freshDataDirForEachTest('thiqa-demo-');

describe('npm run demo', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the published demo directory, keeps other processes off its database, and stops on Ctrl-C', async () => {
    // The shopper's side (extension build, Chromium) has its own browser test.
    child = spawn(process.execPath, [DEMO, '--no-browser'], {
      env: { ...process.env, THIQA_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /Serving on (http:\/\/\S+)/.exec(output);
        if (match) {
          clearInterval(timer);
          resolve(match[1] as string);
        }
        if (child?.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`demo exited: ${output}`));
        }
      }, 100);
    });
    expect(output).toContain('published version 1');
    expect(output).toMatch(/✖ danger\s+promo-iphone-maroc\.test/);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const manifest = await fetch(`${url}/v1/directory/manifest.json`);
    expect(manifest.status).toBe(200);
    // The portal, from the same published files.
    expect(output).toContain(`portal     ${url}/`);
    const portal = await fetch(`${url}/check?q=promo-iphone-maroc.test&lang=en`);
    expect(portal.status).toBe(200);
    expect(await portal.text()).toContain('data-level="danger"');

    const busy = await cli('reports', 'list');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('is in use by process');

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);

    const again = await demo('--no-serve');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed: version 1 stays published');

    // Imported merchants, flags, and complaints entered as accepted (and resolved) reports
    // give back exactly the bundled directory's state.
    const { snapshot } = await loadPublishedDirectory(join(currentDataDir(), 'public', 'v1', 'directory'));
    const bundled = JSON.parse(
      await readFile(new URL('../../public/directory/snapshot.json', import.meta.url), 'utf8'),
    );
    expect(snapshot.state).toEqual(bundled.state);
  }, 60_000);
});
