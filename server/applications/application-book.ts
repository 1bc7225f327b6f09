import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { canonicalJson } from '../../src/directory/bytes.ts';
import { isValidIce } from '../../src/directory/ice.ts';
import { socialIdentitySchema } from '../../src/directory/schemas.ts';
import { personText } from '../../src/directory/text-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { ApplicationRow, Database } from '../db/tables.ts';
import { ServiceError } from '../http/service-error.ts';
import { mailAddressSchema } from '../mail/mail-message.ts';
import { checkDomainsNow } from './application-review.ts';
import { type DomainProof, domainCheckSchema } from './domain-proof.ts';

// Merchants' applications to be verified: received from the public form (/apply), followed
// by receipt, their domains proven by the automatic check. The verifier's console reads
// and decides them (application-review*.ts) through get() and checkDomains().

/** The commercial courts of Morocco, which keep the commercial register; `other` names another court. */
export const COMMERCIAL_COURTS = [
  'casablanca',
  'rabat',
  'fes',
  'marrakech',
  'agadir',
  'tanger',
  'oujda',
  'meknes',
] as const;
export type CommercialCourt = (typeof COMMERCIAL_COURTS)[number];
export const MAX_DOMAINS = 10;
export const MAX_SOCIAL_ACCOUNTS = 10;

