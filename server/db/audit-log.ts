import type { Kysely } from 'kysely';
import type { Database } from './tables.ts';

// Every moderation action leaves a line: who did it, what, to which record, and when.

/** Every action the log knows, in the order the console's filter lists them. */
export const AUDIT_ACTIONS = [
  'report.review',
  'report.accept',
  'report.reject',
  'report.duplicate',
  'complaint.open',
  'complaint.resolve',
  'domain.flag',
  'domain.unflag',
  'merchants.import',
  'merchants.import-conflict',
  'merchant.edit',
  'merchant.suspend',
  'merchant.revoke',
  'merchant.reinstate',
  'merchant.reverify',
  'application.receive',
  'application.check',
  'application.approve',
  'application.refuse',
  'directory.publish',
  'directory.renew',
  'staff.add',
  'staff.disable',
  'staff.setup-link',
  'staff.set-password',
  'staff.sign-in',
  'staff.sign-in-refused',
  'staff.lock',
  'staff.sign-out',
  'complaint.forward',
  'complaint.remind',
  'complaint.read',
  'complaint.answer',
  'complaint.close',
  'complaint.confirm',
  'complaint.rate',
  'report.withdraw',
  'merchant.link',
  'merchant.sign-in',
  'merchant.sign-in-refused',
  'merchant.set-password',
  'merchant.sign-out',
  'contest.receive',
  'contest.check',
  'contest.decide',
  'retention.purge',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  actor: string;
  action: AuditAction;
  subject: string;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Kysely<Database>, entry: AuditEntry, at: Date): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

export async function listAudit(db: Kysely<Database>, limit: number) {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => ({
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    detail: row.detail as Record<string, unknown>,
  }));
}
