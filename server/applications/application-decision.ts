import type { Kysely } from 'kysely';
import { isValidIce } from '../../src/directory/ice.ts';
import { type MerchantStatus, merchantSchema } from '../../src/directory/schemas.ts';
import { personText } from '../../src/directory/text-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { normalizePhone } from '../merchants/import-columns.ts';
import type { MerchantRecord } from '../merchants/import-map.ts';
import { merchantWrite } from '../merchants/import-move.ts';
import { type Application, isOpen, toApplication } from './application-review.ts';
import { looseKey, type PhoneOutcome, type RegisterOutcome, registerCheckNames } from './verification-checks.ts';

// Approving or refusing an application. Approval needs the whole checklist: the register
// matches, the legal representative confirmed by phone, every domain proven, a valid ICE,
// and no domain held by another merchant or flagged. It then writes the merchant as the
// import does (merchants + merchant_domains, status_since) in the same transaction as the
// decision and its audit line; the merchant is published verified from the next
// publication.
//
// An ICE already in the registry names an existing merchant. Approving then extends it
// (its new domains, trade name and social accounts are added, its verification renewed)
// only when the legal names agree (case, accents, spacing and punctuation aside) and the
// merchant is verified: a different legal name under the same ICE is a mistake or an
// impersonation, and a suspended or revoked merchant comes back through a moderator,
// never through an application. The legal name and ICE are on the merchant's public
// certificate, so anyone can copy them: the checks must then be the merchant's own — the
// register check of its RC (when the registry has one) and the call to its registered
// phone number — and its registered e-mail is told which domains were added.

export const MIN_REFUSAL_LENGTH = 3;
export const MAX_REFUSAL_LENGTH = 500;
/** The reason the applicant reads: one line, held to the text policy. */
export const refusalReasonSchema = personText(MAX_REFUSAL_LENGTH).min(MIN_REFUSAL_LENGTH);

const merchantRecordSchema = merchantSchema.omit({ complaints: true });

/** What stands between an application and its approval. */
export type Blocker =
  | { kind: 'decided' }
  | { kind: 'register-missing' }
  | { kind: 'register-failed'; outcome: RegisterOutcome }
  | { kind: 'phone-missing' }
  | { kind: 'phone-failed'; outcome: PhoneOutcome }
  | { kind: 'no-domains' }
  | { kind: 'domain-unproven'; domain: string; checked: boolean }
  | { kind: 'ice-invalid' }
  | { kind: 'merchant-name-differs'; merchantId: string; legalName: string }
  | { kind: 'merchant-not-verified'; merchantId: string; status: MerchantStatus }
  | { kind: 'merchant-register-differs'; merchantId: string; rc: string }
  | { kind: 'merchant-phone-differs'; merchantId: string; phone: string }
  | { kind: 'domain-held'; domain: string; merchantId: string }
  | { kind: 'domain-flagged'; domain: string }
  | { kind: 'record-invalid'; fields: string[] };

/** The same legal name, whatever the case, accents, spacing or punctuation. */
export function sameLegalName(a: string, b: string): boolean {
  // Only letters and digits count: "S.A.R.L." is "SARL", "Atlas-Électro" is "Atlas Electro".
  return looseKey(a) === looseKey(b);
}

export interface ExistingMerchant {
  id: string;
  record: MerchantRecord;
}

