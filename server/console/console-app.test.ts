import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleBrowser, signedInStaff } from '../../test/support/console-client.ts';
import { visibleText } from '../../test/support/portal-form-client.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { SESSION_IDLE_MS, SESSION_MAX_MS, StaffSessions } from '../staff/staff-sessions.ts';

let service: TestService;
beforeEach(async () => {
  service = await openTestService();
});
afterEach(async () => {
  await service.close();
});

describe('the console frame', () => {
  it('sends a visitor without a session to the sign-in page, remembering where they were going', async () => {
    const page = await consoleBrowser(service).open('/admin/queue?lang=fr');
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/admin/sign-in?next=${encodeURIComponent('/admin/queue?lang=fr')}&lang=fr`);
  });

  it('shows a signed-in moderator the sections of their role, with no-store and noindex', async () => {
    const moderator = await signedInStaff(service, 'moderator');
    const page = await moderator.open('/admin?lang=en');
    expect(page.status).toBe(200);
    expect(page.headers.get('Cache-Control')).toBe('no-store');
    expect(page.headers.get('X-Robots-Tag')).toBe('noindex, nofollow');
    const text = visibleText(page.html);
    expect(text).toContain('Signed in as Test moderator (moderator)');
    expect(text).toContain('Publish');
    expect(text).not.toContain('Applications');
    expect(text).not.toContain('Staff');
  });

  it('ends a session idle too long, or older than its absolute limit', async () => {
    const verifier = await signedInStaff(service, 'verifier');
    expect((await verifier.open('/admin')).status).toBe(200);
    service.setNow(new Date(service.now().getTime() + SESSION_IDLE_MS - 1000));
    expect((await verifier.open('/admin')).status).toBe(200);
    service.setNow(new Date(service.now().getTime() + SESSION_IDLE_MS));
    expect((await verifier.open('/admin')).status).toBe(303);

    const moderator = await signedInStaff(service, 'moderator', 'late@thiqa.test');
    for (let spent = 0; spent < SESSION_MAX_MS; spent += SESSION_IDLE_MS / 2) {
      expect((await moderator.open('/admin')).status).toBe(200);
      service.setNow(new Date(service.now().getTime() + SESSION_IDLE_MS / 2));
    }
    expect((await moderator.open('/admin')).status).toBe(303);
  });

  it('ends the sessions of a disabled account and a revoked session at once', async () => {
    const moderator = await signedInStaff(service, 'moderator');
    await service.registry.db
      .updateTable('staff')
      .set({ disabled_at: service.now() })
      .where('id', '=', moderator.member.id)
      .execute();
    expect((await moderator.open('/admin')).status).toBe(303);

    const verifier = await signedInStaff(service, 'verifier');
    const token = verifier.cookies().replace(/^.*thiqa_staff=([^;]+).*$/, '$1');
    await new StaffSessions(service.registry.db, () => service.now()).revoke(token);
    expect((await verifier.open('/admin')).status).toBe(303);
  });
});
