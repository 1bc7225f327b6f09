import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/service-process.ts';

// `npm run demo` on a machine with no display: the service on PGlite, the extension built
// against it, Chromium headless taking a screenshot of each demo shop's badge and popup.

const DEMO = resolve(import.meta.dirname, '../../scripts/demo/run.mjs');
const PNG_SIGNATURE = '89504e470d0a1a0a';

let child: ChildProcess | undefined;
let workDir: string;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('serves, builds the extension, screenshots every demo shop headless, and stops on Ctrl-C', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'thiqa-demo-'));
    const environment: NodeJS.ProcessEnv = {
      ...process.env,
      THIQA_DATA_DIR: join(workDir, 'data'),
      THIQA_PORT: String(await freePort()),
      DATABASE_URL: '',
    };
    delete environment.DISPLAY;
    delete environment.WAYLAND_DISPLAY;
    child = spawn(process.execPath, [DEMO], {
      cwd: workDir,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const deadline = Date.now() + 150_000;
    while (!/The service runs on http:\/\/\S+ — Ctrl-C to stop/.test(output)) {
      if (child.exitCode !== null) throw new Error(`demo exited ${child.exitCode}: ${output}`);
      if (Date.now() > deadline) throw new Error(`demo did not finish starting: ${output}`);
      await new Promise((done) => setTimeout(done, 250));
    }

    expect(output).toMatch(/✔ verified\s+atlas-electro\.test/);
    expect(output).toContain('Chromium synced directory version 1');
    expect(output).toMatch(/Chrome:\s+chrome:\/\/extensions .* Load unpacked → \S+chrome-mv3/);
    expect(output).toMatch(/Firefox: .*Load Temporary Add-on → \S+firefox-mv2\/manifest\.json/);
    const screenshots = [...output.matchAll(/(\S+\/demo-output\/\S+\.png)/g)].map((match) => match[1] as string);
    expect(screenshots).toHaveLength(24); // 12 shops: the page with its badge, and the popup
    for (const path of screenshots) {
      expect(path.startsWith(join(workDir, 'demo-output'))).toBe(true);
      const bytes = await readFile(path);
      expect(bytes.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
      expect(bytes.length).toBeGreaterThan(5_000);
    }

    const exited = new Promise<number | null>((done) => child?.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGINT: stopping');
  }, 200_000);
});
