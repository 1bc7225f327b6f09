import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleBrowser } from '../../../test/support/console-client.ts';
import { visibleText } from '../../../test/support/portal-form-client.ts';
import type { TestService } from '../../../test/support/test-service.ts';
import { listAudit } from '../../db/audit-log.ts';
import type { MerchantRecord } from '../import-map.ts';
import { editFormOf, saveMerchantEdit } from '../merchant-edits.ts';
import { openDeskService } from './desk-test-support.ts';
import { MerchantAccounts } from './merchant-accounts.ts';
import { MerchantSessions } from './merchant-sessions.ts';

// A merchant's account: a password set from a session a link opened, signing in with the
// registry's address and that password, signing out, and the lock after five wrong tries.

describe('merchant accounts', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await openDeskService();
  });
  afterAll(() => service.close());

  const PASSWORD = 'tajine au citron confit 2026';

  it('sets a password from a session, signs out, signs in with it, and locks after five wrong tries', async () => {
    const linked = consoleBrowser(service);
    linked.setCookie(
      'thiqa_merchant',
      await new MerchantSessions(service.registry.db, () => service.now()).open('dar-argan'),
    );
    const form = await linked.open('/merchant/password?lang=en');
    expect(visibleText(form.html)).toContain('salam@dar-argan.test');

    const short = await linked.post('/merchant/password?lang=en', { password: 'court', confirm: 'court' });
    expect(short.status).toBe(400);
    expect(visibleText(short.html)).toContain('Use at least 12 characters');
    const differs = await linked.post('/merchant/password?lang=en', { password: PASSWORD, confirm: `${PASSWORD}!` });
    expect(visibleText(differs.html)).toContain('The two passwords differ');
    const set = await linked.post('/merchant/password?lang=en', { password: PASSWORD, confirm: PASSWORD });
    expect(set.status).toBe(303);
    const account = await service.registry.db.selectFrom('merchant_accounts').selectAll().executeTakeFirstOrThrow();
    expect(account).toMatchObject({ merchant_id: 'dar-argan', email: 'salam@dar-argan.test' });
    expect(account.password_hash).toMatch(/^\$argon2id\$/);

    await linked.open('/merchant?lang=en');
    expect((await linked.post('/merchant/sign-out?lang=en', {})).location).toBe('/merchant/sign-in?lang=en');
    expect((await linked.open('/merchant?lang=en')).location).toBe('/merchant/sign-in?lang=en');

    const merchant = consoleBrowser(service);
    await merchant.open('/merchant/sign-in?lang=en');
    const signedIn = await merchant.post('/merchant/sign-in?lang=en', {
      email: ' Salam@Dar-Argan.test ',
      password: PASSWORD,
    });
    expect(signedIn.location).toBe('/merchant?lang=en');
    expect((await merchant.open('/merchant?lang=en')).status).toBe(200);

    const guesser = consoleBrowser(service);
    await guesser.open('/merchant/sign-in?lang=en');
    for (let attempt = 1; attempt <= 4; attempt++) {
      const wrong = await guesser.post('/merchant/sign-in?lang=en', {
        email: 'salam@dar-argan.test',
        password: `devinette ${attempt} xyz`,
      });
      expect(wrong.status).toBe(403);
      expect(visibleText(wrong.html)).toContain('The e-mail address or the password is wrong');
    }
    const fifth = await guesser.post('/merchant/sign-in?lang=en', {
      email: 'salam@dar-argan.test',
      password: 'devinette 5 xyz',
    });
    expect(fifth.status).toBe(429);
    expect(visibleText(fifth.html)).toContain('locked for 15 minutes');
    const right = await guesser.post('/merchant/sign-in?lang=en', {
      email: 'salam@dar-argan.test',
      password: PASSWORD,
    });
    expect(right.status).toBe(429);
    service.setNow(new Date(service.now().getTime() + 15 * 60_000 + 1000));
    const later = await guesser.post('/merchant/sign-in?lang=en', {
      email: 'salam@dar-argan.test',
      password: PASSWORD,
    });
    expect(later.location).toBe('/merchant?lang=en');

    const actions = (await listAudit(service.registry.db, 50)).map((line) => `${line.actor} ${line.action}`);
    expect(actions).toContain('merchant:dar-argan merchant.set-password');
    expect(actions).toContain('merchant:dar-argan merchant.sign-out');
    expect(actions).toContain('merchant:dar-argan merchant.sign-in');
    expect(actions).toContain('merchant:dar-argan merchant.sign-in-refused');
    expect(JSON.stringify(await listAudit(service.registry.db, 50))).not.toContain(PASSWORD);
  });

  // When staff change the registry's address (the old mailbox belonged to an employee who
  // left, or was taken over), the old address and its password must stop opening the desk:
  // it shows the complaints and, when shoppers agreed, their words and contact.
  it('no longer signs in with the former address once staff change the registry’s', async () => {
    const { db } = service.registry;
    const accounts = new MerchantAccounts(db, () => service.now());
    const session = await new MerchantSessions(db, () => service.now()).open('dar-argan');
    expect(await accounts.setPassword('dar-argan', PASSWORD, session)).toMatchObject({
      ok: true,
      email: 'salam@dar-argan.test',
    });

    const row = await db
      .selectFrom('merchants')
      .select(['record', 'updated_at'])
      .where('id', '=', 'dar-argan')
      .executeTakeFirstOrThrow();
    const form = editFormOf({
      record: row.record as MerchantRecord,
      stamp: new Date(row.updated_at).toISOString(),
    } as never);
    const saved = await saveMerchantEdit(
      db,
      'dar-argan',
      { ...form, email: 'nouveau-gerant@dar-argan.test' },
      'moderator@thiqa.test',
      service.now(),
    );
    expect(saved).toMatchObject({ outcome: 'saved' });
    expect(await accounts.accountEmail('dar-argan')).toBe('nouveau-gerant@dar-argan.test');

    // The former mailbox's holder is refused as for a wrong password; the new one has none yet.
    expect(await accounts.signIn('salam@dar-argan.test', PASSWORD)).toEqual({ ok: false, reason: 'wrong' });
    expect(await accounts.signIn('nouveau-gerant@dar-argan.test', PASSWORD)).toEqual({ ok: false, reason: 'wrong' });
    // A password set again (from a link mailed to the new address) signs in with the new one.
    expect(await accounts.setPassword('dar-argan', PASSWORD, session)).toMatchObject({
      ok: true,
      email: 'nouveau-gerant@dar-argan.test',
    });
    expect(await accounts.signIn('nouveau-gerant@dar-argan.test', PASSWORD)).toMatchObject({ ok: true });
  });
});
