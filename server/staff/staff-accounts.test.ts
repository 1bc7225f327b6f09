import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { listAudit } from '../db/audit-log.ts';
import { LOCK_AFTER, LOCK_MS, SETUP_LINK_MS, StaffAccounts } from './staff-accounts.ts';
import { StaffSessions } from './staff-sessions.ts';

const PASSWORD = 'une phrase de passe assez longue';

let service: TestService;
let accounts: StaffAccounts;
let sessions: StaffSessions;
beforeEach(async () => {
  service = await openTestService();
  accounts = new StaffAccounts(service.registry.db, () => service.now());
  sessions = new StaffSessions(service.registry.db, () => service.now());
});
afterEach(async () => {
  await service.close();
});

const later = (ms: number) => service.setNow(new Date(service.now().getTime() + ms));

/** An account with its password set, as after its owner used the set-up link. */
async function activeAccount(email = 'samira@thiqa.test', role: 'admin' | 'moderator' | 'verifier' = 'moderator') {
  const link = await accounts.add({ email, name: 'Samira Bennani', role }, 'admin@thiqa.test');
  const setup = await accounts.completeSetup(link.token, PASSWORD);
  if (!setup.ok) throw new Error(`set-up refused: ${setup.reason}`);
  return setup;
}

const statusOf = async (email: string) => (await accounts.list()).find((member) => member.email === email)?.status;

