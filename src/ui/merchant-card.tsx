import type { AnswerRecord, ComplaintCounts, Label, Merchant } from '../directory/schemas.ts';
import { answerRecordWords } from './answer-words.ts';
import { useTranslator } from './translator-context.ts';
import { labelFacts, merchantFacts, REPORT_REASON } from './verdict-words.ts';

/** Who runs the shop: legal identity and who verified it, how and when. */
export function MerchantDetails(props: { merchant: Merchant }) {
  const translator = useTranslator();
  const { t } = translator;
  const rows = merchantFacts(props.merchant, translator);
  return (
    <section aria-labelledby="merchant-heading">
      <h2 id="merchant-heading">{t('popup_merchantHeading')}</h2>
      <dl class="facts">
        {rows.map(([id, term, value]) => (
          <div class="facts__row" key={id} data-fact={id}>
            <dt>{term}</dt>
            <dd>
              <bdi>{value}</bdi>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function LabelItem(props: { label: Label; today: string }) {
  const translator = useTranslator();
  const { t } = translator;
  const { label, today } = props;
  const facts = labelFacts(label, today, translator);
  return (
    <li class={facts.expired ? 'label label--expired' : 'label'} data-label={label.kind} data-expired={facts.expired}>
      <strong>{facts.name}</strong>
      {facts.expired ? <span class="tag tag--expired">{t('popup_labelExpired')}</span> : null}
      {facts.lines.map((line) => (
        <span class="label__line" key={line}>
          {line}
        </span>
      ))}
    </li>
  );
}

export function LabelList(props: { labels: readonly Label[]; now: Date }) {
  const { t } = useTranslator();
  const today = props.now.toISOString().slice(0, 10);
  return (
    <section aria-labelledby="labels-heading">
      <h2 id="labels-heading">{t('popup_labelsHeading')}</h2>
      {props.labels.length === 0 ? (
        <p>{t('popup_noLabels')}</p>
      ) : (
        <ul class="labels">
          {props.labels.map((label, index) => (
            // Neither reference nor issue date is always there: the position tells labels apart.
            <LabelItem key={index} label={label} today={today} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Open complaints by category, then how the merchant answers the complaints sent to it (when any were). */
export function ComplaintList(props: { complaints: ComplaintCounts | null; answers?: AnswerRecord | undefined }) {
  const translator = useTranslator();
  const { t } = translator;
  const answers = answerRecordWords(props.answers, translator);
  const open = Object.entries(props.complaints?.open ?? {}).filter(([, count]) => (count ?? 0) > 0) as Array<
    [keyof typeof REPORT_REASON, number]
  >;
  return (
    <section aria-labelledby="complaints-heading">
      <h2 id="complaints-heading">{t('popup_complaintsHeading')}</h2>
      {open.length === 0 ? (
        <p>{t('popup_noComplaints')}</p>
      ) : (
        <ul class="complaints">
          {open.map(([category, count]) => (
            <li key={category} data-category={category}>
              {t('popup_complaintCount', [t(REPORT_REASON[category]), count])}
            </li>
          ))}
        </ul>
      )}
      {answers ? (
        <p class="answers" data-answers={`${props.answers?.answered}/${props.answers?.sent}`}>
          {answers}
        </p>
      ) : null}
    </section>
  );
}
