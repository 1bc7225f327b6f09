import type { DomainCheck, DomainProof } from '../../server/applications/domain-proof.ts';
import type { ApplicationStatus } from '../../server/db/tables.ts';
import type { Mailer, MailMessage } from '../../server/mail/mailer.ts';
import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import type { TestService } from './test-service.ts';

// Merchants' applications for the verifier's tests, written straight into the
// applications table (the public form has its own tests), a domain-proof checker whose
// answers the test decides, and a mailer that keeps what it was given.

export interface ApplicationRowInput {
  receipt: string;
  status: ApplicationStatus;
  lang: string;
  legalName: string;
  tradeName: string;
  ice: string;
  rcNumber: string;
  rcCourt: string;
  address: string;
  city: string;
  phone: string;
  email: string;
  domains: string[];
  social: Array<{ network: string; handle: string }>;
  proofToken: string;
  createdAt: string;
}

/** Application number `n` of a test: a valid ICE, its own domain, received at `createdAt`. */
export function applicationRow(n: number, changes: Partial<ApplicationRowInput> = {}): ApplicationRowInput {
  const number = String(n).padStart(4, '0');
  return {
    receipt: `APP-TEST-${number}`,
    status: 'received',
    lang: 'fr',
    legalName: `Boutique Test ${n} SARL`,
    tradeName: `Boutique Test ${n}`,
    ice: iceWithCheckDigits(`0088${String(n).padStart(9, '0')}`),
    rcNumber: `7${number}`,
    rcCourt: 'Oujda',
    address: `${n} boulevard Mohammed V`,
    city: 'Oujda',
    phone: '0536 00 00 00',
    email: `contact${n}@boutique-test.example`,
    domains: [`boutique-test-${n}.test`],
    social: [{ network: 'instagram', handle: `@boutique${n}` }],
    proofToken: `thiqa-proof-${number}-abcdefghijklmnop`,
    createdAt: '2026-11-20T09:00:00Z',
    ...changes,
  };
}

export async function insertApplication(service: TestService, row: ApplicationRowInput): Promise<void> {
  await service.registry.db
    .insertInto('applications')
    .values({
      receipt: row.receipt,
      status: row.status,
      lang: row.lang,
      legal_name: row.legalName,
      trade_name: row.tradeName,
      ice: row.ice,
      rc_number: row.rcNumber,
      rc_court: row.rcCourt,
      address: row.address,
      city: row.city,
      phone: row.phone,
      email: row.email,
      domains: JSON.stringify(row.domains),
      social: JSON.stringify(row.social),
      proof_token: row.proofToken,
      created_at: row.createdAt,
      updated_at: row.createdAt,
    })
    .execute();
}

/** A proof checker that proves exactly the domains the test lets through, and counts its calls. */
export function controlledDomainProof(clock: () => Date): DomainProof & {
  prove(domain: string): void;
  calls: Array<{ domain: string; token: string }>;
} {
  const proven = new Set<string>();
  const calls: Array<{ domain: string; token: string }> = [];
  return {
    calls,
    prove: (domain) => proven.add(domain),
    async check(domain, token): Promise<DomainCheck> {
      calls.push({ domain, token });
      const ok = proven.has(domain);
      return {
        domain,
        proven: ok,
        method: ok ? 'well-known' : null,
        checkedAt: clock().toISOString(),
        problem: ok ? null : 'not-found',
      };
    },
  };
}

/** A mailer that keeps every message, for a test to read. */
export function recordingMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
    },
  };
}
