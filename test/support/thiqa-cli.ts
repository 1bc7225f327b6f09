import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../../server/cli/main.ts';

// The staff's commands in the test's own process, as a shell would see them: exit code,
// standard output and standard error.

export async function thiqaCli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/**
 * Gives each test of the file a fresh data folder as THIQA_DATA_DIR, on PGlite even when
 * DATABASE_URL is set (these tests must not share one server database), and removes it
 * afterwards. Returns the folder of the running test.
 */
export function freshDataDirForEachTest(prefix: string): () => string {
  let dataDir = '';
  const savedEnv = { ...process.env };
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), prefix));
    delete process.env.DATABASE_URL;
    process.env.THIQA_DATA_DIR = dataDir;
  });
  afterEach(async () => {
    process.env = { ...savedEnv };
    await rm(dataDir, { recursive: true, force: true });
  });
  return () => dataDir;
}
