import { z } from '@hono/zod-openapi';
import { type Kysely, sql } from 'kysely';
import { socialKeyOf, socialShopOfKey } from '../../src/directory/social-identity.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { daysAfter } from './lifecycle-policy.ts';
import type { MerchantNoticeKind } from './merchant-notices.ts';

// A complaint's life with the merchant, as far as Thiqa moves it by itself: sent when a
// moderator accepts it against a listed merchant, reminded while nobody answers, closed as
// unanswered after the last reminder. The merchant's desk moves it to read and answered;
// staff and the shopper close it (ComplaintBook.close, recordReporterOutcome).

/** Who the audit log names for what the service does on its own. */
export const LIFECYCLE_ACTOR = 'thiqa';

type LifecycleContext = Pick<ServiceContext, 'db' | 'clock' | 'policy' | 'merchantNotices'>;

/** The listed merchant holding `domain`, to whom its complaints go; null for an unlisted shop. */
export async function merchantHolding(db: Kysely<Database>, domain: string): Promise<string | null> {
  const social = socialShopOfKey(domain);
  if (social) {
    // Handles entered before issue 14 may be written loosely (`@atlas`, a full address):
    // the merchants on the network are narrowed in SQL, then each handle canonicalised.
    const onNetwork = JSON.stringify([{ network: social.network }]);
    const rows = await db
      .selectFrom('merchants')
      .select(['id', 'record'])
      .where(sql<boolean>`record->'social' @> ${onNetwork}::jsonb`)
      .orderBy('id')
      .execute();
    const holds = (record: unknown) =>
      ((record as { social?: { network: string; handle: string }[] }).social ?? []).some(
        (entry) => socialKeyOf(entry.network, entry.handle) === domain,
      );
    return rows.find((row) => holds(row.record))?.id ?? null;
  }
  const row = await db
    .selectFrom('merchant_domains')
    .select('merchant_id')
    .where('domain', '=', domain)
    .executeTakeFirst();
  return row?.merchant_id ?? null;
}

/**
 * Whether the merchant can be mailed: the mail goes to its record's address, so an account
 * alone (made with an address the record may no longer hold) does not make it reachable.
 */
