import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDataDirForEachTest, thiqaCli } from '../../test/support/thiqa-cli.ts';

// The staff's commands end to end, as a shell runs them. They use PGlite in a fresh data
// folder even when DATABASE_URL is set: storage on PostgreSQL is covered by the service
// tests, and these must not share one server database between test files.

const cli = thiqaCli;

const currentDataDir = freshDataDirForEachTest('thiqa-cli-');

const CSV = [
  'domains;legal_name;ice;city;phone;status;verified_at;verified_by;labels',
  'hanout-bio.test;Hanout Bio SARL;001520003000037;Rabat;0537-11 22 33;verified;2026-05-02;FDEC;"e-thiq@2027-06-30; cmi"',
  'youcan.store;Bad Row SARL;002345678000031;Rabat;0537112233;verified;2026-05-02;FDEC;',
  '',
].join('\r\n');

describe('the staff commands', () => {
  it('generate a key, import, flag, publish, and check against the published folder', async () => {
    const keys = await cli('keys', 'generate');
    expect(keys.code).toBe(0);
    const publicKey = /THIQA_PUBLIC_KEYS=(\S+)/.exec(keys.stdout)?.[1] as string;
    expect(Buffer.from(publicKey, 'base64')).toHaveLength(32);

    const file = join(currentDataDir(), 'merchants.csv');
    await writeFile(file, `\uFEFF${CSV}`);
    const strict = await cli('import', file);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(`${file}:3: domains: youcan.store is a public suffix or shop platform, not a shop`);
    expect(strict.stdout).toContain('nothing imported');
    const dry = await cli('import', file, '--dry-run', '--partial');
    expect(dry.stdout).toContain('dry run, nothing written');
    const partial = await cli('import', file, '--partial');
    expect(partial).toMatchObject({ code: 0 });
    expect(partial.stdout).toContain('imported. 2 rows: 1 new, 0 updated, 0 unchanged, 1 bad');
    expect((await cli('import', file, '--partial')).stdout).toContain('0 new, 0 updated, 1 unchanged');

    const flag = await cli(
      'flag',
      'https://www.faux-hanout.test/x',
      '--reason',
      'impersonation',
      '--summary',
      'Imite Hanout Bio.',
    );
    expect(flag).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('flagged: faux-hanout.test (impersonation)'),
    });
    const publish = await cli('publish');
    expect(publish.stdout).toContain('published version 1');
    expect((await cli('publish', '--if-changed')).stdout).toContain('nothing changed since version 1');

    const directory = join(currentDataDir(), 'public', 'v1', 'directory');
    const verified = await cli('check', 'hanout-bio.test', '--directory', directory, '--public-keys', publicKey);
    expect(JSON.parse(verified.stdout)).toMatchObject({ verdict: { level: 'verified' }, directory: { version: 1 } });
    const flagged = await cli('check', 'faux-hanout.test', '--directory', directory);
    expect(JSON.parse(flagged.stdout).verdict.level).toBe('danger');
    const otherKey = Buffer.alloc(32, 7).toString('base64');
    const refused = await cli('check', 'hanout-bio.test', '--directory', directory, '--public-keys', otherKey);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('signature-unknown-key');

    expect((await cli('reports', 'list', '--status', 'new')).stdout).toBe('0 report(s)');
    // Every command opens the PGlite files anew, as separate shell commands do.
  }, 60_000);

  it.each([
    [['flag', 'x.test', '--summary', 'no reason given'], '--reason is required'],
    [['reports', 'accept', 'AAAAAAAAAAAAAAAAAAAAAA'], '--category is required'],
    [['reports', 'reject', 'AAAAAAAAAAAAAAAAAAAAAA', '--why', ''], '--why'],
    [['serve', '--publish-every', 'often'], '--publish-every'],
    [['import', 'merchants.xlsx'], 'import reads .csv or .json'],
  ])('answer bad usage %j with exit 2 and one line', async (argv, message) => {
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('stop with a clear message on bad configuration, and name an unknown receipt', async () => {
    process.env.THIQA_PORT = 'eighty';
    const port = await cli('reports', 'list');
    expect(port).toMatchObject({ code: 1 });
    expect(port.stderr).toContain('THIQA_PORT: must be a port number');
    delete process.env.THIQA_PORT;
    const unknown = await cli('reports', 'accept', 'AAAAAAAAAAAAAAAAAAAAAA', '--category', 'fraud');
    expect(unknown).toMatchObject({ code: 1, stderr: 'thiqa: no report AAAAAAAAAAAAAAAAAAAAAA' });
  });
});
