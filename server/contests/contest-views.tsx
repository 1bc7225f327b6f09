/** @jsxImportSource hono/jsx */

import { shopIdentity } from '../../src/directory/shop-identity.ts';
import { Snippet } from '../applications/apply-status.tsx';
import { PROOF_FILE_PATH, proofFileLine, proofMetaTag } from '../applications/domain-proof.ts';
import { RadioField, TextAreaField, TextField } from '../console/console-fields.tsx';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { FieldMessage, type SummaryError, shownText } from '../portal/form-parts.tsx';
import type { PortalKey, PortalWords } from '../portal/portal-words.ts';
import { momentWords } from '../portal/report-pages.tsx';
import { CONTEST_LIMITS, type ContestView } from './contest-book.ts';
import { type ContestFieldError, type ContestFormValues, contestFieldId } from './contest-form.ts';

// What /contest and /contest/<receipt> show: the form (drawn again after a refusal with
// an error summary and a message at each field), and the contest's status with the
// proof to serve. The receipt page shows nothing the contester typed about themselves:
// whoever holds the link sees it.

export const contestSummaryErrors = (errors: readonly ContestFieldError[]): SummaryError[] =>
  errors.map((error) => ({ href: `#${contestFieldId(error.field)}`, message: error.message, field: error.field }));

export function ContestForm(props: {
  words: PortalWords;
  action: string;
  values: ContestFormValues;
  errors: readonly ContestFieldError[];
  token: { name: string; value: string };
}) {
  const { words, values, errors, token } = props;
  const { p } = words;
  const error = (field: ContestFieldError['field']) => errors.find((entry) => entry.field === field)?.message;
  return (
    <form method="post" action={props.action} novalidate class="contest-form">
      <input type="hidden" name={token.name} value={token.value} />
      <input type="hidden" name="idempotencyKey" value={values.idempotencyKey} />
      <TextField
        words={words}
        id={contestFieldId('domain')}
        name="domain"
        label={p('contest_domainLabel')}
        hint={p('contest_domainHint')}
        error={error('domain')}
        value={values.domain}
        dir="ltr"
        maxlength={260}
      />
      <RadioField
        words={words}
        id="contest-subject"
        name="subject"
        legend={p('contest_subjectLegend')}
        firstIsField={false}
        options={[
          { value: 'flag', text: p('contest_subjectFlag') },
          { value: 'complaint', text: p('contest_subjectComplaint') },
        ]}
        selected={values.subject}
        error={error('subject')}
      />
      <TextField
        words={words}
        id={contestFieldId('complaint')}
        name="complaint"
        label={p('contest_complaintLabel')}
        hint={p('contest_complaintHint')}
        error={error('complaint')}
        value={values.complaint}
        dir="ltr"
        maxlength={20}
      />
      <TextAreaField
        words={words}
        id={contestFieldId('reason')}
        name="reason"
        label={p('contest_reasonLabel')}
        hint={p('contest_reasonHint', [CONTEST_LIMITS.reason])}
        error={error('reason')}
        value={values.reason}
        maxlength={CONTEST_LIMITS.reason}
        rows={6}
      />
      <TextField
        words={words}
        id={contestFieldId('name')}
        name="name"
        label={p('contest_nameLabel')}
        error={error('name')}
        value={values.name}
        maxlength={CONTEST_LIMITS.name}
      />
      <TextField
        words={words}
        id={contestFieldId('email')}
        name="email"
        type="email"
        label={p('contest_emailLabel')}
        hint={p('contest_emailHint')}
        error={error('email')}
        value={values.email}
        dir="ltr"
        maxlength={254}
      />
      <p>{p('contest_privacy')}</p>
      <FieldMessage words={words} id="contest-form-error" message={error('form')} />
      <button type="submit" class="button" id="contest-submit">
        {p('contest_submit')}
      </button>
    </form>
  );
}

