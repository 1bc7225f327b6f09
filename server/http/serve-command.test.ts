import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// `thiqa serve` as an operator starts it: a failure to listen is one line saying what
// to change, not a stack trace.

const BIN = new URL('../../bin/thiqa.mjs', import.meta.url).pathname;
const run = promisify(execFile);

async function serveFails(env: Record<string, string>, ...args: string[]) {
  const failure = await run(process.execPath, [BIN, 'serve', ...args], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    timeout: 60_000,
  }).then(
    () => null,
    (error: { code?: number; stdout?: string; stderr?: string }) => error,
  );
  if (!failure) throw new Error('thiqa serve started where it should have refused');
  return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
}

let dataDir: string | undefined;
let squatter: Server | undefined;
afterEach(async () => {
  await new Promise((done) => (squatter ? squatter.close(done) : done(undefined)));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = squatter = undefined;
});

describe('thiqa serve', () => {
  it('says in one line which port is busy and how to choose another', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-serve-port-'));
    const busy = createServer();
    squatter = busy;
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = (busy.address() as { port: number }).port;

    const result = await serveFails({ THIQA_DATA_DIR: dataDir, THIQA_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `thiqa: port ${port} on 127.0.0.1 is already in use (another thiqa serve?); choose another with THIQA_PORT=<port>`,
    ]);
    expect(result.stderr).not.toMatch(/\s+at /);
  });

  it('says in one line when --host is not an address of this machine', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-serve-host-'));
    const result = await serveFails({ THIQA_DATA_DIR: dataDir, THIQA_PORT: '0' }, '--host', '192.0.2.1');
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'thiqa: 192.0.2.1 is not an address of this machine; choose another with --host <address>',
    ]);
  });
});
