import { type Kysely, sql } from 'kysely';
import { DEFAULT_POLICY, type MerchantStatus, merchantSchema } from '../../src/directory/schemas.ts';
import type { PhoneCheck, RegisterCheck } from '../applications/verification-checks.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import type { MerchantRecord } from './import-map.ts';
import { merchantWrite } from './import-move.ts';

// Verifications grow old: past the policy's maxVerificationAgeDays the verdict of a
// verified merchant turns to caution (src/directory/verdict.ts). The re-verification list
// shows the verified merchants within REVERIFY_NOTICE_DAYS of that day and those already
// past it, oldest first; a verifier checks the register and calls again, and a
// re-verification that confirms both dates the verification today.

/** How many days before the verdict turns a merchant comes onto the list. */
export const REVERIFY_NOTICE_DAYS = 30;
const DAY_MS = 86_400_000;

/** The policy the publisher writes into every directory (server/directory/directory-state.ts). */
const policy = DEFAULT_POLICY;

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (day: string, days: number) => dayOf(new Date(Date.parse(day) + days * DAY_MS));

/** The first day the verdict of a merchant verified on `verifiedAt` says caution. */
export const cautionDay = (verifiedAt: string) => addDays(verifiedAt, policy.maxVerificationAgeDays + 1);

export interface DueMerchant {
  id: string;
  record: MerchantRecord;
  /** The first day of caution. */
  cautionFrom: string;
  /** Days until then; 0 or less once the verdict says caution. */
  daysLeft: number;
}

export const merchantRecordSchema = merchantSchema.omit({ complaints: true });

function due(id: string, record: MerchantRecord, now: Date): DueMerchant {
  const cautionFrom = cautionDay(record.verification.at);
  const daysLeft = Math.round((Date.parse(cautionFrom) - Date.parse(dayOf(now))) / DAY_MS);
  return { id, record, cautionFrom, daysLeft };
}

/** Verified merchants whose verification turns to caution within the notice, or has, oldest first. */
export async function merchantsDue(db: Kysely<Database>, now: Date, limit = 500): Promise<DueMerchant[]> {
  // Verified on or before this day: caution within REVERIFY_NOTICE_DAYS days, or already.
  const verifiedBy = addDays(dayOf(now), REVERIFY_NOTICE_DAYS - policy.maxVerificationAgeDays - 1);
  const verifiedAt = sql<string>`record->'verification'->>'at'`;
  const rows = await db
    .selectFrom('merchants')
    .select(['id', 'record'])
    .where(sql<string>`record->>'status'`, '=', 'verified')
    .where(verifiedAt, '<=', verifiedBy)
    .orderBy(verifiedAt, 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => due(row.id, row.record as MerchantRecord, now));
}

export async function findMerchant(db: Kysely<Database>, id: string, now: Date): Promise<DueMerchant | null> {
  const row = await db.selectFrom('merchants').select(['id', 'record']).where('id', '=', id).executeTakeFirst();
  return row ? due(row.id, row.record as MerchantRecord, now) : null;
}

export type ReverifyResult =
  | { outcome: 'renewed'; verifiedAt: string }
  | { outcome: 'not-renewed' }
  | { outcome: 'not-found' }
  | { outcome: 'not-verified'; status: MerchantStatus };

/**
 * Records a re-verification: both checks go to the audit log; when the register matches
 * and the legal representative confirmed, the verification is dated today, by this
 * verifier, with both methods. A failed check renews nothing (the verdict will turn to
 * caution on its day; suspending is a moderator's decision).
 */
export async function reverifyMerchant(
  db: Kysely<Database>,
  id: string,
  checks: { register: RegisterCheck; phone: PhoneCheck },
  verifier: { name: string; email: string },
  now: Date,
): Promise<ReverifyResult> {
  return merchantWrite(db, async (trx): Promise<ReverifyResult> => {
    const row = await trx
      .selectFrom('merchants')
      .select(['id', 'record'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { outcome: 'not-found' };
    const record = row.record as MerchantRecord;
    if (record.status !== 'verified') return { outcome: 'not-verified', status: record.status };
    const renewed = checks.register.outcome === 'matches' && checks.phone.outcome === 'confirmed';
    // Who and when are the line's own; the verifier's free-text note stays out of the log
    // (it may name a person), the merchant's register entry and business phone are its record.
    const strip = ({ by: _by, byEmail: _email, at: _at, note: _note, ...rest }: RegisterCheck | PhoneCheck) => rest;
    const detail = {
      renewed,
      previous: record.verification.at,
      register: strip(checks.register),
      phone: strip(checks.phone),
    };
    if (renewed) {
      const updated = merchantRecordSchema.parse({
        ...record,
        verification: { at: dayOf(now), by: verifier.name, methods: ['commercial-register', 'phone-call'] },
      });
      await trx
        .updateTable('merchants')
        .set({ record: JSON.stringify(updated), updated_at: now })
        .where('id', '=', id)
        .execute();
    }
    await recordAudit(trx, { actor: verifier.email, action: 'merchant.reverify', subject: id, detail }, now);
    return renewed ? { outcome: 'renewed', verifiedAt: dayOf(now) } : { outcome: 'not-renewed' };
  });
}