type Standing = 'unproven' | 'waiting' | 'upheld' | 'dismissed';
const STANDING_WORDS: Record<Standing, { status: PortalKey; explain: PortalKey }> = {
  unproven: { status: 'contest_statusUnproven', explain: 'contest_explainUnproven' },
  waiting: { status: 'contest_statusWaiting', explain: 'contest_explainWaiting' },
  upheld: { status: 'contest_statusUpheld', explain: 'contest_explainUpheld' },
  dismissed: { status: 'contest_statusDismissed', explain: 'contest_explainDismissed' },
};

export const standingOf = (contest: ContestView): Standing =>
  contest.status !== 'received' ? contest.status : contest.provenAt ? 'waiting' : 'unproven';

export function ContestStatusView(props: {
  words: PortalWords;
  contest: ContestView;
  checkAction: string;
  token: { name: string; value: string } | null;
}) {
  const { words, contest, checkAction, token } = props;
  const { p, lang } = words;
  const standing = standingOf(contest);
  const display = shopIdentity(contest.domain, SERVICE_PLATFORMS)?.display ?? contest.domain;
  return (
    <>
      <div class="report-receipt">
        <p class="report-receipt__label">{p('contest_receiptLabel')}</p>
        <p class="receipt" data-receipt={contest.receipt}>
          {contest.receipt}
        </p>
        <p>{p('contest_receiptAdvice')}</p>
      </div>
      <dl class="facts" data-status={standing}>
        <div class="facts__row" data-fact="status">
          <dt>{p('contest_statusLabel')}</dt>
          <dd>{p(STANDING_WORDS[standing].status)}</dd>
        </div>
        <div class="facts__row" data-fact="shop">
          <dt>{p('contest_domainLabel')}</dt>
          <dd>
            <bdi dir="ltr">{display}</bdi>
          </dd>
        </div>
        <div class="facts__row" data-fact="subject">
          <dt>{p('contest_subjectLabel')}</dt>
          <dd>
            {contest.kind === 'flag'
              ? p('contest_subjectFlag')
              : p('contest_subjectComplaintNumber', [contest.complaintId ?? ''])}
          </dd>
        </div>
        <div class="facts__row" data-fact="sent">
          <dt>{p('contest_sentLabel')}</dt>
          <dd>{momentWords(contest.createdAt, lang)}</dd>
        </div>
        {contest.decidedAt ? (
          <div class="facts__row" data-fact="decided">
            <dt>{p('contest_decidedLabel')}</dt>
            <dd>{momentWords(contest.decidedAt, lang)}</dd>
          </div>
        ) : null}
      </dl>
      <p class="notice">{p(STANDING_WORDS[standing].explain)}</p>
      {contest.publicOutcome ? (
        <p class="contest-outcome" data-outcome={contest.status}>
          {p('contest_outcomeLabel')} <bdi>{shownText(contest.publicOutcome)}</bdi>
        </p>
      ) : null}
      {standing === 'unproven' ? (
        <section aria-labelledby="contest-proof-heading">
          <h2 id="contest-proof-heading">{p('contest_proofHeading')}</h2>
          <p>{p('contest_proofIntro')}</p>
          <Snippet words={words} label={p('apply_proofFile')} code={`https://${contest.domain}${PROOF_FILE_PATH}`} />
          <Snippet words={words} label={p('apply_proofFileContent')} code={proofFileLine(contest.proofToken)} />
          <Snippet words={words} label={p('apply_proofMeta')} code={proofMetaTag(contest.proofToken)} />
          {token ? (
            <form method="post" action={checkAction}>
              <input type="hidden" name={token.name} value={token.value} />
              <button type="submit" class="button" id="contest-check">
                {p('contest_checkButton')}
              </button>
            </form>
          ) : null}
        </section>
      ) : contest.provenAt ? (
        <p data-proof="proven">{p('contest_proofProven', [momentWords(contest.provenAt, lang)])}</p>
      ) : null}
    </>
  );
}
