import { z } from 'zod';

// The deadlines of a complaint's life and of the personal data it carries, in one place:
// the service applies them, `/privacy` and the open data state them. Configurable, with
// these defaults (law 09-08: personal data kept no longer than its purpose needs).

export const lifecyclePolicySchema = z.strictObject({
  /** Days without an answer after which the merchant is reminded. */
  reminderAfterDays: z.int().min(1).max(90),
  /** Reminders before a complaint closes as unanswered (one more period after the last). */
  maxReminders: z.int().min(0).max(10),
  /** How long a link mailed to a merchant opens its complaints. */
  merchantLinkDays: z.int().min(1).max(60),
  /**
   * Months after a complaint closes (or a report is rejected or withdrawn, or an
   * application or contest is decided) before personal text is erased; counts are kept.
   */
  retentionMonths: z.int().min(1).max(120),
});
export type LifecyclePolicy = z.infer<typeof lifecyclePolicySchema>;

export const DEFAULT_LIFECYCLE_POLICY: LifecyclePolicy = {
  reminderAfterDays: 7,
  maxReminders: 2,
  merchantLinkDays: 14,
  retentionMonths: 12,
};

const DAY_MS = 86_400_000;
export const daysAfter = (start: Date | string, days: number) => new Date(new Date(start).getTime() + days * DAY_MS);

/** The moment `months` calendar months before `now` (UTC): what older than the retention period means. */
export function monthsBefore(now: Date, months: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
}
