import type { Kysely } from 'kysely';
import { z } from 'zod';
import { personText } from '../../src/directory/text-policy.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import type { FlaggedDomains } from '../flags/flagged-domains.ts';
import { ServiceError } from '../http/service-error.ts';
import { CONTEST_LIMITS, type ContestView, contestView } from './contest-book.ts';

// A moderator's decision on a proven contest, in one transaction with what it changes:
// upheld, a flag is removed (FlaggedDomains, with its own audit line) or a complaint
// closes as unfounded; dismissed, nothing else changes. The public outcome is published
// on the portal's pages about the domain (contest-outcomes.tsx).

export const contestDecisionSchema = z.strictObject({
  outcome: z.enum(['upheld', 'dismissed']),
  publicOutcome: personText(CONTEST_LIMITS.publicOutcome).min(3),
});
export type ContestDecision = z.infer<typeof contestDecisionSchema>;

export async function decideContest(
  deps: { db: Kysely<Database>; flags: FlaggedDomains; clock: () => Date },
  receipt: string,
  raw: ContestDecision,
  actor: string,
): Promise<ContestView> {
  const decision = contestDecisionSchema.parse(raw);
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock();
    // The update is the lock: of two moderators deciding at once, one finds it decided.
    const row = await trx
      .updateTable('contests')
      .set({ status: decision.outcome, public_outcome: decision.publicOutcome, decided_by: actor, decided_at: now })
      .where('receipt', '=', receipt)
      .where('status', '=', 'received')
      .where('proof_checked_at', 'is not', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new ServiceError('conflict', 'this contest is not waiting for a decision');
    let changed: 'flag-removed' | 'complaint-unfounded' | 'nothing' = 'nothing';
    if (decision.outcome === 'upheld' && row.kind === 'flag') {
      try {
        await deps.flags.unflag(row.domain, actor, trx);
        changed = 'flag-removed';
      } catch (error) {
        // Removed meanwhile by another moderator: upheld all the same.
        if (!(error instanceof ServiceError && error.kind === 'not-found')) throw error;
      }
    } else if (decision.outcome === 'upheld' && row.complaint_id !== null) {
      if (await complaintUnfounded(trx, row.complaint_id, receipt, actor, now)) changed = 'complaint-unfounded';
    }
    const detail = {
      kind: row.kind,
      domain: row.domain,
      complaintId: row.complaint_id,
      outcome: decision.outcome,
      changed,
    };
    await recordAudit(trx, { actor, action: 'contest.decide', subject: receipt, detail }, now);
    return contestView(row);
  });
}

/**
 * Marks a contested complaint unfounded. An open one closes now, by the moderator; one that
 * closed meanwhile (resolved, unanswered) only changes its outcome: when, by whom and the
 * closing note stay as they were. False when it was unfounded already.
 */
async function complaintUnfounded(
  trx: Kysely<Database>,
  complaintId: number,
  receipt: string,
  actor: string,
  now: Date,
): Promise<boolean> {
  const complaint = await trx
    .selectFrom('complaints')
    .select(['domain', 'status'])
    .where('id', '=', complaintId)
    .forUpdate()
    .executeTakeFirst();
  if (!complaint || complaint.status === 'unfounded') return false;
  const closing =
    complaint.status === 'open'
      ? { stage: 'closed' as const, resolved_at: now, resolved_by: actor, note: `contest ${receipt} upheld` }
      : {};
  await trx
    .updateTable('complaints')
    .set({ status: 'unfounded', ...closing })
    .where('id', '=', complaintId)
    .execute();
  await recordAudit(
    trx,
    {
      actor,
      action: 'complaint.close',
      subject: `complaint ${complaintId}`,
      detail: { domain: complaint.domain, outcome: 'unfounded', contest: receipt, previous: complaint.status },
    },
    now,
  );
  return true;
}
