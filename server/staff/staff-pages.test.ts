import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleBrowser, signedInStaff } from '../../test/support/console-client.ts';
import { visibleText } from '../../test/support/portal-form-client.ts';
import { readPortalPage } from '../../test/support/portal-page.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { listAudit } from '../db/audit-log.ts';
import { SETUP_LINK_MS, StaffAccounts } from './staff-accounts.ts';

let service: TestService;
beforeEach(async () => {
  service = await openTestService();
});
afterEach(async () => {
  await service.close();
});

const PASSWORD = 'la médina de Fès au printemps';
const LINK = /http:\/\/localhost\/admin\/setup\/([A-Za-z0-9_-]{43})/;

/** The rows of the staff table: e-mail → status as shown. */
async function shownStaff(html: string) {
  const page = await readPortalPage(new Response(html));
  return Object.fromEntries(
    [...page.document.querySelectorAll('tr[data-staff]')].map((row) => [
      row.getAttribute('data-staff'),
      row.querySelector('[data-status]')?.textContent,
    ]),
  );
}

describe('the staff page', () => {
  it('lets an admin add a member, shows the set-up link once, which sets the password and signs them in', async () => {
    const admin = await signedInStaff(service, 'admin');
    const list = await admin.open('/admin/staff?lang=en');
    expect(list.status).toBe(200);
    // The test's admin was put straight in the database, without a password.
    expect(await shownStaff(list.html)).toEqual({ 'admin@thiqa.test': 'set-up pending' });

    const added = await admin.post('/admin/staff/add?lang=en', {
      email: 'Youssef@Thiqa.test',
      name: 'Youssef El Idrissi',
      role: 'verifier',
    });
    expect(added.status).toBe(200);
    const text = visibleText(added.html);
    expect(text).toContain('Give this link to youssef@thiqa.test only. It works once, until');
    const token = LINK.exec(text)?.[1] as string;
    expect(token).toBeDefined();
    expect(text).toContain('It was also sent to youssef@thiqa.test by e-mail.');
    expect(await shownStaff((await admin.open('/admin/staff?lang=en')).html)).toMatchObject({
      'youssef@thiqa.test': 'set-up pending',
    });
    // Shown once: the list does not hold it.
    expect((await admin.open('/admin/staff?lang=en')).html).not.toContain(token);

    const newcomer = consoleBrowser(service);
    const setup = await newcomer.open(`/admin/setup/${token}?lang=en`);
    expect(setup.status).toBe(200);
    expect((await readPortalPage(new Response(setup.html))).text('main p')).toBe(
      'This sets the password of the account youssef@thiqa.test. You are signed in once it is saved.',
    );
    const differ = await newcomer.post(`/admin/setup/${token}?lang=en`, {
      password: PASSWORD,
      confirm: `${PASSWORD}!`,
    });
    expect(differ.status).toBe(400);
    expect(visibleText(differ.html)).toContain('The two passwords are not the same');
    const weak = await newcomer.post(`/admin/setup/${token}?lang=en`, {
      password: 'youssef-2026-!',
      confirm: 'youssef-2026-!',
    });
    expect(visibleText(weak.html)).toContain('The password must not contain the name of your e-mail address');
    const short = await newcomer.post(`/admin/setup/${token}?lang=en`, { password: 'court', confirm: 'court' });
    expect(visibleText(short.html)).toContain('There is a problem The password must be at least 12 characters long');

    const done = await newcomer.post(`/admin/setup/${token}?lang=en`, { password: PASSWORD, confirm: PASSWORD });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/admin?lang=en');
    expect(visibleText((await newcomer.open('/admin?lang=en')).html)).toContain(
      'Signed in as Youssef El Idrissi (verifier)',
    );
    const again = await consoleBrowser(service).open(`/admin/setup/${token}?lang=en`);
    expect(again.status).toBe(404);
    expect(visibleText(again.html)).toContain('This set-up link does not work');
    expect(await shownStaff((await admin.open('/admin/staff?lang=en')).html)).toMatchObject({
      'youssef@thiqa.test': 'active',
    });
  });

  it('builds the link on THIQA_PUBLIC_URL when it is set', async () => {
    const behindProxy = await openTestService({ portal: { publicOrigin: 'https://thiqa.example' } });
    try {
      const admin = await signedInStaff(behindProxy, 'admin');
      admin.setCookie('__Host-thiqa_staff', admin.cookies().replace(/^.*thiqa_staff=([^;]+).*$/, '$1'));
      await admin.open('/admin/staff?lang=en');
      const added = await admin.post(
        '/admin/staff/add?lang=en',
        { email: 'hind@thiqa.test', name: 'Hind', role: 'moderator' },
        { Origin: 'https://thiqa.example' },
      );
      expect(visibleText(added.html)).toMatch(/https:\/\/thiqa\.example\/admin\/setup\/[A-Za-z0-9_-]{43}/);
    } finally {
      await behindProxy.close();
    }
  });

  it('says what is wrong with the add form, at the top and at each field', async () => {
    const admin = await signedInStaff(service, 'admin');
    await admin.open('/admin/staff?lang=fr');
    const bad = await admin.post('/admin/staff/add?lang=fr', {
      email: 'pas-une-adresse',
      name: 'Ali\u202Egnp.exe',
      role: 'boss',
    });
    expect(bad.status).toBe(400);
    const page = await readPortalPage(new Response(bad.html));
    expect(page.texts('.error-summary li')).toEqual([
      'Saisissez une adresse e-mail au bon format, par exemple nom@exemple.ma',
      'Le nom contient un caractère qui ne peut pas être affiché (un caractère de contrôle ou invisible) : saisissez-le à nouveau',
      'Choisissez un rôle',
    ]);
    expect(page.document.querySelector('#staff-name')?.getAttribute('value')).toBe('Ali\uFFFDgnp.exe');
    const empty = await admin.post('/admin/staff/add?lang=en', { email: '', name: '', role: '' });
    expect(visibleText(empty.html)).toContain('Enter your e-mail address Enter the person’s name Choose a role');
    const taken = await admin.post('/admin/staff/add?lang=en', {
      email: 'ADMIN@thiqa.test',
      name: 'Again',
      role: 'admin',
    });
    expect(taken.status).toBe(409);
    expect(visibleText(taken.html)).toContain('This e-mail address already has an account');
    expect((await new StaffAccounts(service.registry.db, () => service.now()).list()).length).toBe(1);
  });

  it('is refused to a moderator, whether they open it or post straight to its actions', async () => {
    const moderator = await signedInStaff(service, 'moderator');
    const page = await moderator.open('/admin/staff?lang=en');
    expect(page.status).toBe(403);
    expect(visibleText(page.html)).toContain('You cannot do this');
    await moderator.open('/admin?lang=en');
    const add = await moderator.post('/admin/staff/add?lang=en', {
      email: 'intruder@thiqa.test',
      name: 'Intruder',
      role: 'admin',
    });
    expect(add.status).toBe(403);
    expect(add.html).not.toMatch(LINK);
    const verifier = await signedInStaff(service, 'verifier');
    await verifier.open('/admin?lang=en');
    expect((await verifier.post('/admin/staff/disable', { email: 'moderator@thiqa.test' })).status).toBe(403);
    expect((await verifier.post('/admin/staff/link', { email: 'moderator@thiqa.test' })).status).toBe(403);
    const members = await new StaffAccounts(service.registry.db, () => service.now()).list();
    expect(members.map((member) => [member.email, member.status])).toEqual([
      ['moderator@thiqa.test', 'pending'],
      ['verifier@thiqa.test', 'pending'],
    ]);
  });

  it('disables a member, whose open session ends at once; no link for them, and not oneself', async () => {
    const admin = await signedInStaff(service, 'admin');
    const moderator = await signedInStaff(service, 'moderator');
    expect((await moderator.open('/admin')).status).toBe(200);
    await admin.open('/admin/staff?lang=en');
    const disabled = await admin.post('/admin/staff/disable?lang=en', { email: 'moderator@thiqa.test' });
    expect(disabled.status).toBe(303);
    const after = await admin.open(disabled.location as string);
    expect(visibleText(after.html)).toContain('The account is disabled; its sessions have ended.');
    expect(await shownStaff(after.html)).toMatchObject({ 'moderator@thiqa.test': 'disabled' });
    expect((await moderator.open('/admin')).status).toBe(303);

    const link = await admin.post('/admin/staff/link?lang=en', { email: 'moderator@thiqa.test' });
    expect(link.status).toBe(409);
    expect(visibleText(link.html)).toContain('This account is disabled: it gets no set-up link.');
    const self = await admin.post('/admin/staff/disable?lang=en', { email: 'admin@thiqa.test' });
    expect(visibleText(self.html)).toContain('You cannot disable your own account');
    const nobody = await admin.post('/admin/staff/disable?lang=en', { email: 'nobody@thiqa.test' });
    expect(nobody.status).toBe(404);

    const audit = await listAudit(service.registry.db, 20);
    expect(audit.find((entry) => entry.action === 'staff.disable')).toMatchObject({
      actor: 'admin@thiqa.test',
      subject: 'moderator@thiqa.test',
    });
  });

  it('gives a new set-up link that voids the older one; an expired, used or unknown link is one clear 404', async () => {
    const admin = await signedInStaff(service, 'admin');
    await admin.open('/admin/staff?lang=en');
    const first = LINK.exec(
      visibleText(
        (await admin.post('/admin/staff/add?lang=en', { email: 'h@thiqa.test', name: 'H', role: 'verifier' })).html,
      ),
    )?.[1];
    await admin.open('/admin/staff?lang=en');
    const second = LINK.exec(
      visibleText((await admin.post('/admin/staff/link?lang=en', { email: 'h@thiqa.test' })).html),
    )?.[1];
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const browser = consoleBrowser(service);
    for (const path of [
      `/admin/setup/${first}?lang=en`,
      `/admin/setup/${'A'.repeat(43)}?lang=en`,
      '/admin/setup/x?lang=en',
    ]) {
      const page = await browser.open(path);
      expect(page.status).toBe(404);
      expect(visibleText(page.html)).toContain('A set-up link works once, for 72 hours');
    }
    expect((await browser.open(`/admin/setup/${second}`)).status).toBe(200);
    service.setNow(new Date(service.now().getTime() + SETUP_LINK_MS));
    expect((await browser.open(`/admin/setup/${second}`)).status).toBe(404);
    const posted = await browser.post(`/admin/setup/${second}?lang=en`, { password: PASSWORD, confirm: PASSWORD });
    expect(posted.status).toBe(404);
  });
});
