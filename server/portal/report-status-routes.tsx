/** @jsxImportSource hono/jsx */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import {
  type ReporterOutcome,
  type ReportStatus,
  type ReportStatusView,
  receiptSchema,
  reporterOutcomeSchema,
  reporterRatingSchema,
  visiblePublicReason,
} from '../../src/directory/report-contract.ts';
import { shopIdentity } from '../../src/directory/shop-identity.ts';
import type { MessageKey } from '../../src/ui/locale-messages.ts';
import { REPORT_REASON } from '../../src/ui/verdict-words.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { clientAddress } from '../http/client-rate-limit.ts';
import { postedFields } from '../http/form-guard.ts';
import { ServiceError } from '../http/service-error.ts';
import { withdrawReport } from '../reports/report-withdrawal.ts';
import { recordReporterOutcome } from '../reports/reporter-outcome.ts';
import { ErrorSummary } from './form-parts.tsx';
import { notFoundPage, type PortalApp, type PortalDeps } from './portal-app.tsx';
import { portalBodyLimit, portalFormGuard } from './portal-forms.tsx';
import { portalHref, sendMessagePage, sendPage } from './portal-layout.tsx';
import type { PortalKey, PortalWords } from './portal-words.ts';
import {
  OUTCOME_FIELD_IDS,
  type OutcomeError,
  OutcomeForm,
  ProgressTimeline,
  WithdrawForm,
} from './report-progress.tsx';
import { momentWords, waitWords } from './report-time.ts';

// `/report/<receipt>`: where a report is, for anyone holding its receipt; with its key
// (`?key=`, the edit token the report form's redirect puts there) the shopper also says
// the problem is solved, rates the merchant's answer, or withdraws the report.
//
// A page whose address holds the key is sent with `Referrer-Policy: no-referrer`, so no
// request it makes carries the key away. Browsers then post its forms with `Origin: null`:
// their guard lets that in when `Sec-Fetch-Site` says the post comes from our own origin.
//
// The outcome and withdraw forms write rows and audit lines as the API's outcome and
// withdrawal do, so they spend the same allowance (deps.limiter): once it is spent, a 429
// page says when to try again and nothing changes.

const STATUS_WORDS: Record<ReportStatus, { status: MessageKey; explain: PortalKey }> = {
  received: { status: 'reportStatus_received', explain: 'report_explainReceived' },
  'under-review': { status: 'reportStatus_underReview', explain: 'report_explainUnderReview' },
  accepted: { status: 'reportStatus_accepted', explain: 'report_explainAccepted' },
  rejected: { status: 'reportStatus_rejected', explain: 'report_explainRejected' },
  withdrawn: { status: 'reportStatus_withdrawn', explain: 'report_explainWithdrawn' },
};

const MAX_OUTCOME_BODY_BYTES = 4 * 1024;

function StatusFacts(props: { words: PortalWords; view: ReportStatusView }) {
  const { words, view } = props;
  const { p, t, lang } = words;
  const shop = shopIdentity(view.domain, SERVICE_PLATFORMS);
  const display = shop?.display ?? view.domain;
  const publicReason = visiblePublicReason(view.publicReason);
  const rows: Array<[string, string, string]> = [
    ['status', t('options_reportStatus'), t(STATUS_WORDS[view.status].status)],
    ['shop', t('options_reportShop'), display],
    ['reason', t('options_reportReason'), t(REPORT_REASON[view.reason])],
    ['sent', p('report_sentLabel'), momentWords(view.receivedAt, lang)],
    ...(view.updatedAt !== view.receivedAt
      ? [['updated', p('report_updatedLabel'), momentWords(view.updatedAt, lang)] as [string, string, string]]
      : []),
  ];
  return (
    <>
      <div class="report-receipt">
        <p class="report-receipt__label">{p('report_receiptLabel')}</p>
        <p class="receipt" data-receipt={view.receipt}>
          {view.receipt}
        </p>
        <p>{p('report_receiptAdvice')}</p>
      </div>
      <dl class="facts" data-status={view.status}>
        {rows.map(([id, term, value]) => (
          <div class="facts__row" data-fact={id}>
            <dt>{term}</dt>
            <dd>
              <bdi>{value}</bdi>
              {id === 'shop' && display !== view.domain ? <> ({t('popup_domainAscii', [view.domain])})</> : null}
            </dd>
          </div>
        ))}
      </dl>
      <p class="notice">{p(STATUS_WORDS[view.status].explain)}</p>
      {publicReason ? (
        <p class="report-public-reason">
          {p('report_publicReasonLabel')} <bdi>{publicReason}</bdi>
        </p>
      ) : null}
    </>
  );
}

