/** @jsxImportSource hono/jsx */
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  redirectAfterPost,
  requirePermission,
  sendConsole,
  sendConsoleMessage,
} from '../console/console-app.tsx';
import { type FieldErrors, GuardField, RadioField, summaryOf, TextAreaField } from '../console/console-fields.tsx';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { readPostedForm, textProblem } from '../console/posted-form.ts';
import { ServiceError } from '../http/service-error.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { momentWords, reasonWords, ShopName } from '../reports/report-queue-views.tsx';
import { consoleActor } from '../staff/staff-roles.ts';
import { CONTEST_LIMITS, ContestBook, type ContestView } from './contest-book.ts';
import { decideContest } from './contest-decision.ts';
import { contestDecidedMail } from './contest-mail.ts';

// `/admin/contests`: proven contests waiting for a moderator, oldest first; a contest's
// page shows what is contested (the flag, or the complaint without the shopper's
// contact), the contester's reason, and the decision form. Unproven contests never show
// here: until the domain's token is served, nothing says the contester holds the shop.

const contestPath = (receipt: string) => `/admin/contests/${receipt}`;

const STAGE_WORDS: Record<string, ConsoleKey> = {
  accepted: 'contests_stageAccepted',
  sent: 'contests_stageSent',
  read: 'contests_stageRead',
  answered: 'contests_stageAnswered',
  closed: 'contests_stageClosed',
};
const OUTCOME_WORDS: Record<string, ConsoleKey> = {
  open: 'contests_complaintOpen',
  resolved: 'contests_complaintResolved',
  unanswered: 'contests_complaintUnanswered',
  unfounded: 'contests_complaintUnfounded',
};

