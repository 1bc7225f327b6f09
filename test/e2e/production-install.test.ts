import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/service-process.ts';

// A publisher deploys the service with `npm ci --omit=dev`: no WXT, no browser driver,
// no test tools. This installs the project that way in a folder of its own (the files
// git tracks, as they are in the work tree) and runs the publisher's commands there.

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

let deploy: string;
let dataDir: string;
let serve: ChildProcess | undefined;

async function thiqa(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(deploy, 'bin/thiqa.mjs'), ...args], {
      cwd: deploy,
      env: { ...process.env, THIQA_DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

beforeAll(async () => {
  deploy = await mkdtemp(join(tmpdir(), 'thiqa-deploy-'));
  dataDir = join(deploy, 'data');
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue;
    await mkdir(dirname(join(deploy, file)), { recursive: true });
    await copyFile(join(ROOT, file), join(deploy, file));
  }
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: deploy,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 64 * 1024 * 1024,
  });
}, 600_000);

afterAll(async () => {
  serve?.kill('SIGKILL');
  await rm(deploy, { recursive: true, force: true });
});

describe('the service installed with npm ci --omit=dev', () => {
  it('has no development tools installed', () => {
    for (const tool of ['wxt', 'playwright-core', 'vitest', 'typescript', '@biomejs/biome']) {
      expect(existsSync(join(deploy, 'node_modules', tool)), tool).toBe(false);
    }
  });

  it('generates a key, imports, publishes, checks and serves', async () => {
    const keys = await thiqa('keys', 'generate');
    expect(keys.code, keys.stderr).toBe(0);
    const publicKey = /THIQA_PUBLIC_KEYS=(\S+)/.exec(keys.stdout)?.[1];
    expect(publicKey).toBeDefined();

    const csv = join(deploy, 'merchants.csv');
    await writeFile(
      csv,
      [
        'domains;legal_name;ice;city;phone;status;verified_at;verified_by',
        'hanout-bio.test;Hanout Bio SARL;001520003000037;Rabat;0537-11 22 33;verified;2026-05-02;FDEC',
        '',
      ].join('\n'),
    );
    const imported = await thiqa('import', csv);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toContain('1 new');

    const published = await thiqa('publish');
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain('published version 1');

    const directory = join(dataDir, 'public/v1/directory');
    const checked = await thiqa(
      'check',
      'https://www.hanout-bio.test/produit?id=1',
      '--directory',
      directory,
      '--public-keys',
      publicKey as string,
    );
    expect(checked.code, checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout).verdict.level).toBe('verified');

    const port = await freePort();
    const child = spawn(process.execPath, [join(deploy, 'bin/thiqa.mjs'), 'serve'], {
      cwd: deploy,
      env: { ...process.env, THIQA_DATA_DIR: dataDir, THIQA_PORT: String(port), DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const base = `http://127.0.0.1:${port}`;
    await expect
      .poll(
        () =>
          fetch(`${base}/healthz`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 60_000, interval: 250 },
      )
      .toBe(200);
    const manifest = await fetch(`${base}/v1/directory/manifest.json`);
    expect(manifest.status).toBe(200);
    const report = await fetch(`${base}/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://faux-souk.test/p', reason: 'fraud', idempotencyKey: crypto.randomUUID() }),
    });
    expect(report.status, output).toBe(201);
    child.kill('SIGTERM');
    const code = await new Promise((done) => child.once('exit', done));
    expect(code, output).toBe(0);
  }, 180_000);
});