type KeyState = 'none' | 'valid' | 'wrong';

export function registerReportStatusRoutes(app: PortalApp, deps: PortalDeps): void {
  const { context, limiter } = deps;
  const guard = portalFormGuard(deps.formSecret, deps.settings.publicOrigin, { acceptNoReferrerPages: true });
  const limitBody = portalBodyLimit(MAX_OUTCOME_BODY_BYTES);

  const keyState = (receipt: string, key: string | undefined): KeyState => {
    if (key === undefined || key === '') return 'none';
    const expected = Buffer.from(context.reports.editTokenFor(receipt));
    const given = Buffer.from(key);
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'wrong';
  };

  /** The report's view, or null when the receipt names none. */
  async function viewOf(receipt: string | undefined): Promise<ReportStatusView | null> {
    const parsed = receiptSchema.safeParse(receipt);
    if (!parsed.success) return null;
    try {
      return await context.reports.status(parsed.data);
    } catch (error) {
      if (error instanceof ServiceError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  /** The receipt is the shopper's key to these pages: no cache keeps them, no search engine lists them, no referrer carries the key. */
  function privatePage(c: Context, withKey: boolean) {
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
    if (withKey) c.header('Referrer-Policy', 'no-referrer');
  }

  function statusPage(
    c: Context,
    view: ReportStatusView,
    options: {
      key: string | undefined;
      errors?: OutcomeError[];
      chosen?: { resolved: boolean; rating: string };
      saved?: boolean;
      status?: 200 | 400 | 409 | 429;
    },
  ) {
    const words = c.get('words') as PortalWords;
    const state = keyState(view.receipt, options.key);
    privatePage(c, state !== 'none');
    const errors = options.errors ?? [];
    const title = words.p('report_statusTitle');
    const summary = errors.map((error) => ({
      href: `#${OUTCOME_FIELD_IDS[error.field]}`,
      message: error.message,
      field: error.field,
    }));
    const key = options.key ?? '';
    return sendPage(
      c,
      { words, title: errors.length > 0 ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'report' },
      <>
        <ErrorSummary words={words} errors={summary} />
        <h1>{title}</h1>
        {options.saved ? (
          <p class="notice notice--success" role="status">
            {words.p('report_outcomeSaved')}
          </p>
        ) : null}
        {state === 'valid' ? (
          <section aria-labelledby="key-heading" class="report-key">
            <h2 id="key-heading">{words.p('report_keyHeading')}</h2>
            <p>{words.p('report_keyAdvice')}</p>
          </section>
        ) : null}
        {state === 'wrong' ? (
          <p class="notice notice--warning" data-notice="wrong-key">
            {words.p('report_keyWrong')}
          </p>
        ) : null}
        <StatusFacts words={words} view={view} />
        <ProgressTimeline words={words} view={view} />
        {state === 'valid' ? (
          <OutcomeForm
            words={words}
            view={view}
            reportKey={key}
            token={guard.hiddenField(c)}
            errors={errors}
            chosen={options.chosen ?? { resolved: false, rating: '' }}
          />
        ) : null}
        {state === 'valid' && view.status !== 'withdrawn' ? (
          <p class="report-withdraw-link">
            <a href={portalHref(words.lang, `/report/${view.receipt}/withdraw`, { key })}>
              {words.t('progress_withdraw')}
            </a>
          </p>
        ) : null}
        <ul class="report-links">
          <li>
            <a href={portalHref(words.lang, '/report')}>{words.p('report_anotherLink')}</a>
          </li>
          <li>
            <a href={portalHref(words.lang, '/')}>{words.p('nav_check')}</a>
          </li>
        </ul>
      </>,
      options.status ?? 200,
    );
  }

  /** Spends one of the client's allowance; the wait in words when it is spent, with Retry-After set. */
  async function spentAllowance(c: Context): Promise<string | null> {
    const verdict = await limiter.take(clientAddress(c));
    if (verdict.allowed) return null;
    c.header('Retry-After', String(verdict.retryAfterSeconds));
    const words = c.get('words') as PortalWords;
    return words.p('report_tooManyRequests', [waitWords(verdict.retryAfterSeconds, words.lang)]);
  }

  function keyRefused(c: Context) {
    const words = c.get('words') as PortalWords;
    privatePage(c, true);
    const link = {
      href: portalHref(words.lang, `/report/${c.req.param('receipt')}`),
      text: words.p('report_statusTitle'),
    };
    const message = { title: words.p('report_keyRefusedTitle'), body: words.p('report_keyRefusedBody'), link };
    return sendMessagePage(c, words, message, 403);
  }

  app.get('/report/:receipt', async (c) => {
    const view = await viewOf(c.req.param('receipt'));
    if (!view) return notFoundPage(c);
    return statusPage(c, view, { key: c.req.query('key'), saved: c.req.query('saved') === 'outcome' });
  });

  app.post('/report/:receipt/outcome', limitBody, guard.protect, async (c) => {
    const words = c.get('words');
    const view = await viewOf(c.req.param('receipt'));
    if (!view) return notFoundPage(c);
    const posted = await postedFields(c);
    const key = typeof posted.key === 'string' ? posted.key : undefined;
    if (keyState(view.receipt, key) !== 'valid' || !key) return keyRefused(c);
    const resolved = posted.resolved === 'yes';
    const rating = typeof posted.rating === 'string' ? posted.rating : '';
    const chosen = { resolved, rating };
    const errors: OutcomeError[] = [];
    if (posted.rating !== undefined && !reporterRatingSchema.safeParse(posted.rating).success) {
      errors.push({ field: 'rating', message: words.p('report_outcomeUnknown') });
    } else if (!resolved && rating === '') {
      errors.push({ field: 'resolved', message: words.p('report_outcomeEmpty') });
    }
    const parsed = reporterOutcomeSchema.safeParse({
      ...(resolved ? { resolved: true } : {}),
      ...(rating ? { rating } : {}),
    });
    if (errors.length > 0 || !parsed.success) {
      const shown = errors.length > 0 ? errors : [{ field: 'form' as const, message: words.p('report_fieldInvalid') }];
      return statusPage(c, view, { key, errors: shown, chosen, status: 400 });
    }
    const outcome: ReporterOutcome = parsed.data;
    const tooMany = await spentAllowance(c);
    if (tooMany)
      return statusPage(c, view, { key, errors: [{ field: 'form', message: tooMany }], chosen, status: 429 });
    try {
      await recordReporterOutcome(context, view.receipt, key, outcome);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.kind === 'forbidden') return keyRefused(c);
      if (error.kind === 'not-found') return notFoundPage(c);
      if (error.kind !== 'conflict') throw error;
      const latest = (await viewOf(view.receipt)) ?? view;
      const tooLate = [{ field: 'form' as const, message: words.p('report_outcomeTooLate') }];
      return statusPage(c, latest, { key, errors: tooLate, chosen, status: 409 });
    }
    return c.redirect(portalHref(words.lang, `/report/${view.receipt}`, { key, saved: 'outcome' }), 303);
  });

  app.get('/report/:receipt/withdraw', async (c) => {
    const view = await viewOf(c.req.param('receipt'));
    if (!view) return notFoundPage(c);
    const key = c.req.query('key');
    if (keyState(view.receipt, key) !== 'valid' || !key) return keyRefused(c);
    if (view.status === 'withdrawn') return statusPage(c, view, { key });
    return withdrawPage(c, view, key);
  });

  /** Asks the shopper to confirm the withdrawal; `refusal` says why a confirmation was not taken. */
  function withdrawPage(c: Context, view: ReportStatusView, key: string, refusal?: string) {
    const words = c.get('words') as PortalWords;
    privatePage(c, true);
    const title = words.p('report_withdrawTitle');
    const errors = refusal ? [{ href: '#withdraw-submit', message: refusal, field: 'form' }] : [];
    return sendPage(
      c,
      { words, title: refusal ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'report' },
      <>
        <ErrorSummary words={words} errors={errors} />
        <h1>{title}</h1>
        <p class="receipt" data-receipt={view.receipt}>
          {view.receipt}
        </p>
        <p>{words.t('progress_withdrawExplain')}</p>
        <WithdrawForm words={words} receipt={view.receipt} reportKey={key} token={guard.hiddenField(c)} />
      </>,
      refusal ? 429 : 200,
    );
  }

  app.post('/report/:receipt/withdraw', limitBody, guard.protect, async (c) => {
    const words = c.get('words');
    const view = await viewOf(c.req.param('receipt'));
    if (!view) return notFoundPage(c);
    const posted = await postedFields(c);
    const key = typeof posted.key === 'string' ? posted.key : undefined;
    if (keyState(view.receipt, key) !== 'valid' || !key) return keyRefused(c);
    if (view.status !== 'withdrawn') {
      const tooMany = await spentAllowance(c);
      if (tooMany) return withdrawPage(c, view, key, tooMany);
      try {
        await withdrawReport(context, view.receipt, key);
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        if (error.kind === 'forbidden') return keyRefused(c);
        if (error.kind === 'not-found') return notFoundPage(c);
        // Already withdrawn (a second click, another tab): the page says so.
        if (error.kind !== 'conflict') throw error;
      }
    }
    return c.redirect(portalHref(words.lang, `/report/${view.receipt}`, { key }), 303);
  });
}
