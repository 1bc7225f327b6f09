/** @jsxImportSource hono/jsx */
import type { ConsoleWords } from '../console/console-words.ts';
import { momentWords, ShopperText } from '../reports/report-queue-views.tsx';
import type { OpenComplaintRow } from './complaint-reads.ts';

// A complaint's facts with its merchant on the console's complaints page: its stage, when
// it was sent, read and answered, and what the merchant wrote. The merchant's words are
// shown inert and isolated (<bdi>), as the shopper's are: anyone can type them.

const STAGE_WORDS = {
  accepted: 'lifecycle_stageAccepted',
  sent: 'lifecycle_stageSent',
  read: 'lifecycle_stageRead',
  answered: 'lifecycle_stageAnswered',
  closed: 'lifecycle_stageClosed',
} as const;
const ANSWER_WORDS = {
  'will-act': 'lifecycle_answerWillAct',
  disputes: 'lifecycle_answerDisputes',
  'not-ours': 'lifecycle_answerNotOurs',
} as const;

/** Where the complaint stands with its merchant, and what the merchant answered. */
export function MerchantFacts(props: { words: ConsoleWords; complaint: OpenComplaintRow }) {
  const { words, complaint } = props;
  const moment = (at: Date | string | null) => (at === null ? null : momentWords(words, at));
  const rows: Array<[string, string, unknown]> = [
    ['stage', words.c('lifecycle_stage'), words.c(STAGE_WORDS[complaint.stage])],
    ...(complaint.merchant_id ? [['merchant', words.c('lifecycle_merchant'), <bdi>{complaint.merchant_id}</bdi>]] : []),
    ...(complaint.sent_at ? [['sent', words.c('lifecycle_sentAt'), moment(complaint.sent_at)]] : []),
    ...(complaint.reminders > 0 ? [['reminders', words.c('lifecycle_reminders'), complaint.reminders]] : []),
    ...(complaint.read_at ? [['read', words.c('lifecycle_readAt'), moment(complaint.read_at)]] : []),
    ...(complaint.answered_at ? [['answered', words.c('lifecycle_answeredAt'), moment(complaint.answered_at)]] : []),
    ...(complaint.merchant_summary
      ? [['summary', words.c('lifecycle_merchantSummaryShown'), <ShopperText text={complaint.merchant_summary} />]]
      : []),
    ...(complaint.answer_kind
      ? [
          [
            'answer',
            words.c('lifecycle_answer'),
            <>
              <strong>{words.c(ANSWER_WORDS[complaint.answer_kind])}</strong>
              {complaint.answer_text ? (
                <>
                  {' '}
                  <ShopperText text={complaint.answer_text} />
                </>
              ) : null}
            </>,
          ],
        ]
      : []),
    ...(complaint.answer_staff_note
      ? [['staff-note', words.c('lifecycle_staffNote'), <ShopperText text={complaint.answer_staff_note} />]]
      : []),
  ] as Array<[string, string, unknown]>;
  return (
    <>
      {rows.map(([fact, term, value]) => (
        <div class="facts__row" data-fact={fact}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </>
  );
}
