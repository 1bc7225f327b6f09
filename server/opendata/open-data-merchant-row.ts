import type { AnswerRecord, ComplaintCounts, Merchant } from '../../src/directory/schemas.ts';
import type { MerchantRow } from './open-data-schema.ts';

// One merchant's row of the open data, from its stored record and the counts the directory
// is built with. Shared by the release built from the database (open-data-release.ts) and
// the publish worker, which meets every record anyway (publication-build.ts): a publish
// does not read the whole registry a second time, inside its transaction, on the
// service's thread.

const sum = (byCategory: Record<string, number | undefined> | undefined) => {
  let total = 0;
  for (const count of Object.values(byCategory ?? {})) total += count ?? 0;
  return total;
};

export function openDataMerchantRow(
  id: string,
  record: Pick<Merchant, 'legalName' | 'tradeNames' | 'domains'>,
  counts: ReadonlyMap<string, ComplaintCounts>,
  answers: ReadonlyMap<string, AnswerRecord>,
): MerchantRow {
  let open = 0;
  let resolved = 0;
  for (const domain of record.domains) {
    open += sum(counts.get(domain)?.open);
    resolved += sum(counts.get(domain)?.resolved);
  }
  const answer = answers.get(id) ?? { sent: 0, answered: 0, medianDays: null };
  return {
    merchantId: id,
    tradeName: record.tradeNames[0] ?? record.legalName,
    complaintsSent: answer.sent,
    answered: answer.answered,
    answerShare: answer.sent === 0 ? null : Math.round((answer.answered / answer.sent) * 1000) / 1000,
    medianDaysToAnswer: answer.medianDays,
    open,
    resolved,
  };
}
