import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDataDirForEachTest, thiqaCli } from '../../test/support/thiqa-cli.ts';

// `thiqa purge` as a shell runs it, on PGlite in a fresh data folder.

const currentDataDir = freshDataDirForEachTest('thiqa-purge-');

describe('thiqa purge', () => {
  it('counts with --dry-run, then erases what the retention period ran out on', async () => {
    const mail = join(currentDataDir(), 'mail');
    await mkdir(mail, { recursive: true });
    // A copy of a mail sent two years ago, and one sent just now.
    const old = '20241130T101500-000Z-0a1b2c3d4e5f.eml';
    const recent = `${new Date().toISOString().replace(/[-:]/g, '').replace('.', '-')}-0a1b2c3d4e5f.eml`;
    await writeFile(join(mail, old), 'Subject: old\r\n\r\nold');
    await writeFile(join(mail, recent), 'Subject: new\r\n\r\nnew');

    const dry = await thiqaCli('purge', '--dry-run');
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toContain('mail files deleted: 1');
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect((await readdir(mail)).sort()).toEqual([old, recent].sort());

    const purge = await thiqaCli('purge');
    expect(purge).toMatchObject({ code: 0 });
    expect(purge.stdout).toContain('reports erased: 0');
    expect(await readdir(mail)).toEqual([recent]);

    const wrong = await thiqaCli('purge', 'now');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('does not take positional arguments');
  }, 120_000);
});