describe('staff accounts', () => {
  it('adds an account pending set-up; its link sets the password once and signs its owner in', async () => {
    const link = await accounts.add(
      { email: ' Samira@Thiqa.TEST ', name: 'Samira', role: 'verifier' },
      'admin@thiqa.test',
    );
    expect(link.email).toBe('samira@thiqa.test');
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.expiresAt.getTime() - service.now().getTime()).toBe(SETUP_LINK_MS);
    expect(await statusOf('samira@thiqa.test')).toBe('pending');
    // Only the link's hash is kept.
    const stored = await service.registry.db.selectFrom('staff_setup_links').selectAll().execute();
    expect(stored.map((row) => row.token_hash)).not.toContain(link.token);

    expect(await accounts.completeSetup(link.token, 'short')).toEqual({
      ok: false,
      reason: 'password',
      problem: 'too-short',
    });
    const setup = await accounts.completeSetup(link.token, PASSWORD);
    expect(setup).toMatchObject({ ok: true, member: { email: 'samira@thiqa.test', role: 'verifier' } });
    if (!setup.ok) return;
    expect(await sessions.member(setup.sessionToken)).toMatchObject({ email: 'samira@thiqa.test' });
    expect(await statusOf('samira@thiqa.test')).toBe('active');
    expect(await accounts.completeSetup(link.token, 'une autre phrase de passe')).toEqual({
      ok: false,
      reason: 'link',
    });
    expect(await accounts.setupLinkAccount(link.token)).toBeNull();

    const signIn = await accounts.signIn('SAMIRA@thiqa.test', PASSWORD);
    expect(signIn).toMatchObject({ ok: true, member: { email: 'samira@thiqa.test' } });
  });

  it('refuses a second account for one e-mail, a bad e-mail, and a name the text policy refuses', async () => {
    await accounts.add({ email: 'a@thiqa.test', name: 'A', role: 'admin' }, 'cli');
    await expect(accounts.add({ email: 'A@THIQA.test', name: 'B', role: 'admin' }, 'cli')).rejects.toMatchObject({
      kind: 'conflict',
    });
    await expect(accounts.add({ email: 'not-an-email', name: 'B', role: 'admin' }, 'cli')).rejects.toThrow();
    await expect(accounts.add({ email: 'b@thiqa.test', name: 'B\u202eoknis', role: 'admin' }, 'cli')).rejects.toThrow();
  });

  it(`locks an account after ${LOCK_AFTER} wrong passwords in a row, the right one refused until the lock ends`, async () => {
    await activeAccount();
    for (let attempt = 1; attempt < LOCK_AFTER; attempt++) {
      expect(await accounts.signIn('samira@thiqa.test', `wrong guess ${attempt}`)).toEqual({
        ok: false,
        reason: 'wrong',
      });
    }
    expect(await accounts.signIn('samira@thiqa.test', 'wrong guess 5')).toEqual({ ok: false, reason: 'locked' });
    expect(await statusOf('samira@thiqa.test')).toBe('locked');
    expect(await accounts.signIn('samira@thiqa.test', PASSWORD)).toEqual({ ok: false, reason: 'locked' });
    later(LOCK_MS - 1000);
    expect(await accounts.signIn('samira@thiqa.test', PASSWORD)).toEqual({ ok: false, reason: 'locked' });
    later(1000);
    expect(await accounts.signIn('samira@thiqa.test', PASSWORD)).toMatchObject({ ok: true });

    const audit = await listAudit(service.registry.db, 100);
    expect(audit.filter((entry) => entry.action === 'staff.lock')).toHaveLength(1);
    expect(audit.filter((entry) => entry.action === 'staff.sign-in-refused')).toHaveLength(LOCK_AFTER + 2);
    // Never a password in the log.
    expect(JSON.stringify(audit)).not.toMatch(/wrong guess|phrase de passe/);
  });

  it('counts wrong passwords in a row only: a right one in between starts again', async () => {
    await activeAccount();
    for (let attempt = 1; attempt < LOCK_AFTER; attempt++) await accounts.signIn('samira@thiqa.test', 'nope nope nope');
    expect(await accounts.signIn('samira@thiqa.test', PASSWORD)).toMatchObject({ ok: true });
    for (let attempt = 1; attempt < LOCK_AFTER; attempt++) {
      expect(await accounts.signIn('samira@thiqa.test', 'nope nope nope')).toMatchObject({ reason: 'wrong' });
    }
  });

  it('answers an e-mail without an account as it answers a real one, lock included', async () => {
    for (let attempt = 1; attempt < LOCK_AFTER; attempt++) {
      expect(await accounts.signIn('ghost@thiqa.test', PASSWORD)).toEqual({ ok: false, reason: 'wrong' });
    }
    expect(await accounts.signIn('ghost@thiqa.test', PASSWORD)).toEqual({ ok: false, reason: 'locked' });
    expect(await accounts.signIn('ghost@thiqa.test', PASSWORD)).toEqual({ ok: false, reason: 'locked' });
    later(LOCK_MS);
    expect(await accounts.signIn('ghost@thiqa.test', PASSWORD)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('refuses a disabled account even its right password, ends its sessions, and gives it no new link', async () => {
    const { sessionToken } = await activeAccount();
    const pending = await accounts.add({ email: 'omar@thiqa.test', name: 'Omar', role: 'verifier' }, 'cli');
    expect(await accounts.disable('Samira@thiqa.test', 'admin@thiqa.test')).toEqual({ changed: true });
    expect(await accounts.disable('samira@thiqa.test', 'admin@thiqa.test')).toEqual({ changed: false });
    expect(await sessions.member(sessionToken)).toBeNull();
    // Revoked, not only refused while disabled: should the account come back, they stay ended.
    const left = await service.registry.db.selectFrom('staff_sessions').select('revoked_at').execute();
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((session) => session.revoked_at !== null)).toBe(true);
    expect(await accounts.signIn('samira@thiqa.test', PASSWORD)).toEqual({ ok: false, reason: 'wrong' });
    expect(await statusOf('samira@thiqa.test')).toBe('disabled');
    await expect(accounts.newSetupLink('samira@thiqa.test', 'cli')).rejects.toMatchObject({ kind: 'conflict' });

    await accounts.disable('omar@thiqa.test', 'cli');
    expect(await accounts.completeSetup(pending.token, PASSWORD)).toEqual({ ok: false, reason: 'link' });
    await expect(accounts.disable('nobody@thiqa.test', 'cli')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('lets a set-up link expire after 72 hours, and a newer link void the older unused one', async () => {
    const first = await accounts.add({ email: 'omar@thiqa.test', name: 'Omar', role: 'verifier' }, 'cli');
    const second = await accounts.newSetupLink('omar@thiqa.test', 'admin@thiqa.test');
    expect(await accounts.setupLinkAccount(first.token)).toBeNull();
    expect(await accounts.completeSetup(first.token, PASSWORD)).toEqual({ ok: false, reason: 'link' });
    later(SETUP_LINK_MS - 1000);
    expect(await accounts.setupLinkAccount(second.token)).toMatchObject({ email: 'omar@thiqa.test' });
    later(1000);
    expect(await accounts.completeSetup(second.token, PASSWORD)).toEqual({ ok: false, reason: 'link' });

    // A forgotten password: a new link replaces it, clears a lock, and ends the old sessions.
    const third = await accounts.newSetupLink('omar@thiqa.test', 'admin@thiqa.test');
    const setup = await accounts.completeSetup(third.token, PASSWORD);
    if (!setup.ok) throw new Error('set-up refused');
    for (let attempt = 0; attempt < LOCK_AFTER; attempt++) await accounts.signIn('omar@thiqa.test', 'forgotten it');
    expect(await statusOf('omar@thiqa.test')).toBe('locked');
    const fourth = await accounts.newSetupLink('omar@thiqa.test', 'admin@thiqa.test');
    expect(await accounts.completeSetup(fourth.token, 'un nouveau mot de passe')).toMatchObject({ ok: true });
    expect(await sessions.member(setup.sessionToken)).toBeNull();
    expect(await accounts.signIn('omar@thiqa.test', 'un nouveau mot de passe')).toMatchObject({ ok: true });

    const audit = await listAudit(service.registry.db, 100);
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['staff.add', 'staff.setup-link', 'staff.set-password', 'staff.sign-in', 'staff.lock']),
    );
    const logged = JSON.stringify(audit);
    for (const link of [first, second, third, fourth]) expect(logged).not.toContain(link.token);
  });

  it('refuses a set-up link token of the wrong shape (no lookup can match them)', async () => {
    for (const token of ['', 'x', '../../etc/passwd', `${'A'.repeat(43)}=`, 'A'.repeat(10_000)]) {
      expect(await accounts.setupLinkAccount(token)).toBeNull();
    }
  });
});
