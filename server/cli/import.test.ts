import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './main.ts';

// `thiqa import` as an operator runs it, then publish and check: what the shopper ends up
// seeing for the rows imported. PGlite in a fresh data folder, as service-commands.test.ts.

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

let dataDir: string;
const savedEnv = { ...process.env };
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-import-'));
  delete process.env.DATABASE_URL;
  process.env.THIQA_DATA_DIR = dataDir;
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await rm(dataDir, { recursive: true, force: true });
});

async function csvFile(name: string, lines: string[]): Promise<string> {
  const file = join(dataDir, name);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

const HEADER = 'domains;legal_name;ice;city;phone;status;verified_at;verified_by;labels';

describe('thiqa import, publish and check', () => {
  it('lists a merchant whose label expired before its verification, with caution (label-expired)', async () => {
    expect((await cli('keys', 'generate')).code).toBe(0);
    const file = await csvFile('labels.csv', [
      HEADER,
      'vieux-label.test;Vieux Label SARL;003000000000044;Rabat;0537000000;verified;2026-06-01;FDEC;e-thiq@2025-01-31',
    ]);
    const imported = await cli('import', file);
    expect(imported.stdout).toContain('imported. 1 rows: 1 new');
    expect(imported.code).toBe(0);
    expect((await cli('publish')).stdout).toContain('published version 1');

    const directory = join(dataDir, 'public', 'v1', 'directory');
    const check = await cli('check', 'vieux-label.test', '--directory', directory, '--at', '2026-12-01T12:00:00Z');
    const answer = JSON.parse(check.stdout);
    expect(answer.verdict).toEqual({
      level: 'caution',
      reasons: [
        { code: 'label-expired', kind: 'e-thiq', validUntil: '2025-01-31' },
        { code: 'merchant-verified', verifiedAt: '2026-06-01', methods: ['commercial-register'] },
      ],
    });
    expect(answer.merchant.labels).toEqual([
      { kind: 'e-thiq', issuer: 'Label e-thiq', reference: null, issued: null, validUntil: '2025-01-31' },
    ]);
  }, 60_000);
});
