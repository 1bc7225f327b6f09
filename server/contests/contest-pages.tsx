/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { PROBLEM_WORDS } from '../applications/apply-status.tsx';
import { DOMAIN_PROOF_PROBLEMS, type DomainProofProblem } from '../applications/domain-proof.ts';
import { ClientRateLimiter, clientAddress, type RateLimitPolicy } from '../http/client-rate-limit.ts';
import { postedFields } from '../http/form-guard.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { notFoundPage, type PortalApp, type PortalDeps } from '../portal/portal-app.tsx';
import { portalBodyLimit, portalFormGuard } from '../portal/portal-forms.tsx';
import { portalHref, sendPage } from '../portal/portal-layout.tsx';
import type { PortalWords } from '../portal/portal-words.ts';
import { waitWords } from '../portal/report-pages.tsx';
import { ContestBook, type ContestView } from './contest-book.ts';
import {
  type ContestFieldError,
  type ContestFormValues,
  emptyContestForm,
  readContestForm,
  subjectMessage,
} from './contest-form.ts';
import { contestReceivedMail } from './contest-mail.ts';
import { ContestForm, ContestStatusView, contestSummaryErrors } from './contest-views.tsx';

// `/contest`: a merchant, or whoever holds a flagged domain, contests the flag or a
// complaint, without JavaScript; `/contest/<receipt>`: its status and the domain proof,
// with a button that checks it now. Both forms are guarded and rate limited.

/** Contests one client address may send in an hour. */
export const CONTEST_RATE_LIMIT: RateLimitPolicy = { max: 10, windowMs: 60 * 60_000 };
/** Proof checks one client address may ask for: each costs the service up to 5 s of fetching. */
export const CONTEST_CHECK_RATE_LIMIT: RateLimitPolicy = { max: 10, windowMs: 10 * 60_000 };
const MAX_CONTEST_BODY_BYTES = 16 * 1024;

export function registerContestPortalPages(app: PortalApp, deps: PortalDeps): void {
  const { context } = deps;
  const book = new ContestBook(context);
  const guard = portalFormGuard(deps.formSecret, deps.settings.publicOrigin);
  const contestLimiter = new ClientRateLimiter(CONTEST_RATE_LIMIT, context.clock);
  const checkLimiter = new ClientRateLimiter(CONTEST_CHECK_RATE_LIMIT, context.clock);

  function formPage(
    c: Context,
    words: PortalWords,
    form: { values: ContestFormValues; errors: readonly ContestFieldError[] },
    status: 200 | 400 | 422 | 429,
  ) {
    const title = words.p('contest_title');
    return sendPage(
      c,
      { words, title: form.errors.length > 0 ? `${words.p('form_errorPrefix')} ${title}` : title },
      <>
        <ErrorSummary words={words} errors={contestSummaryErrors(form.errors)} />
        <h1>{title}</h1>
        <p class="lead">{words.p('contest_lead')}</p>
        <ContestForm
          words={words}
          action={portalHref(words.lang, '/contest')}
          values={form.values}
          errors={form.errors}
          token={guard.hiddenField(c)}
        />
      </>,
      status,
    );
  }

  function statusPage(
    c: Context,
    words: PortalWords,
    contest: ContestView,
    notice: { text: string; warning?: boolean } | null,
    status: 200 | 409 | 429 = 200,
  ) {
    // The receipt is the contester's key to this page: no cache keeps it, no search engine lists it.
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
    return sendPage(
      c,
      { words, title: words.p('contest_statusTitle') },
      <>
        <h1>{words.p('contest_statusTitle')}</h1>
        {notice ? (
          <p class={notice.warning ? 'notice notice--warning' : 'notice'} role="status">
            {notice.text}
          </p>
        ) : null}
        <ContestStatusView
          words={words}
          contest={contest}
          checkAction={portalHref(words.lang, `/contest/${contest.receipt}/check`)}
          token={contest.status === 'received' ? guard.hiddenField(c) : null}
        />
      </>,
      status,
    );
  }

  // The merchant's desk links here with the domain and the complaint's number filled in.
  app.get('/contest', (c) => {
    const values = emptyContestForm({ domain: c.req.query('domain'), complaint: c.req.query('complaint') });
    return formPage(c, c.get('words'), { values, errors: [] }, 200);
  });

  app.post('/contest', portalBodyLimit(MAX_CONTEST_BODY_BYTES), guard.protect, async (c) => {
    const words = c.get('words');
    const form = readContestForm(await postedFields(c), words);
    if (!form.input) return formPage(c, words, form, 400);
    const verdict = await contestLimiter.take(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      const message = words.p('contest_tooMany', [waitWords(verdict.retryAfterSeconds, words.lang)]);
      return formPage(c, words, { values: form.values, errors: [{ field: 'form', message }] }, 429);
    }
    const received = await book.receive(form.input);
    if (received.outcome === 'refused') {
      const errors = [{ field: received.field, message: subjectMessage(received.problem, words) }];
      return formPage(c, words, { values: form.values, errors }, 422);
    }
    if (received.outcome === 'pending') {
      return c.redirect(portalHref(words.lang, `/contest/${received.receipt}`, { pending: 1 }), 303);
    }
    if (!received.replayed) {
      // The contest is kept whatever the mail does: its page works without it.
      try {
        await context.mailer.send(contestReceivedMail(received.contest, context.linkOrigin));
      } catch (error) {
        console.error(`contest: the receipt mail was not sent: ${(error as Error).message}`);
      }
    }
    return c.redirect(portalHref(words.lang, `/contest/${received.receipt}`), 303);
  });

  app.get('/contest/:receipt', async (c) => {
    const words = c.get('words');
    const contest = await book.get(c.req.param('receipt'));
    if (!contest) return notFoundPage(c);
    const problem = DOMAIN_PROOF_PROBLEMS.find((known) => known === c.req.query('problem'));
    const notice =
      c.req.query('pending') === '1'
        ? { text: words.p('contest_pendingNotice') }
        : problem
          ? {
              text: words.p('contest_checkFailed', [words.p(PROBLEM_WORDS[problem as DomainProofProblem])]),
              warning: true,
            }
          : c.req.query('checked') === '1'
            ? { text: words.p('contest_checkPassed') }
            : null;
    return statusPage(c, words, contest, notice);
  });

  app.post('/contest/:receipt/check', portalBodyLimit(4 * 1024), guard.protect, async (c) => {
    const words = c.get('words');
    const contest = await book.get(c.req.param('receipt'));
    if (!contest) return notFoundPage(c);
    if (contest.status !== 'received' || contest.provenAt) {
      return statusPage(c, words, contest, { text: words.p('contest_checkClosed'), warning: true }, 409);
    }
    const verdict = await checkLimiter.take(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      const text = words.p('contest_checkTooMany', [waitWords(verdict.retryAfterSeconds, words.lang)]);
      return statusPage(c, words, contest, { text, warning: true }, 429);
    }
    const check = await book.checkProof(contest);
    const params = check.proven ? { checked: 1 } : { problem: check.problem ?? 'not-found' };
    return c.redirect(portalHref(words.lang, `/contest/${contest.receipt}`, params), 303);
  });
}
