import { z } from 'zod';
import { complaintCategorySchema } from '../../src/directory/schemas.ts';

// The open data released with each publication: counts only, never a person's text. One
// zod schema per table; the CSV files, the JSON Schema at /v1/open-data/schema.json, the
// portal's /open-data page and docs/complaints.md ("Open data") all follow these.

/**
 * Counts from 1 to SUPPRESSION_THRESHOLD - 1 are never published in the tables by month:
 * a cell of 1–4 reports or contests in one month could point a merchant at the shopper
 * who complained. Nor are the cells of its row it could be computed from (suppressRow in
 * open-data-release.ts). Such a cell is null in JSON and empty in CSV (its column is named
 * in the row's `suppressed` column). Zero is published: it says nothing about anyone.
 */
export const SUPPRESSION_THRESHOLD = 5;

/** A count that may be suppressed: 0, at least SUPPRESSION_THRESHOLD, or null (withheld). */
const suppressibleCount = z
  .union([z.literal(0), z.int().min(SUPPRESSION_THRESHOLD).max(100_000_000)])
  .nullable()
  .describe(
    `a count; null when suppressed: between 1 and ${SUPPRESSION_THRESHOLD - 1}, or withheld so that such a count of its row cannot be computed`,
  );
const exactCount = z.int().min(0).max(100_000_000).describe('a count');
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
  .describe('a calendar month in UTC, YYYY-MM');
const days = z.number().min(0).max(100_000).describe('days, to one decimal');

export const complaintsByMonthRowSchema = z.strictObject({
  month: month.describe('the month the complaints were opened (UTC)'),
  category: complaintCategorySchema,
  opened: suppressibleCount.describe('complaints of this category opened this month'),
  resolved: suppressibleCount.describe('of those, closed as resolved'),
  unanswered: suppressibleCount.describe('of those, closed as unanswered by the merchant'),
  unfounded: suppressibleCount.describe('of those, closed as unfounded after review'),
});

export const merchantRowSchema = z.strictObject({
  merchantId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  tradeName: z.string().min(1).max(300).describe('the first trade name in the registry, else the legal name'),
  complaintsSent: exactCount.describe('complaints sent to the merchant'),
  answered: exactCount.describe('of those, answered by the merchant'),
  answerShare: z.number().min(0).max(1).nullable().describe('answered / sent, to three decimals; null when none sent'),
  medianDaysToAnswer: days.nullable().describe('median days from sending to the answer; null when none answered'),
  open: exactCount.describe('complaints on its domains still open'),
  resolved: exactCount.describe('complaints on its domains closed as resolved'),
});

export const moderationRowSchema = z.strictObject({
  month: month.describe('the month the reports were received (UTC)'),
  received: suppressibleCount.describe('reports received this month'),
  accepted: suppressibleCount.describe('of those, accepted by a moderator'),
  rejected: suppressibleCount.describe('of those, rejected by a moderator'),
  withdrawn: suppressibleCount.describe('of those, withdrawn by the shopper'),
  medianDaysToDecision: days
    .nullable()
    .describe(`median days from receipt to decision; null when fewer than ${SUPPRESSION_THRESHOLD} were decided`),
});

export const contestRowSchema = z.strictObject({
  month: month.describe('the month the contests were decided (UTC)'),
  kind: z.enum(['flag', 'complaint']).describe('what was contested'),
  outcome: z.enum(['upheld', 'dismissed']).describe('the moderator’s decision'),
  count: suppressibleCount.describe('contests so decided'),
});

export const OPEN_DATA_FORMAT = 'thiqa-open-data';

export const openDataReleaseSchema = z
  .strictObject({
    format: z.literal(OPEN_DATA_FORMAT),
    formatVersion: z.literal(1),
    version: z.int().positive().describe('the directory version published with it'),
    publishedAt: z.iso.datetime().describe('when that version was published'),
    suppressionThreshold: z.literal(SUPPRESSION_THRESHOLD),
    complaintsByMonth: z.array(complaintsByMonthRowSchema),
    merchants: z.array(merchantRowSchema),
    moderation: z.array(moderationRowSchema),
    contests: z.array(contestRowSchema),
  })
  .describe('Thiqa open data: aggregate counts released with one directory publication');

export type OpenDataRelease = z.infer<typeof openDataReleaseSchema>;
export type ComplaintsByMonthRow = z.infer<typeof complaintsByMonthRowSchema>;
export type MerchantRow = z.infer<typeof merchantRowSchema>;
export type ModerationRow = z.infer<typeof moderationRowSchema>;
export type ContestRow = z.infer<typeof contestRowSchema>;

type TableKey = 'complaintsByMonth' | 'merchants' | 'moderation' | 'contests';

/** One CSV file: which table of the release it holds and its columns (header → row key). */
export interface CsvFile {
  name: string;
  table: TableKey;
  columns: ReadonlyArray<{ header: string; key: string }>;
}

/** The CSV files, in order. A `suppressed` column follows when the table has suppressible cells. */
export const CSV_FILES: readonly CsvFile[] = [
  {
    name: 'complaints-by-month.csv',
    table: 'complaintsByMonth',
    columns: [
      { header: 'month', key: 'month' },
      { header: 'category', key: 'category' },
      { header: 'opened', key: 'opened' },
      { header: 'resolved', key: 'resolved' },
      { header: 'unanswered', key: 'unanswered' },
      { header: 'unfounded', key: 'unfounded' },
    ],
  },
  {
    name: 'merchants.csv',
    table: 'merchants',
    columns: [
      { header: 'merchant_id', key: 'merchantId' },
      { header: 'trade_name', key: 'tradeName' },
      { header: 'complaints_sent', key: 'complaintsSent' },
      { header: 'answered', key: 'answered' },
      { header: 'answer_share', key: 'answerShare' },
      { header: 'median_days_to_answer', key: 'medianDaysToAnswer' },
      { header: 'open', key: 'open' },
      { header: 'resolved', key: 'resolved' },
    ],
  },
  {
    name: 'moderation.csv',
    table: 'moderation',
    columns: [
      { header: 'month', key: 'month' },
      { header: 'received', key: 'received' },
      { header: 'accepted', key: 'accepted' },
      { header: 'rejected', key: 'rejected' },
      { header: 'withdrawn', key: 'withdrawn' },
      { header: 'median_days_to_decision', key: 'medianDaysToDecision' },
    ],
  },
  {
    name: 'contests.csv',
    table: 'contests',
    columns: [
      { header: 'month', key: 'month' },
      { header: 'kind', key: 'kind' },
      { header: 'outcome', key: 'outcome' },
      { header: 'count', key: 'count' },
    ],
  },
];

/** The columns whose null means "suppressed" (the others' null means "none to measure"). */
export const SUPPRESSIBLE_COLUMNS: Readonly<Record<TableKey, readonly string[]>> = {
  complaintsByMonth: ['opened', 'resolved', 'unanswered', 'unfounded'],
  merchants: [],
  moderation: ['received', 'accepted', 'rejected', 'withdrawn'],
  contests: ['count'],
};

export const OPEN_DATA_JSON = 'open-data.json';
export const OPEN_DATA_FILE_NAMES: readonly string[] = [OPEN_DATA_JSON, ...CSV_FILES.map((file) => file.name)];

/** The JSON Schema of open-data.json, served at /v1/open-data/schema.json. */
export function openDataJsonSchema(): unknown {
  return z.toJSONSchema(openDataReleaseSchema, { target: 'draft-2020-12' });
}