/** Everything that blocks approval now, and the merchant the application's ICE already names. */
export async function approvalBlockers(
  db: Kysely<Database>,
  application: Application,
): Promise<{ blockers: Blocker[]; existing: ExistingMerchant | null }> {
  const blockers: Blocker[] = [];
  if (!isOpen(application.status)) blockers.push({ kind: 'decided' });
  const register = application.registerCheck;
  if (!register) blockers.push({ kind: 'register-missing' });
  else if (register.outcome !== 'matches') blockers.push({ kind: 'register-failed', outcome: register.outcome });
  const phone = application.phoneCheck;
  if (!phone) blockers.push({ kind: 'phone-missing' });
  else if (phone.outcome !== 'confirmed') blockers.push({ kind: 'phone-failed', outcome: phone.outcome });
  if (application.domains.length === 0) blockers.push({ kind: 'no-domains' });
  for (const domain of application.domains) {
    const check = application.domainChecks[domain];
    if (!check?.proven) blockers.push({ kind: 'domain-unproven', domain, checked: check !== undefined });
  }
  if (!isValidIce(application.ice)) blockers.push({ kind: 'ice-invalid' });

  const row = await db
    .selectFrom('merchants')
    .select(['id', 'record'])
    .where('ice', '=', application.ice)
    .executeTakeFirst();
  const existing = row ? { id: row.id, record: row.record as MerchantRecord } : null;
  if (existing) {
    if (existing.record.status !== 'verified') {
      blockers.push({ kind: 'merchant-not-verified', merchantId: existing.id, status: existing.record.status });
    }
    if (!sameLegalName(existing.record.legalName, application.legalName)) {
      blockers.push({ kind: 'merchant-name-differs', merchantId: existing.id, legalName: existing.record.legalName });
    }
    // The register and the call must be the merchant's own, not whatever the applicant named.
    const rc = existing.record.rc;
    if (register && rc !== null && !registerCheckNames(register, rc)) {
      blockers.push({ kind: 'merchant-register-differs', merchantId: existing.id, rc });
    }
    if (phone && phone.number !== existing.record.phone) {
      blockers.push({ kind: 'merchant-phone-differs', merchantId: existing.id, phone: existing.record.phone });
    }
  }
  if (application.domains.length > 0) {
    const held = await db
      .selectFrom('merchant_domains')
      .selectAll()
      .where('domain', 'in', application.domains)
      .orderBy('domain')
      .execute();
    for (const entry of held) {
      if (entry.merchant_id !== existing?.id) {
        blockers.push({ kind: 'domain-held', domain: entry.domain, merchantId: entry.merchant_id });
      }
    }
    const flagged = await db
      .selectFrom('flagged_domains')
      .select('domain')
      .where('domain', 'in', application.domains)
      .orderBy('domain')
      .execute();
    for (const entry of flagged) blockers.push({ kind: 'domain-flagged', domain: entry.domain });
  }
  return { blockers, existing };
}

/** A slug of the trade name (accents dropped), else of the first domain; `-2`, `-3`… when taken. */
async function newMerchantId(db: Kysely<Database>, application: Application): Promise<string> {
  const slug = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 58)
      .replace(/-+$/, '');
  // An Arabic trade name has no Latin letters: the shop's domain names it instead.
  const base = slug(application.tradeName) || slug(application.domains[0]?.split('.')[0] ?? '') || 'merchant';
  const taken = new Set(
    (await db.selectFrom('merchants').select('id').where('id', 'like', `${base}%`).execute()).map((row) => row.id),
  );
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

export interface Verifier {
  name: string;
  email: string;
}

export type ApprovalResult =
  | {
      outcome: 'approved';
      merchantId: string;
      extended: boolean;
      application: Application;
      /** An existing merchant extended, to be told at its registered e-mail (null when it has none). */
      notify: { email: string; legalName: string; domains: string[] } | null;
    }
  | { outcome: 'blocked'; blockers: Blocker[] }
  | { outcome: 'not-found' };

/** PostgreSQL's unique_violation: a domain or id taken meanwhile by another transaction. */
const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

export async function approveApplication(
  db: Kysely<Database>,
  receipt: string,
  verifier: Verifier,
  now: Date,
): Promise<ApprovalResult> {
  try {
    return await approveOnce(db, receipt, verifier, now);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Two approvals naming the same domain at once: the one that lost reads why, as a blocker.
    const row = await db.selectFrom('applications').selectAll().where('receipt', '=', receipt).executeTakeFirst();
    if (!row) return { outcome: 'not-found' };
    const { blockers } = await approvalBlockers(db, toApplication(row));
    return {
      outcome: 'blocked',
      blockers: blockers.length > 0 ? blockers : [{ kind: 'record-invalid', fields: ['id'] }],
    };
  }
}

