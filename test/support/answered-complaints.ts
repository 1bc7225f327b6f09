import type { Kysely } from 'kysely';
import type { ComplaintStatus, Database } from '../../server/db/tables.ts';

// Complaints already sent to a merchant (and answered, or not), written straight into the
// complaints table: the answer-rate tests are about what is counted at publish, not about
// the lifecycle that gets a complaint there.

export interface SentComplaint {
  /** Days from sending to the merchant's answer; null when it has not answered. */
  answeredAfterDays: number | null;
  status?: ComplaintStatus;
}

const DAY_MS = 86_400_000;

export async function insertSentComplaints(
  db: Kysely<Database>,
  merchant: { id: string; domain: string },
  sentAt: string,
  complaints: readonly SentComplaint[],
): Promise<void> {
  const sent = new Date(sentAt);
  await db
    .insertInto('complaints')
    .values(
      complaints.map(({ answeredAfterDays, status = 'resolved' }) => ({
        domain: merchant.domain,
        category: 'non-delivery',
        status,
        opened_at: sent,
        opened_by: 'answers-test@thiqa.test',
        resolved_at: status === 'open' ? null : sent,
        resolved_by: status === 'open' ? null : 'answers-test@thiqa.test',
        merchant_id: merchant.id,
        stage: answeredAfterDays === null ? 'sent' : 'answered',
        sent_at: sent,
        answered_at: answeredAfterDays === null ? null : new Date(sent.getTime() + answeredAfterDays * DAY_MS),
        answer_kind: answeredAfterDays === null ? null : 'will-act',
      })),
    )
    .execute();
}
