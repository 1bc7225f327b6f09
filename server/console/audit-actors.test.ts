import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleBrowser, signedInStaff } from '../../test/support/console-client.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { recordAudit } from '../db/audit-log.ts';

// The review of issue 12 found: anyone on the Internet writes audit actors: every e-mail typed into the
// sign-in form is stored as an actor and offered in every staff member's "person" filter;
// 500 of them push the real staff out of the list, and filtering by a staff member then
// answers 400.

let service: TestService;
beforeAll(async () => {
  service = await openTestService();
});
afterAll(async () => service.close());

describe('the audit log’s person filter', () => {
  it('lists only people who acted, and keeps listing the staff', async () => {
    const moderator = await signedInStaff(service, 'moderator');
    // The moderator acts once (a sign-out of another session is enough: any audited action).
    await recordAudit(
      service.registry.db,
      { actor: moderator.member.email, action: 'staff.sign-in', subject: moderator.member.email },
      service.now(),
    );

    // A stranger, not signed in, types someone's address into the sign-in form.
    const stranger = consoleBrowser(service);
    await stranger.open('/admin/sign-in?lang=en');
    const tried = await stranger.post('/admin/sign-in?lang=en', {
      email: 'Private.Person@gmail.com',
      password: 'whatever it is',
    });
    expect(tried.status).toBe(403);
    const verifier = await signedInStaff(service, 'verifier');
    const page = await verifier.open('/admin/audit?lang=en');
    // Privacy: a non-staff person's e-mail offered to every staff member as a "person".
    expect.soft(page.html).not.toContain('<option value="private.person@gmail.com"');

    // What the sign-in form writes for each unknown e-mail, 500 times (30 per address per 15 min).
    for (let i = 0; i < 500; i++) {
      const email = `noise${i}@spam.example`;
      await recordAudit(
        service.registry.db,
        { actor: email, action: 'staff.sign-in-refused', subject: email, detail: { reason: 'no-account' } },
        service.now(),
      );
    }
    const filtered = await verifier.open(`/admin/audit?lang=en&actor=${encodeURIComponent(moderator.member.email)}`);
    expect.soft(filtered.status).toBe(200);
  });
});
