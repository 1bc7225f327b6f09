import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

// The real `thiqa serve` as a separate process, for tests that must kill it the hard
// way (SIGKILL: no cleanup, no graceful close) and start it again on the same data
// folder and port, as a crashed or OOM-killed service would be restarted.

const THIQA_BIN = resolve(import.meta.dirname, '../../bin/thiqa.mjs');

export interface ServiceProcessOptions {
  dataDir: string;
  /** Fixed across restarts so a client built against the URL keeps reaching it. */
  port: number;
  adminToken?: string;
  reportRateLimit?: string;
  /** More `serve` arguments, e.g. `--publish-every 2s`. */
  args?: string[];
  /** Node's own flags before the script, e.g. `--cpu-prof` (which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /** More environment, after the defaults: `DATABASE_URL` here puts the service on PostgreSQL. */
  env?: NodeJS.ProcessEnv;
}

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** SIGKILL, then waits until the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (the clean stop `thiqa serve` handles), then waits until the process is gone. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago, to be given to the service on every start. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/** Starts `node bin/thiqa.mjs serve` and resolves once `/healthz` answers 200. */
export async function startServiceProcess(
  options: ServiceProcessOptions,
  deadlineMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), THIQA_BIN, 'serve', ...(options.args ?? [])], {
    env: {
      ...process.env,
      THIQA_DATA_DIR: options.dataDir,
      THIQA_PORT: String(options.port),
      ...(options.adminToken ? { THIQA_ADMIN_TOKEN: options.adminToken } : {}),
      ...(options.reportRateLimit ? { THIQA_REPORT_RATE_LIMIT: options.reportRateLimit } : {}),
      DATABASE_URL: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const url = `http://127.0.0.1:${options.port}`;
  const gone = exited(child);
  const service: ServiceProcess = {
    url,
    pid: child.pid ?? -1,
    output: () => output,
    async kill9() {
      child.kill('SIGKILL');
      await gone;
    },
    async stop() {
      child.kill('SIGTERM');
      await gone;
    },
  };
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`thiqa serve exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return service;
    await new Promise((done) => setTimeout(done, 100));
  }
  await service.kill9();
  throw new Error(`thiqa serve did not answer /healthz within ${deadlineMs} ms:\n${output}`);
}

const run = promisify(execFile);

/** One `thiqa` staff command (import, publish, flag, reports accept…) as a publisher runs it. */
export async function runThiqa(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [THIQA_BIN, ...args], {
      env: { ...process.env, DATABASE_URL: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}