function Fact(props: { name: string; label: string; children?: unknown }) {
  return (
    <div class="facts__row" data-fact={props.name}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

export function registerContestPages(app: ConsoleApp, deps: ConsoleDeps) {
  const { context } = deps;
  const book = new ContestBook(context);
  const moderate = requirePermission('moderate');

  app.get('/contests', moderate, async (c) => {
    const words = c.get('words');
    const waiting = await book.waiting();
    const done = c.req.query('done');
    return sendConsole(
      c,
      { title: words.c('contests_title'), section: 'contests' },
      <>
        {done === 'upheld' || done === 'dismissed' ? (
          <p class="notice" role="status">
            {words.c(done === 'upheld' ? 'contests_doneUpheld' : 'contests_doneDismissed')}
          </p>
        ) : null}
        <h1>{words.c('contests_title')}</h1>
        <p class="lead">{words.c('contests_lead')}</p>
        {waiting.length === 0 ? (
          <p>{words.c('contests_none')}</p>
        ) : (
          <ScrollingTable
            caption={words.c('contests_title')}
            hiddenCaption
            columns={[words.c('contests_colDomain'), words.c('contests_colSubject'), words.c('contests_colSent')]}
          >
            {waiting.map((contest) => (
              <tr data-contest={contest.receipt}>
                <th scope="row">
                  <a href={portalHref(words.lang, contestPath(contest.receipt))}>
                    <ShopName words={words} domain={contest.domain} />
                  </a>
                </th>
                <td>{subjectWords(words, contest)}</td>
                <td>{momentWords(words, contest.createdAt)}</td>
              </tr>
            ))}
          </ScrollingTable>
        )}
      </>,
    );
  });

  const notWaiting = (c: ConsoleContext, status: 404 | 409) => {
    const words = c.get('words');
    const link = { href: portalHref(words.lang, '/admin/contests'), text: words.c('contests_back') };
    return sendConsoleMessage(
      c,
      { title: words.c('contests_notWaitingTitle'), body: words.c('contests_notWaitingBody'), link },
      status,
    );
  };

  /** A contest the moderators may open: proven, whatever its decision. */
  const provenContest = async (receipt: string) => {
    const contest = await book.get(receipt);
    return contest?.provenAt ? contest : null;
  };

  async function casePage(
    c: ConsoleContext,
    contest: ContestView,
    form: { outcome: string; publicOutcome: string; errors: FieldErrors },
    status: 200 | 400 = 200,
  ) {
    const words = c.get('words');
    const title = words.c('contests_caseTitle', [contest.domain]);
    return sendConsole(
      c,
      { title: form.errors.size > 0 ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'contests' },
      <>
        <ErrorSummary words={words} errors={summaryOf(form.errors)} />
        <h1>
          {words.c('contests_caseHeading')} <ShopName words={words} domain={contest.domain} />
        </h1>
        <section aria-labelledby="contest-subject-heading">
          <h2 id="contest-subject-heading">{subjectWords(words, contest)}</h2>
          {await subjectFacts(words, contest)}
        </section>
        <section aria-labelledby="contest-reason-heading">
          <h2 id="contest-reason-heading">{words.c('contests_reasonHeading')}</h2>
          <p class="contest-reason">
            <bdi>{contest.reason}</bdi>
          </p>
          <dl class="facts">
            <Fact name="contester" label={words.c('contests_contesterLabel')}>
              <bdi>{contest.name}</bdi> (<bdi dir="ltr">{contest.email}</bdi>)
            </Fact>
            <Fact name="sent" label={words.c('contests_colSent')}>
              {momentWords(words, contest.createdAt)}
            </Fact>
            <Fact name="proven" label={words.c('contests_provenLabel')}>
              {contest.provenAt ? momentWords(words, contest.provenAt) : ''}
            </Fact>
          </dl>
        </section>
        {contest.status === 'received' ? (
          <form method="post" action={portalHref(words.lang, `${contestPath(contest.receipt)}/decide`)} novalidate>
            <h2>{words.c('contests_decisionHeading')}</h2>
            <GuardField field={c.get('guard').hiddenField(c)} />
            <RadioField
              words={words}
              id="contest-outcome"
              name="outcome"
              legend={words.c('contests_outcomeLegend')}
              firstIsField
              options={[
                {
                  value: 'upheld',
                  text: words.c('contests_outcomeUpheld'),
                  hint: words.c(contest.kind === 'flag' ? 'contests_upheldFlagHint' : 'contests_upheldComplaintHint'),
                },
                {
                  value: 'dismissed',
                  text: words.c('contests_outcomeDismissed'),
                  hint: words.c('contests_dismissedHint'),
                },
              ]}
              selected={form.outcome}
              error={form.errors.get('contest-outcome')}
            />
            <TextAreaField
              words={words}
              id="contest-public-outcome"
              name="publicOutcome"
              label={words.c('contests_publicOutcomeLabel')}
              hint={words.c('contests_publicOutcomeHint', [CONTEST_LIMITS.publicOutcome])}
              value={form.publicOutcome}
              maxlength={CONTEST_LIMITS.publicOutcome}
              error={form.errors.get('contest-public-outcome')}
            />
            <button type="submit" class="button">
              {words.c('contests_decide')}
            </button>
          </form>
        ) : (
          <p class="notice" data-decided={contest.status}>
            {words.c(contest.status === 'upheld' ? 'contests_decidedUpheld' : 'contests_decidedDismissed')}{' '}
            <bdi>{contest.publicOutcome ?? ''}</bdi>
          </p>
        )}
        <p>
          <a href={portalHref(words.lang, '/admin/contests')}>{words.c('contests_back')}</a>
        </p>
      </>,
      status,
    );
  }

  /** What is contested, as the moderator needs it: never the shopper's contact or details. */
  async function subjectFacts(words: ConsoleWords, contest: ContestView) {
    if (contest.kind === 'flag') {
      const flag = await context.db
        .selectFrom('flagged_domains')
        .select(['reason', 'summary', 'since'])
        .where('domain', '=', contest.domain)
        .executeTakeFirst();
      if (!flag) return <p>{words.c('contests_subjectGone')}</p>;
      return (
        <dl class="facts" data-subject="flag">
          <Fact name="reason" label={words.c('contests_flagReason')}>
            {reasonWords(words, flag.reason)}
          </Fact>
          <Fact name="summary" label={words.c('contests_flagSummary')}>
            <bdi>{flag.summary}</bdi>
          </Fact>
          <Fact name="since" label={words.c('contests_flagSince')}>
            {flag.since}
          </Fact>
        </dl>
      );
    }
    const complaint = await context.db
      .selectFrom('complaints')
      .select(['domain', 'category', 'stage', 'status', 'opened_at', 'resolved_at'])
      .where('id', '=', contest.complaintId ?? 0)
      .executeTakeFirst();
    if (!complaint) return <p>{words.c('contests_subjectGone')}</p>;
    const closed = complaint.resolved_at === null ? null : new Date(complaint.resolved_at).toISOString();
    return (
      <dl class="facts" data-subject="complaint">
        <Fact name="domain" label={words.c('contests_colDomain')}>
          <ShopName words={words} domain={complaint.domain} />
        </Fact>
        <Fact name="category" label={words.c('contests_complaintCategory')}>
          {reasonWords(words, complaint.category)}
        </Fact>
        <Fact name="stage" label={words.c('contests_complaintStage')}>
          {STAGE_WORDS[complaint.stage] ? words.c(STAGE_WORDS[complaint.stage] as ConsoleKey) : complaint.stage}
          {' — '}
          {OUTCOME_WORDS[complaint.status] ? words.c(OUTCOME_WORDS[complaint.status] as ConsoleKey) : complaint.status}
        </Fact>
        <Fact name="opened" label={words.c('contests_complaintOpened')}>
          {momentWords(words, new Date(complaint.opened_at).toISOString())}
        </Fact>
        {closed ? (
          <Fact name="closed" label={words.c('contests_complaintClosed')}>
            {momentWords(words, closed)}
          </Fact>
        ) : null}
      </dl>
    );
  }

  app.get('/contests/:receipt', moderate, async (c) => {
    const contest = await provenContest(c.req.param('receipt'));
    if (!contest) return notWaiting(c, 404);
    return casePage(c, contest, { outcome: '', publicOutcome: '', errors: new Map() });
  });

  app.post('/contests/:receipt/decide', moderate, async (c) => {
    const words = c.get('words');
    const contest = await provenContest(c.req.param('receipt'));
    if (!contest) return notWaiting(c, 404);
    const posted = await readPostedForm(c);
    const outcome = posted.text('outcome');
    const publicOutcome = posted.text('publicOutcome');
    const errors = new Map<string, string>();
    if (outcome !== 'upheld' && outcome !== 'dismissed')
      errors.set('contest-outcome', words.c('contests_outcomeMissing'));
    const problem = textProblem(publicOutcome, {
      layout: 'line',
      max: CONTEST_LIMITS.publicOutcome,
      min: 3,
      required: true,
    });
    if (problem) {
      errors.set(
        'contest-public-outcome',
        problem.kind === 'missing' || problem.kind === 'too-short'
          ? words.c('contests_publicOutcomeMissing')
          : problem.kind === 'too-long'
            ? words.c('contests_publicOutcomeTooLong', [problem.max])
            : words.c('contests_textHidden', [problem.position]),
      );
    }
    if (errors.size > 0) return casePage(c, contest, { outcome, publicOutcome, errors }, 400);
    let decided: ContestView;
    try {
      decided = await decideContest(
        context,
        contest.receipt,
        { outcome: outcome as 'upheld' | 'dismissed', publicOutcome },
        consoleActor(c.get('staff')),
      );
    } catch (error) {
      // Decided meanwhile, perhaps by another moderator.
      if (error instanceof ServiceError && error.kind === 'conflict') return notWaiting(c, 409);
      throw error;
    }
    try {
      await context.mailer.send(contestDecidedMail(decided, context.linkOrigin));
    } catch (error) {
      console.error(`contest: the decision mail was not sent: ${(error as Error).message}`);
    }
    return redirectAfterPost(c, '/admin/contests', { done: decided.status });
  });
}

function subjectWords(words: ConsoleWords, contest: ContestView): string {
  return contest.kind === 'flag'
    ? words.c('contests_kindFlag')
    : words.c('contests_kindComplaint', [contest.complaintId ?? '']);
}
