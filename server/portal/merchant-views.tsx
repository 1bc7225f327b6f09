/** @jsxImportSource hono/jsx */
import type { AnswerRecord, ComplaintCategory, ComplaintCounts, Label, Merchant } from '../../src/directory/schemas.ts';
import type { Verdict } from '../../src/directory/verdict.ts';
import { answerRecordWords } from '../../src/ui/answer-words.ts';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import {
  formatDate,
  labelFacts,
  merchantFacts,
  REPORT_REASON,
  reasonWords,
  timeAgo,
} from '../../src/ui/verdict-words.ts';
import type { PortalWords } from './portal-words.ts';
import type { PortalDirectory } from './published-directory.ts';

// What the popup shows, for the portal: the verdict with every reason, who runs the shop,
// its labels and its complaints, in the popup's own words (src/ui/verdict-words.ts).

export function VerdictPanel(props: { words: PortalWords; verdict: Verdict; title: string; ascii: string | null }) {
  const { words, verdict, title, ascii } = props;
  const look = VERDICT_LEVELS[verdict.level];
  return (
    <section class={`verdict level--${verdict.level}`} data-level={verdict.level} aria-labelledby="verdict-heading">
      <h2 id="verdict-heading">
        <span class="verdict__mark" aria-hidden="true">
          {look.mark}
        </span>
        <bdi>{title}</bdi>
      </h2>
      {ascii ? <p>{words.t('popup_domainAscii', [ascii])}</p> : null}
      <p class="verdict__level">{words.t(look.words)}</p>
      <h3>{words.t('popup_reasonsHeading')}</h3>
      <ul class="reasons">
        {verdict.reasons.map((reason) => (
          <li data-reason={reason.code}>{reasonWords(reason, words)}</li>
        ))}
      </ul>
    </section>
  );
}

/** Legal identity, and who verified it, how and when. */
export function MerchantFacts(props: {
  words: PortalWords;
  merchant: Merchant;
  extra?: Array<[string, string, string]>;
}) {
  const { words, merchant } = props;
  const rows = [...merchantFacts(merchant, words), ...(props.extra ?? [])];
  return (
    <dl class="facts">
      {rows.map(([id, term, value]) => (
        <div class="facts__row" data-fact={id}>
          <dt>{term}</dt>
          <dd>
            <bdi>{value}</bdi>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function LabelList(props: { words: PortalWords; labels: readonly Label[]; now: Date }) {
  const { words, labels } = props;
  const today = props.now.toISOString().slice(0, 10);
  if (labels.length === 0) return <p>{words.t('popup_noLabels')}</p>;
  return (
    <ul class="labels">
      {labels.map((label) => {
        const facts = labelFacts(label, today, words);
        return (
          <li data-label={label.kind} data-expired={String(facts.expired)}>
            <strong>{facts.name}</strong>
            {facts.expired ? <span class="tag tag--expired">{words.t('popup_labelExpired')}</span> : null}
            {facts.lines.map((line) => (
              <span class="label__line">
                <bdi>{line}</bdi>
              </span>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

/** Open complaints by category; nothing open says so. */
export function ComplaintList(props: { words: PortalWords; complaints: ComplaintCounts | null }) {
  const { words } = props;
  const open = Object.entries(props.complaints?.open ?? {}).filter(([, count]) => (count ?? 0) > 0) as Array<
    [ComplaintCategory, number]
  >;
  if (open.length === 0) return <p>{words.t('popup_noComplaints')}</p>;
  return (
    <ul class="complaints">
      {open.map(([category, count]) => (
        <li data-category={category}>{words.t('popup_complaintCount', [words.t(REPORT_REASON[category]), count])}</li>
      ))}
    </ul>
  );
}

/** How the merchant answers the complaints Thiqa sends it, as the popup says it; nothing before the first one. */
export function AnswerRecordLine(props: { words: PortalWords; answers: AnswerRecord | undefined }) {
  const { words, answers } = props;
  const sentence = answerRecordWords(answers, words);
  if (sentence === null || !answers) return null;
  return (
    <p class="answers" data-answers={`${answers.answered}/${answers.sent}`}>
      {sentence}
    </p>
  );
}

/** How old the directory is, and a warning once it is past its freshness. */
export function Freshness(props: { words: PortalWords; directory: PortalDirectory | null; now: Date }) {
  const { words, directory, now } = props;
  if (!directory) {
    return (
      <p class="notice notice--warning" data-freshness="none">
        {words.p('directory_none')}
      </p>
    );
  }
  const { manifest } = directory;
  const expired = directory.isExpired(now);
  return (
    <div class="freshness" data-freshness={expired ? 'expired' : 'fresh'}>
      <p>
        {words.t('freshness_updated', [timeAgo(manifest.publishedAt, now, words.lang)])}{' '}
        {words.p('directory_fresh', [manifest.version, formatDate(manifest.publishedAt, words.lang, true)])}
      </p>
      {expired ? (
        <p class="notice notice--warning">
          {words.p('directory_expired', [formatDate(manifest.expiresAt, words.lang, true)])}
        </p>
      ) : null}
    </div>
  );
}
