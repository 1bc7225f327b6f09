/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { ClientRateLimiter, clientAddress, type RateLimitPolicy } from '../http/client-rate-limit.ts';
import { postedFields } from '../http/form-guard.ts';
import { ServiceError } from '../http/service-error.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { notFoundPage, type PortalApp, type PortalDeps } from '../portal/portal-app.tsx';
import { portalBodyLimit, portalFormGuard } from '../portal/portal-forms.tsx';
import { portalHref, sendPage } from '../portal/portal-layout.tsx';
import type { PortalWords } from '../portal/portal-words.ts';
import { waitWords } from '../portal/report-pages.tsx';
import { APPLICANT_ACTOR, ApplicationBook, type ApplicationView } from './application-book.ts';
import { type ApplyFieldError, type ApplyFormValues, emptyApplyForm, readApplyForm } from './application-form.ts';
import { applicationReceivedMail } from './application-mail.ts';
import { ApplyForm, applySummaryErrors } from './apply-form.tsx';
import { ApplicationStatusView } from './apply-status.tsx';

// `/apply`: a merchant applies to be verified, on any device, without JavaScript; and
// `/apply/<receipt>`: the application's status and its domains' proof, with a button that
// checks them now. Both forms are guarded against cross-site posting and rate limited.

/** Applications one client address may send: a few shops' worth, not a flood. */
export const APPLY_RATE_LIMIT: RateLimitPolicy = { max: 10, windowMs: 60 * 60_000 };
/** Domain checks one client address may ask for: each costs the service up to 5 s of fetching. */
export const CHECK_RATE_LIMIT: RateLimitPolicy = { max: 10, windowMs: 10 * 60_000 };
/** The form's body: twelve fields and two lists. */
const MAX_APPLY_BODY_BYTES = 32 * 1024;

export function registerApplyPages(app: PortalApp, deps: PortalDeps): void {
  const { context } = deps;
  const book = new ApplicationBook(context);
  const guard = portalFormGuard(deps.formSecret, deps.settings.publicOrigin);
  const applyLimiter = new ClientRateLimiter(APPLY_RATE_LIMIT, context.clock);
  const checkLimiter = new ClientRateLimiter(CHECK_RATE_LIMIT, context.clock);
  // Links in mail name the configured origin: a request's Host header is the sender's to choose.
  const origin = () => context.linkOrigin;

  function formPage(
    c: Context,
    words: PortalWords,
    form: { values: ApplyFormValues; errors: readonly ApplyFieldError[] },
    status: 200 | 400 | 409 | 429,
  ) {
    const title = words.p('apply_title');
    return sendPage(
      c,
      { words, title: form.errors.length > 0 ? `${words.p('form_errorPrefix')} ${title}` : title },
      <>
        <ErrorSummary words={words} errors={applySummaryErrors(form.errors)} />
        <h1>{title}</h1>
        <p class="lead">{words.p('apply_lead')}</p>
        <section aria-labelledby="apply-steps-heading">
          <h2 id="apply-steps-heading">{words.p('apply_stepsHeading')}</h2>
          <ol class="apply-steps">
            <li>{words.p('apply_step1')}</li>
            <li>{words.p('apply_step2')}</li>
            <li>{words.p('apply_step3')}</li>
            <li>{words.p('apply_step4')}</li>
          </ol>
        </section>
        <ApplyForm
          words={words}
          action={portalHref(words.lang, '/apply')}
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
    application: ApplicationView,
    notice: { text: string; warning?: boolean } | null,
    status: 200 | 409 | 429 = 200,
  ) {
    // The receipt is the applicant's key to this page: no cache keeps it, no search engine lists it.
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
    const open = application.status === 'received' || application.status === 'in-review';
    return sendPage(
      c,
      { words, title: words.p('apply_statusTitle') },
      <>
        <h1>{words.p('apply_statusTitle')}</h1>
        {notice ? (
          <p class={notice.warning ? 'notice notice--warning' : 'notice'} role="status">
            {notice.text}
          </p>
        ) : null}
        <ApplicationStatusView
          words={words}
          application={application}
          checkAction={portalHref(words.lang, `/apply/${application.receipt}/check`)}
          token={open ? guard.hiddenField(c) : null}
        />
      </>,
      status,
    );
  }

  app.get('/apply', (c) => formPage(c, c.get('words'), { values: emptyApplyForm(), errors: [] }, 200));

  // The body limit first (nothing larger is read), then the origin and token checks (a
  // post from another site must not spend the applicant's allowance), then the allowance,
  // spent by a complete application only.
  app.post('/apply', portalBodyLimit(MAX_APPLY_BODY_BYTES), guard.protect, async (c) => {
    const words = c.get('words');
    const form = readApplyForm(await postedFields(c), words);
    if (!form.input) return formPage(c, words, form, 400);
    const verdict = await applyLimiter.take(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      const message = words.p('apply_tooMany', [waitWords(verdict.retryAfterSeconds, words.lang)]);
      return formPage(c, words, { values: form.values, errors: [{ field: 'form', message }] }, 429);
    }
    let received: Awaited<ReturnType<ApplicationBook['receive']>>;
    try {
      received = await book.receive(form.input);
    } catch (error) {
      if (!(error instanceof ServiceError) || error.kind !== 'conflict') throw error;
      // The same form sent again with other answers: a new application needs a new key.
      const values = { ...form.values, idempotencyKey: emptyApplyForm().idempotencyKey };
      return formPage(c, words, { values, errors: [{ field: 'form', message: words.p('apply_alreadySent') }] }, 409);
    }
    if (!received.replayed) {
      // The application is kept whatever the mail does: its page works without it.
      try {
        await context.mailer.send(applicationReceivedMail(received.application, words, origin()));
      } catch (error) {
        console.error(`apply: the receipt mail was not sent: ${(error as Error).message}`);
      }
    }
    return c.redirect(portalHref(words.lang, `/apply/${received.receipt}`), 303);
  });

  app.get('/apply/:receipt', async (c) => {
    const words = c.get('words');
    const application = await book.get(c.req.param('receipt'));
    if (!application) return notFoundPage(c);
    const checked = c.req.query('checked') === '1';
    return statusPage(c, words, application, checked ? { text: words.p('apply_checkedNotice') } : null);
  });

  app.post('/apply/:receipt/check', portalBodyLimit(4 * 1024), guard.protect, async (c) => {
    const words = c.get('words');
    const receipt = c.req.param('receipt');
    const application = await book.get(receipt);
    if (!application) return notFoundPage(c);
    if (application.status === 'approved' || application.status === 'refused') {
      return statusPage(c, words, application, { text: words.p('apply_checkClosed'), warning: true }, 409);
    }
    const verdict = await checkLimiter.take(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      const text = words.p('apply_checkTooMany', [waitWords(verdict.retryAfterSeconds, words.lang)]);
      return statusPage(c, words, application, { text, warning: true }, 429);
    }
    await book.checkDomains(receipt, APPLICANT_ACTOR);
    return c.redirect(portalHref(words.lang, `/apply/${receipt}`, { checked: 1 }), 303);
  });
}