async function approveOnce(
  db: Kysely<Database>,
  receipt: string,
  verifier: Verifier,
  now: Date,
): Promise<ApprovalResult> {
  return merchantWrite(db, async (trx): Promise<ApprovalResult> => {
    const row = await trx
      .selectFrom('applications')
      .selectAll()
      .where('receipt', '=', receipt)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { outcome: 'not-found' };
    const application = toApplication(row);
    const { blockers, existing } = await approvalBlockers(trx, application);
    if (blockers.length > 0) return { outcome: 'blocked', blockers };
    const register = application.registerCheck;
    const phone = application.phoneCheck;
    if (!register || !phone) return { outcome: 'blocked', blockers: [{ kind: 'register-missing' }] };

    const verification = {
      at: now.toISOString().slice(0, 10),
      by: verifier.name,
      methods: ['commercial-register', 'phone-call'] as MerchantRecord['verification']['methods'],
    };
    const candidate: MerchantRecord = existing
      ? {
          ...existing.record,
          tradeNames: union(existing.record.tradeNames, [application.tradeName]),
          domains: union(existing.record.domains, application.domains),
          social: [
            ...existing.record.social,
            ...application.social.filter(
              (entry) => !existing.record.social.some((s) => s.network === entry.network && s.handle === entry.handle),
            ),
          ],
          verification,
        }
      : {
          id: await newMerchantId(trx, application),
          legalName: application.legalName,
          tradeNames: [application.tradeName],
          ice: application.ice,
          // As the verifier found it in the register, in the registry's usual form.
          rc: `RC ${register.court} ${register.number}`,
          city: application.city,
          phone: normalizePhone(application.phone),
          email: application.email.toLowerCase(),
          domains: [...application.domains],
          social: application.social,
          status: 'verified',
          verification,
          labels: [],
        };
    const parsed = merchantRecordSchema.safeParse(candidate);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))];
      return { outcome: 'blocked', blockers: [{ kind: 'record-invalid', fields }] };
    }
    const record = parsed.data;
    if (existing) {
      await trx
        .updateTable('merchants')
        .set({ record: JSON.stringify(record), updated_at: now })
        .where('id', '=', record.id)
        .execute();
    } else {
      await trx
        .insertInto('merchants')
        .values({ id: record.id, ice: record.ice, record: JSON.stringify(record), updated_at: now, status_since: now })
        .execute();
    }
    const added = application.domains.filter((domain) => !existing?.record.domains.includes(domain));
    if (added.length > 0) {
      await trx
        .insertInto('merchant_domains')
        .values(added.map((domain) => ({ domain, merchant_id: record.id })))
        .execute();
    }
    await trx
      .updateTable('applications')
      .set({ status: 'approved', decided_by: verifier.email, decided_at: now, merchant_id: record.id, updated_at: now })
      .where('receipt', '=', receipt)
      .execute();
    await recordAudit(
      trx,
      {
        actor: verifier.email,
        action: 'application.approve',
        subject: receipt,
        detail: { merchant: record.id, extended: existing !== null, domains: added },
      },
      now,
    );
    const notify =
      existing?.record.email != null
        ? { email: existing.record.email, legalName: existing.record.legalName, domains: application.domains }
        : null;
    return { outcome: 'approved', merchantId: record.id, extended: existing !== null, application, notify };
  });
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}

export type RefusalResult =
  | { outcome: 'refused'; application: Application }
  | { outcome: 'not-found' }
  | { outcome: 'decided' };

/** Refuses an undecided application with the reason its applicant reads (already validated). */
export async function refuseApplication(
  db: Kysely<Database>,
  receipt: string,
  reason: string,
  actor: string,
  now: Date,
): Promise<RefusalResult> {
  return db.transaction().execute(async (trx): Promise<RefusalResult> => {
    const row = await trx
      .selectFrom('applications')
      .selectAll()
      .where('receipt', '=', receipt)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { outcome: 'not-found' };
    if (!isOpen(row.status)) return { outcome: 'decided' };
    await trx
      .updateTable('applications')
      .set({ status: 'refused', refused_reason: reason, decided_by: actor, decided_at: now, updated_at: now })
      .where('receipt', '=', receipt)
      .execute();
    await recordAudit(trx, { actor, action: 'application.refuse', subject: receipt, detail: { reason } }, now);
    return { outcome: 'refused', application: toApplication({ ...row, status: 'refused', refused_reason: reason }) };
  });
}
