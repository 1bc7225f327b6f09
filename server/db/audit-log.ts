import type { Kysely } from 'kysely';
import type { Database } from './tables.ts';

// Every moderation action leaves a line: who did it, what, to which record, and when.

export interface AuditEntry {
  actor: string;
  action:
    | 'report.review'
    | 'report.accept'
    | 'report.reject'
    | 'complaint.resolve'
    | 'domain.flag'
    | 'domain.unflag'
    | 'merchants.import'
    | 'merchants.import-conflict'
    | 'directory.publish'
    | 'directory.renew';
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
