import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { flaggedDomainSchema, flagReasonSchema } from '../../src/directory/schemas.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { shopDomainArgument } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';

// Flagged domains: a moderator's finding that a shop is a fraud (danger in every
// extension after the next publish), kept until it is removed.

export const flagDomainSchema = z.strictObject({
  reason: flagReasonSchema,
  // The directory's own rule: a summary the snapshot schema refuses would make every
  // publish fail until the flag is changed.
  summary: flaggedDomainSchema.shape.summary.min(3),
  /** When the shop was found out, if before today (e.g. flags carried over from another list). */
  since: z.iso.date().optional(),
});

export class FlaggedDomains {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
  ) {}

  async list() {
    const rows = await this.db.selectFrom('flagged_domains').selectAll().orderBy('domain').execute();
    return rows.map((row) => ({
      domain: row.domain,
      reason: row.reason,
      since: row.since,
      summary: row.summary,
      flaggedBy: row.flagged_by,
    }));
  }

  async flag(input: string, flag: z.infer<typeof flagDomainSchema>, actor: string) {
    const domain = shopDomainArgument(input);
    return this.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const today = now.toISOString().slice(0, 10);
      if (flag.since !== undefined && flag.since > today) {
        throw new ServiceError('invalid', `${flag.since} is in the future`, 'since');
      }
      const existing = await trx
        .selectFrom('flagged_domains')
        .selectAll()
        .where('domain', '=', domain)
        .executeTakeFirst();
      const since = flag.since ?? existing?.since ?? today;
      const result = { domain, reason: flag.reason, since, summary: flag.summary };
      if (
        existing &&
        existing.reason === flag.reason &&
        existing.summary === flag.summary &&
        existing.since === since
      ) {
        return { ...result, changed: false };
      }
      await trx
        .insertInto('flagged_domains')
        .values({ ...result, flagged_by: actor, flagged_at: now })
        .onConflict((conflict) =>
          conflict
            .column('domain')
            .doUpdateSet({ reason: flag.reason, summary: flag.summary, since, flagged_by: actor, flagged_at: now }),
        )
        .execute();
      await recordAudit(trx, { actor, action: 'domain.flag', subject: domain, detail: { ...flag, since } }, now);
      return { ...result, changed: true };
    });
  }

  /**
   * Removes the flag; `within` runs it inside a caller's transaction (a contest upheld
   * removes the flag and records its decision together).
   */
  async unflag(input: string, actor: string, within?: Transaction<Database>) {
    const domain = shopDomainArgument(input);
    const remove = async (trx: Kysely<Database>) => {
      const removed = await trx
        .deleteFrom('flagged_domains')
        .where('domain', '=', domain)
        .returning(['reason'])
        .executeTakeFirst();
      if (!removed) throw new ServiceError('not-found', `${domain} is not flagged`);
      await recordAudit(
        trx,
        { actor, action: 'domain.unflag', subject: domain, detail: { reason: removed.reason } },
        this.clock(),
      );
      return { domain, flagged: false as const };
    };
    return within ? remove(within) : this.db.transaction().execute(remove);
  }
}
