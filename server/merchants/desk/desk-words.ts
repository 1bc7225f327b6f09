import type { ComplaintStage, MerchantAnswerKind } from '../../../src/directory/report-contract.ts';
import type { ComplaintCategory } from '../../../src/directory/schemas.ts';
import { moroccanLocale, REPORT_REASON } from '../../../src/ui/verdict-words.ts';
import type { PortalKey, PortalWords } from '../../portal/portal-words.ts';

// Names the desk's pages give to stages, answers, categories and days.

export const STAGE_WORDS: Record<ComplaintStage, PortalKey> = {
  accepted: 'desk_stageAccepted',
  sent: 'desk_stageSent',
  read: 'desk_stageRead',
  answered: 'desk_stageAnswered',
  closed: 'desk_stageClosed',
};

export const ANSWER_WORDS: Record<MerchantAnswerKind, { label: PortalKey; hint: PortalKey }> = {
  'will-act': { label: 'desk_answerWillAct', hint: 'desk_answerWillActHint' },
  disputes: { label: 'desk_answerDisputes', hint: 'desk_answerDisputesHint' },
  'not-ours': { label: 'desk_answerNotOurs', hint: 'desk_answerNotOursHint' },
};

export function categoryName(words: PortalWords, category: string): string {
  const key = REPORT_REASON[category as ComplaintCategory];
  return key ? words.t(key) : category;
}

/** A day as a Moroccan reader reads it, in Morocco's time. */
export const dayName = (words: PortalWords, date: Date) =>
  new Intl.DateTimeFormat(moroccanLocale(words.lang), { dateStyle: 'long', timeZone: 'Africa/Casablanca' }).format(
    date,
  );