export const APPLICATION_STATUSES = ['received', 'in-review', 'approved', 'refused'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Lengths the form and the book share. */
export const APPLICATION_LIMITS = {
  legalName: 200,
  tradeName: 120,
  rcCourtOther: 120,
  address: 300,
  city: 80,
  social: 200,
} as const;

/** An application as the form hands it in: every field already normalised (E.164 phone, shop domains). */
export const applicationInputSchema = z.strictObject({
  legalName: personText(APPLICATION_LIMITS.legalName).min(2),
  tradeName: personText(APPLICATION_LIMITS.tradeName).min(1),
  ice: z
    .string()
    .regex(/^\d{15}$/)
    .refine(isValidIce, { message: 'wrong ICE check digits' }),
  rcNumber: z.string().regex(/^\d{1,10}$/),
  /** The court's name: a commercial court's on its certificates, or another court's as typed. */
  rcCourt: personText(APPLICATION_LIMITS.rcCourtOther).min(2),
  address: personText(APPLICATION_LIMITS.address).min(3),
  city: personText(APPLICATION_LIMITS.city).min(2),
  phone: z.string().regex(/^\+212[5-8]\d{8}$/, { message: 'a Moroccan number in E.164 form' }),
  email: mailAddressSchema,
  domains: z
    .array(z.string().regex(/^[a-z0-9.-]{1,253}$/))
    .min(1)
    .max(MAX_DOMAINS),
  social: z.array(socialIdentitySchema).max(MAX_SOCIAL_ACCOUNTS),
  lang: z.enum(['ar', 'fr', 'en']),
  idempotencyKey: z.uuid(),
});
export type ApplicationInput = z.infer<typeof applicationInputSchema>;

/** An application as stored, for the applicant's page and the verifier's console. */
export const applicationViewSchema = z.object({
  receipt: z.string(),
  status: z.enum(APPLICATION_STATUSES),
  lang: z.string(),
  legalName: z.string(),
  tradeName: z.string(),
  ice: z.string(),
  rcNumber: z.string(),
  rcCourt: z.string(),
  address: z.string(),
  city: z.string(),
  phone: z.string(),
  email: z.string(),
  domains: z.array(z.string()),
  social: z.array(socialIdentitySchema),
  /** The token the applicant serves on each domain. */
  proofToken: z.string(),
  /** The last automatic check of each domain, by domain. */
  domainChecks: z.record(z.string(), domainCheckSchema),
  /** The verifier's checklist entries (their shape is the console's). */
  registerCheck: z.unknown().nullable(),
  phoneCheck: z.unknown().nullable(),
  refusedReason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  merchantId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ApplicationView = z.infer<typeof applicationViewSchema>;

/** A receipt: 22 base64url characters (128 random bits), the applicant's only key. */
export const applicationReceiptSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function applicationView(row: ApplicationRow): ApplicationView {
  return applicationViewSchema.parse({
    receipt: row.receipt,
    status: row.status,
    lang: row.lang,
    legalName: row.legal_name,
    tradeName: row.trade_name,
    ice: row.ice,
    rcNumber: row.rc_number,
    rcCourt: row.rc_court,
    address: row.address,
    city: row.city,
    phone: row.phone,
    email: row.email,
    domains: row.domains,
    social: row.social,
    proofToken: row.proof_token,
    domainChecks: row.domain_checks ?? {},
    registerCheck: row.register_check ?? null,
    phoneCheck: row.phone_check ?? null,
    refusedReason: row.refused_reason,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    merchantId: row.merchant_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  });
}

/** The actor of what an applicant does from the public pages, in the audit log. */
export const APPLICANT_ACTOR = 'applicant';

export interface ApplicationReceived {
  receipt: string;
  /** True when the form had already been sent: nothing new was stored. */
  replayed: boolean;
  application: ApplicationView;
}

export class ApplicationBook {
  private readonly db: Kysely<Database>;
  private readonly proof: DomainProof;
  private readonly clock: () => Date;

  /** A ServiceContext will do: `new ApplicationBook(context)`. */
  constructor(deps: { db: Kysely<Database>; domainProof: DomainProof; clock: () => Date }) {
    this.db = deps.db;
    this.proof = deps.domainProof;
    this.clock = deps.clock;
  }

  async receive(input: ApplicationInput): Promise<ApplicationReceived> {
    const parsed = applicationInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServiceError('invalid', `not an application: ${issue?.message}`, String(issue?.path[0] ?? ''));
    }
    const application = parsed.data;
    const requestHash = createHash('sha256').update(canonicalJson(application)).digest('hex');
    const receipt = randomBytes(16).toString('base64url');
    const now = this.clock();
    const inserted = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('applications')
        .values({
          receipt,
          status: 'received',
          lang: application.lang,
          legal_name: application.legalName,
          trade_name: application.tradeName,
          ice: application.ice,
          rc_number: application.rcNumber,
          rc_court: application.rcCourt,
          address: application.address,
          city: application.city,
          phone: application.phone,
          email: application.email,
          domains: JSON.stringify(application.domains),
          social: JSON.stringify(application.social),
          proof_token: randomBytes(24).toString('base64url'),
          created_at: now,
          updated_at: now,
          idempotency_key: application.idempotencyKey,
          request_hash: requestHash,
        })
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .returning('receipt')
        .executeTakeFirst();
      if (!row) return false;
      const detail = { tradeName: application.tradeName, ice: application.ice, domains: application.domains };
      await recordAudit(trx, { actor: APPLICANT_ACTOR, action: 'application.receive', subject: receipt, detail }, now);
      return true;
    });
    if (inserted) return { receipt, replayed: false, application: await this.require(receipt) };
    const earlier = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('idempotency_key', '=', application.idempotencyKey)
      .executeTakeFirst();
    if (!earlier || earlier.request_hash !== requestHash) {
      throw new ServiceError('conflict', 'this form was already sent with other answers', 'idempotencyKey');
    }
    return { receipt: earlier.receipt, replayed: true, application: applicationView(earlier) };
  }

  /** The application, or null when no application has this receipt. */
  async get(receipt: string): Promise<ApplicationView | null> {
    if (!applicationReceiptSchema.safeParse(receipt).success) return null;
    const row = await this.db.selectFrom('applications').selectAll().where('receipt', '=', receipt).executeTakeFirst();
    return row ? applicationView(row) : null;
  }

  private async require(receipt: string): Promise<ApplicationView> {
    const application = await this.get(receipt);
    if (!application) throw new ServiceError('not-found', 'no application with this receipt');
    return application;
  }

  /**
   * Checks every domain of the application now and keeps each result (checkDomainsNow, the
   * verifier's "check again" too); `actor` is the applicant or a verifier's console actor.
   * A decided application is never checked nor changed, even when decided during the fetch.
   */
  async checkDomains(receipt: string, actor: string): Promise<ApplicationView> {
    const application = await this.require(receipt);
    const result = await checkDomainsNow(this.db, this.proof, application, application.domains, actor, this.clock, {
      startReview: false,
    });
    if (result !== 'recorded') {
      const now = await this.require(receipt);
      throw new ServiceError('conflict', `the application is already ${now.status}`);
    }
    return this.require(receipt);
  }
}
