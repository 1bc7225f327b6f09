import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { recordingMailer } from '../../test/support/application-rows.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { type Fields, formBody, openForm } from '../../test/support/portal-form-client.ts';

// The review of issue 12 found: the applicant's mail links to whatever host the request named (Host header),
// so anyone can make Thiqa's own mail server send a "follow your application" link to an
// attacker's host, to any address.

const GOOD_ICE = iceWithCheckDigits('0012345670001');
const application: Fields = {
  legalName: 'Victim Shop SARL',
  tradeName: 'Victim Shop',
  ice: GOOD_ICE,
  rcNumber: '123456',
  rcCourt: 'casablanca',
  rcCourtOther: '',
  address: '12, rue Ibnou Mounir',
  city: 'Casablanca',
  phone: '0522000101',
  email: 'victim@example.ma',
  domains: 'victim-shop.ma',
  social: '',
};

let service: DemoService;
let mailer: ReturnType<typeof recordingMailer>;
beforeAll(async () => {
  mailer = recordingMailer();
  service = await openDemoService({ mailer });
});
afterAll(async () => service.close());

describe('the applicant mail link', () => {
  it('does not take its origin from the request Host header', async () => {
    // An attacker's own client: it loads the form (any host), then posts with Host/Origin of its choosing.
    const form = await openForm(service, 'http://evil.example/apply?lang=en');
    const response = await service.send(
      'POST',
      'http://evil.example/apply?lang=en',
      formBody({ form_token: form.token, idempotencyKey: form.idempotencyKey, ...application }),
      {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: form.cookie,
        Origin: 'http://evil.example',
      },
    );
    expect(response.status).toBe(303);
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toBe('victim@example.ma');
    // The defect: the mail sent by Thiqa links to the attacker's host.
    expect(mailer.sent[0]?.text).not.toContain('http://evil.example/apply/');
  });
});
