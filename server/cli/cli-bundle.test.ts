import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_CACHE, bundleCli, removeAbandonedRuns, WORKER_SOURCES } from '../../bin/cli-bundle.mjs';
import { freePort, startServiceProcess } from '../../test/support/service-process.ts';

// `thiqa` runs its TypeScript bundled by esbuild (bin/cli-bundle.mjs), or through tsx.

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/thiqa.mjs');
const CLI_BUNDLE = resolve(import.meta.dirname, '../../bin/cli-bundle.mjs');

/** Runs `thiqa <args>` and says which folders of its own it left in the bundle cache. */
async function thiqa(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, THIQA_DATA_DIR: join(tmpdir(), 'thiqa-cli-bundle-unused'), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((done) => child.once('close', done));
  const left = existsSync(BUNDLE_CACHE)
    ? readdirSync(BUNDLE_CACHE).filter((name) => name.startsWith(`run-${child.pid}-`))
    : [];
  return { code, stdout, stderr, left };
}

describe('the thiqa command, bundled', () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it('answers as it does through tsx, and leaves no bundle behind', async () => {
    const bundled = await thiqa(['--help']);
    const throughTsx = await thiqa(['--help'], { THIQA_NO_BUNDLE: '1' });
    expect(bundled.code).toBe(0);
    expect(bundled.stderr).toBe('');
    expect(bundled.stdout).toContain('thiqa publish');
    expect(bundled.stdout).toBe(throughTsx.stdout);
    expect(bundled.left).toEqual([]);
  });

  it("keeps import.meta.url naming each module's own source file", async () => {
    // The portal reads its words and styles beside its modules: bundled, they are still found.
    const [command, ...workers] = await bundleCli();
    const code = new TextDecoder().decode(command?.code);
    const portalAssets = resolve(import.meta.dirname, '../portal/portal-assets.ts');
    expect(code).toContain(JSON.stringify(pathToFileURL(portalAssets).href));
    expect(code).not.toContain('import.meta.url');
    expect(workers.map((worker) => worker.source)).toEqual(WORKER_SOURCES);
  });

  it('starts a publish worker from the bundle made with the command, not from another', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'thiqa-cli-publish-'));
    const env = {
      THIQA_DATA_DIR: scratch,
      // Every publish in a worker; and were the worker bundled apart (server/worker-bundle.ts),
      // its temporary folder could not be made, and the publish would say it runs through tsx.
      THIQA_PUBLISH_WORKER_FROM: '0',
      TMPDIR: join(scratch, 'not-a-folder'),
    };
    writeFileSync(env.TMPDIR, '');
    expect((await thiqa(['keys', 'generate'], env)).code).toBe(0);
    const published = await thiqa(['publish'], env);
    expect(published.stderr).toBe('');
    expect(published.stdout).toMatch(/^published version 1 /);
    expect(published.code).toBe(0);
    expect(published.left).toEqual([]);
  });

  it('removes the folders of processes that died without exiting, and no other', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'thiqa-bundle-cache-'));
    // A process id that is not running: a child that has exited.
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((done) => gone.once('close', done));
    const names = [`run-${gone.pid}-abc`, `run-${process.pid}-def`, `run-${process.ppid}-ghi`, 'other'];
    for (const name of names) mkdirSync(join(scratch, name));
    removeAbandonedRuns(scratch);
    expect(readdirSync(scratch).sort()).toEqual(names.slice(1).sort());
  });

  it('serves, imports through its bundled import worker, and leaves no bundle behind when stopped', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'thiqa-cli-serve-'));
    const adminToken = 'cli-bundle-admin-token-0123456789';
    const service = await startServiceProcess({ dataDir: scratch, port: await freePort(), adminToken });
    try {
      const csv = [
        'domains;legal_name;ice;city;phone;status;verified_at;verified_by',
        'hanout-bio.test;Hanout Bio SARL;001520003000037;Rabat;0537112233;verified;2026-05-02;FDEC',
      ].join('\n');
      const response = await fetch(`${service.url}/v1/admin/merchants/import`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'text/csv' },
        body: csv,
      });
      expect(await response.json()).toMatchObject({ created: 1, written: true });
      expect(response.status).toBe(200);
      expect(service.output()).not.toContain('tsx');
    } finally {
      await service.stop();
    }
    expect(readdirSync(BUNDLE_CACHE).filter((name) => name.startsWith(`run-${service.pid}-`))).toEqual([]);
  });

  it('runs through tsx, saying why, when the bundle cannot be written', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'thiqa-bundle-cache-'));
    const blocked = join(scratch, 'a-file');
    writeFileSync(blocked, '');
    const script = join(scratch, 'run.mjs');
    writeFileSync(
      script,
      `import { runCli } from ${JSON.stringify(CLI_BUNDLE)};\n` +
        `const how = await runCli({ cache: ${JSON.stringify(join(blocked, 'cache'))} });\n` +
        'process.stderr.write("ran by " + how + "\\n");\n',
    );
    const { stdout, stderr } = await run(process.execPath, [script, '--help'], {
      env: { ...process.env, THIQA_DATA_DIR: join(scratch, 'data') },
    });
    expect(stderr).toMatch(/^thiqa: running through tsx, slower and with more memory: .*ENOTDIR/);
    expect(stderr).toContain('ran by tsx');
    expect(stdout).toContain('thiqa publish');
  });
});
