import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freshDataDirForEachTest, thiqaCli } from '../../test/support/thiqa-cli.ts';
import { openConfiguredRegistry } from '../cli/registry-session.ts';
import { listAudit } from '../db/audit-log.ts';
import { loadConfig } from '../env.ts';
import { StaffAccounts } from './staff-accounts.ts';

// `thiqa staff` as an operator runs it, on PGlite in a fresh data folder.

const BIN = new URL('../../bin/thiqa.mjs', import.meta.url).pathname;
const cli = thiqaCli;
const currentDataDir = freshDataDirForEachTest('thiqa-staff-');

const LINK = /^(https?:\/\/[^/]+)\/admin\/setup\/([A-Za-z0-9_-]{43})$/m;

/** What the data folder's registry says, as another `thiqa` process would read it. */
async function inDataFolder<T>(
  work: (accounts: StaffAccounts, registry: Awaited<ReturnType<typeof openConfiguredRegistry>>) => Promise<T>,
) {
  const registry = await openConfiguredRegistry(loadConfig());
  try {
    return await work(new StaffAccounts(registry.db, () => new Date()), registry);
  } finally {
    await registry.close();
  }
}

describe('thiqa staff', () => {
  it('adds an account and prints its set-up link, lists, gives a new link, disables', {
    timeout: 300_000,
  }, async () => {
    process.env.THIQA_PORT = '9090';
    delete process.env.THIQA_PUBLIC_URL;
    const added = await cli('staff', 'add', 'Amina@Thiqa.test', '--role', 'admin', '--as', 'ops');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^set-up link for amina@thiqa\.test, valid once until \d{4}-\d\d-\d\dT/);
    const [, origin, first] = LINK.exec(added.stdout) ?? [];
    expect(origin).toBe('http://localhost:9090');

    const list = await cli('staff', 'list');
    expect(list.stdout).toBe('amina@thiqa.test  admin      pending   Amina\n1 account(s)');
    expect(JSON.parse((await cli('staff', 'list', '--json')).stdout)).toEqual([
      expect.objectContaining({ email: 'amina@thiqa.test', name: 'Amina', role: 'admin', status: 'pending' }),
    ]);

    process.env.THIQA_PUBLIC_URL = 'https://thiqa.example.ma';
    const link = await cli('staff', 'link', 'amina@thiqa.test');
    const [, publicOrigin, second] = LINK.exec(link.stdout) ?? [];
    expect(publicOrigin).toBe('https://thiqa.example.ma');
    await inDataFolder(async (accounts, registry) => {
      expect(await accounts.setupLinkAccount(first as string)).toBeNull();
      expect(await accounts.setupLinkAccount(second as string)).toMatchObject({ email: 'amina@thiqa.test' });
      const audit = await listAudit(registry.db, 10);
      expect(audit.find((entry) => entry.action === 'staff.add')).toMatchObject({ actor: 'ops (cli)' });
      expect(JSON.stringify(audit)).not.toContain(second);
    });

    expect(await cli('staff', 'disable', 'amina@thiqa.test')).toMatchObject({
      code: 0,
      stdout: 'disabled: amina@thiqa.test; its sessions have ended',
    });
    expect((await cli('staff', 'list')).stdout).toContain('amina@thiqa.test  admin      disabled');
    expect(await cli('staff', 'link', 'amina@thiqa.test')).toMatchObject({
      code: 1,
      stderr: 'thiqa: amina@thiqa.test is disabled',
    });
    expect(await cli('staff', 'disable', 'nobody@thiqa.test')).toMatchObject({ code: 1 });
  });

  it.each([
    [['staff'], 'thiqa: staff takes an action: add, list, disable or link'],
    [['staff', 'add', 'x@thiqa.test'], 'thiqa: --role is required (admin, moderator, verifier)'],
    [['staff', 'add', 'x@thiqa.test', '--role', 'owner'], 'thiqa: --role: one of admin, moderator, verifier'],
    [['staff', 'add', 'not-an-email', '--role', 'admin'], 'thiqa: <email>: not an e-mail address'],
    [['staff', 'add', 'x@thiqa.test', '--role', 'admin', '--name', 'Ali\u202Egnp.exe'], 'thiqa: --name: '],
    [['staff', 'list', 'extra'], 'thiqa: staff list takes options only'],
    [['staff', 'add', 'x@thiqa.test', '--role', 'admin', '--password', 'x'], "thiqa: Unknown option '--password'"],
  ])('refuses %j as bad usage', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(message)).toBe(true);
  });

  it('runs as the shell runs it, through bin/thiqa.mjs', { timeout: 180_000 }, async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [BIN, 'staff', 'add', 'karim@thiqa.test', '--role', 'moderator', '--name', 'Karim Benjelloun'],
      { env: { ...process.env, THIQA_DATA_DIR: currentDataDir(), THIQA_PUBLIC_URL: 'https://thiqa.example.ma' } },
    );
    expect(stdout).toMatch(/^https:\/\/thiqa\.example\.ma\/admin\/setup\/[A-Za-z0-9_-]{43}$/m);
    expect((await cli('staff', 'list')).stdout).toContain('karim@thiqa.test  moderator  pending   Karim Benjelloun');
  });
});