async function merchantReachable(db: Kysely<Database>, merchantId: string): Promise<boolean> {
  const merchant = await db.selectFrom('merchants').select('record').where('id', '=', merchantId).executeTakeFirst();
  const email = (merchant?.record as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.length > 0;
}

/**
 * What became of a complaint just accepted: sent to its merchant, or not because the shop
 * is no listed merchant, the merchant has no address, it was sent or closed already
 * (`not-due`), or forwarding failed (logged; the complaint stays accepted).
 */
export const forwardingSchema = z.enum(['sent', 'unlisted', 'unreachable', 'not-due', 'failed']);
export type Forwarding = z.infer<typeof forwardingSchema>;
export type ForwardResult = Exclude<Forwarding, 'failed'>;

/**
 * Sends a newly accepted complaint to its merchant: stage `sent` (audited) in one
 * transaction, then the mail. Called after the acceptance is committed, so a mail that
 * fails never undoes a moderator's decision; the deadlines job mails again at the next
 * reminder. A complaint already sent, closed, or against an unlisted shop is left alone.
 */
export async function forwardComplaint(context: LifecycleContext, complaintId: number): Promise<ForwardResult> {
  const result = await context.db.transaction().execute(async (trx): Promise<ForwardResult> => {
    const complaint = await trx
      .selectFrom('complaints')
      .select(['id', 'domain', 'merchant_id', 'stage', 'status'])
      .where('id', '=', complaintId)
      .forUpdate()
      .executeTakeFirst();
    if (complaint?.status !== 'open' || complaint.stage !== 'accepted') return 'not-due';
    if (complaint.merchant_id === null) return 'unlisted';
    if (!(await merchantReachable(trx, complaint.merchant_id))) return 'unreachable';
    const now = context.clock();
    await trx.updateTable('complaints').set({ stage: 'sent', sent_at: now }).where('id', '=', complaintId).execute();
    await recordAudit(
      trx,
      {
        actor: LIFECYCLE_ACTOR,
        action: 'complaint.forward',
        subject: `complaint ${complaintId}`,
        detail: { domain: complaint.domain, merchant: complaint.merchant_id },
      },
      now,
    );
    return 'sent';
  });
  if (result === 'sent') await notify(context, complaintId, 'new');
  return result;
}

/** A mail that fails is logged, never thrown: the complaint's stage is already committed. */
async function notify(context: LifecycleContext, complaintId: number, kind: MerchantNoticeKind): Promise<void> {
  try {
    await context.merchantNotices.send(complaintId, kind);
  } catch (error) {
    console.error(`complaint ${complaintId}: the ${kind} mail to the merchant failed: ${(error as Error).message}`);
  }
}

export interface DeadlinesRun {
  /** Complaints whose merchant was reminded, each with the reminder's number. */
  reminded: { id: number; reminder: number }[];
  /** Complaints closed as unanswered. */
  closed: number[];
}

/**
 * Reminds merchants of the complaints they left unanswered past the policy's period, and
 * closes as unanswered those already reminded `maxReminders` times. Every change is a
 * compare-and-set on the reminder count it read, so two runs at once (two service
 * instances, or `thiqa complaints deadlines` beside `serve`) send one reminder, not two.
 */
export async function runComplaintDeadlines(context: LifecycleContext): Promise<DeadlinesRun> {
  const now = context.clock();
  const { reminderAfterDays, maxReminders } = context.policy;
  const waiting = await context.db
    .selectFrom('complaints')
    .select(['id', 'domain', 'merchant_id', 'reminders', 'sent_at', 'last_reminded_at'])
    .where('status', '=', 'open')
    .where('stage', 'in', ['sent', 'read'])
    .where('answered_at', 'is', null)
    .orderBy('id')
    .execute();
  const run: DeadlinesRun = { reminded: [], closed: [] };
  for (const complaint of waiting) {
    const since = complaint.last_reminded_at ?? complaint.sent_at;
    if (since === null || daysAfter(since, reminderAfterDays) > now) continue;
    const remind = complaint.reminders < maxReminders;
    const changed = await context.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('complaints')
        .set(
          remind
            ? { reminders: complaint.reminders + 1, last_reminded_at: now }
            : { status: 'unanswered', stage: 'closed', resolved_at: now, resolved_by: LIFECYCLE_ACTOR },
        )
        .where('id', '=', complaint.id)
        .where('status', '=', 'open')
        .where('stage', 'in', ['sent', 'read'])
        .where('answered_at', 'is', null)
        .where('reminders', '=', complaint.reminders)
        .returning('id')
        .executeTakeFirst();
      if (!row) return false;
      await recordAudit(
        trx,
        {
          actor: LIFECYCLE_ACTOR,
          action: remind ? 'complaint.remind' : 'complaint.close',
          subject: `complaint ${complaint.id}`,
          detail: remind
            ? { domain: complaint.domain, merchant: complaint.merchant_id, reminder: complaint.reminders + 1 }
            : { domain: complaint.domain, merchant: complaint.merchant_id, outcome: 'unanswered' },
        },
        now,
      );
      return true;
    });
    if (!changed) continue;
    if (remind) {
      run.reminded.push({ id: complaint.id, reminder: complaint.reminders + 1 });
      await notify(context, complaint.id, 'reminder');
    } else {
      run.closed.push(complaint.id);
    }
  }
  return run;
}

/** One line saying what a run did, for `serve`'s log and `thiqa complaints deadlines`. */
export function deadlinesSummary(run: DeadlinesRun): string {
  const reminded = run.reminded.map((entry) => `${entry.id} (reminder ${entry.reminder})`).join(', ');
  return [
    `complaint deadlines: ${run.reminded.length} reminded${reminded ? ` [${reminded}]` : ''}`,
    `${run.closed.length} closed as unanswered${run.closed.length > 0 ? ` [${run.closed.join(', ')}]` : ''}`,
  ].join('; ');
}
