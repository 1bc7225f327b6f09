import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleBrowser } from '../../test/support/console-client.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { LOCK_AFTER, StaffAccounts } from '../staff/staff-accounts.ts';

// The review of issue 12 found: the per-account lock is read before the argon2 check and never re-read: a
// burst of guesses sent at once (each from its own address, so the per-address limit
// does not bite) is evaluated whole, and the right password among them signs in even
// after the account locked.

const PASSWORD = 'le couscous du vendredi';
let service: TestService;
beforeAll(async () => {
  service = await openTestService();
  const accounts = new StaffAccounts(service.registry.db, () => service.now());
  const link = await accounts.add({ email: 'nadia@thiqa.test', name: 'Nadia', role: 'admin' }, 'test');
  const setup = await accounts.completeSetup(link.token, PASSWORD);
  if (!setup.ok) throw new Error('set-up refused');
});
afterAll(async () => service.close());

describe('the account lock', () => {
  it('holds against guesses sent at once', async () => {
    const browser = consoleBrowser(service);
    await browser.open('/admin/sign-in?lang=en');
    const guesses = [...Array.from({ length: 24 }, (_, i) => `wrong guess number ${i}`), PASSWORD];
    const answers = await Promise.all(
      guesses.map((password, i) =>
        browser.post('/admin/sign-in?lang=en', { email: 'nadia@thiqa.test', password }, {}, `198.51.100.${10 + i}`),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    const audit = await service.registry.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('action', 'in', ['staff.lock', 'staff.sign-in'])
      .orderBy('id')
      .execute();
    console.log(statuses.join(' '), audit.map((a) => a.action).join(' '));
    // At most LOCK_AFTER wrong passwords may be weighed before the lock answers.
    expect(statuses.filter((status) => status === 403).length).toBeLessThanOrEqual(LOCK_AFTER);
    // The right password, the last of the burst, must not open a session once the account is locked.
    expect(statuses.at(-1)).not.toBe(303);
  });
});
