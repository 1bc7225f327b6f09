/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import {
  MAX_REPORT_BODY_BYTES,
  MAX_REPORT_URL_LENGTH,
  type ReportStatus,
  type ReportStatusView,
  receiptSchema,
  reportedShop,
  visiblePublicReason,
} from '../../src/directory/report-contract.ts';
import { shopIdentity } from '../../src/directory/shop-identity.ts';
import type { MessageKey } from '../../src/ui/locale-messages.ts';
import { moroccanLocale, REPORT_REASON } from '../../src/ui/verdict-words.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { clientAddress } from '../http/client-rate-limit.ts';
import { postedFields } from '../http/form-guard.ts';
import { ServiceError } from '../http/service-error.ts';
import { ErrorSummary } from './form-parts.tsx';
import { notFoundPage, type PortalApp, type PortalDeps } from './portal-app.tsx';
import { portalBodyLimit, portalFormGuard } from './portal-forms.tsx';
import { portalHref, sendPage } from './portal-layout.tsx';
import type { PortalKey, PortalWords } from './portal-words.ts';
import { ReportForm, reportSummaryErrors } from './report-form.tsx';
import { emptyReportForm, type FieldError, type ReportFormValues, readReportForm } from './report-form-fields.ts';

// `/report`: report a shop without the extension, on any device, and `/report/<receipt>`:
// follow it. The form posts to the same desk as the API (ReportDesk), under the same
// rate limit, and is guarded against cross-site posting (server/http/form-guard.ts).

const STATUS_WORDS: Record<ReportStatus, { status: MessageKey; explain: PortalKey }> = {
  received: { status: 'reportStatus_received', explain: 'report_explainReceived' },
  'under-review': { status: 'reportStatus_underReview', explain: 'report_explainUnderReview' },
  accepted: { status: 'reportStatus_accepted', explain: 'report_explainAccepted' },
  rejected: { status: 'reportStatus_rejected', explain: 'report_explainRejected' },
  withdrawn: { status: 'reportStatus_withdrawn', explain: 'report_explainWithdrawn' },
};

/**
 * A moment of the report, as a Moroccan shopper reads a clock: in Morocco's time, whatever
 * the server's own time zone.
 */
export function momentWords(instant: string, lang: string): string {
  return new Intl.DateTimeFormat(moroccanLocale(lang), {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Africa/Casablanca',
  }).format(new Date(instant));
}

/** How long to wait, in the shopper's language with its own plural rules ("in 45 seconds"). */
export function waitWords(seconds: number, lang: string): string {
  const relative = new Intl.RelativeTimeFormat(moroccanLocale(lang), { numeric: 'always' });
  return seconds < 120 ? relative.format(seconds, 'second') : relative.format(Math.ceil(seconds / 60), 'minute');
}

function StatusView(props: { words: PortalWords; view: ReportStatusView }) {
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

export function registerReportPages(app: PortalApp, deps: PortalDeps): void {
  const { context, limiter } = deps;
  const guard = portalFormGuard(deps.formSecret, deps.settings.publicOrigin);

  function formPage(
    c: Context,
    words: PortalWords,
    form: { values: ReportFormValues; errors: readonly FieldError[] },
    status: 200 | 400 | 409 | 429,
  ) {
    const title = words.p('report_title');
    return sendPage(
      c,
      {
        words,
        title: form.errors.length > 0 ? `${words.p('form_errorPrefix')} ${title}` : title,
        section: 'report',
      },
      <>
        <ErrorSummary words={words} errors={reportSummaryErrors(form.errors)} />
        <h1>{title}</h1>
        <p class="lead">{words.p('report_lead')}</p>
        <ReportForm
          words={words}
          action={portalHref(words.lang, '/report')}
          values={form.values}
          errors={form.errors}
          token={guard.hiddenField(c)}
        />
        <section aria-labelledby="report-privacy-heading" class="report-privacy">
          <h2 id="report-privacy-heading">{words.p('report_privacyHeading')}</h2>
          <ul>
            <li>{words.p('report_privacyUrl')}</li>
            <li>{words.p('report_privacyAnswers')}</li>
            <li>{words.p('report_privacyContact')}</li>
            <li>{words.p('report_privacyNothingElse')}</li>
          </ul>
        </section>
      </>,
      status,
    );
  }

  app.get('/report', (c) => {
    const words = c.get('words');
    // A link from the check page names the shop; the field shows only what will be kept of it.
    const asked = (c.req.query('url') ?? '').trim().slice(0, MAX_REPORT_URL_LENGTH);
    const shop = reportedShop(asked, SERVICE_PLATFORMS);
    return formPage(c, words, { values: emptyReportForm(shop.ok ? shop.url : asked), errors: [] }, 200);
  });

  // The body limit first (nothing larger is read), then the origin and token checks (a
  // post from another site must not spend the shopper's allowance). The allowance is
  // spent by a report only: a form sent back with a mistake to correct is not one.
  const limitBody = portalBodyLimit(MAX_REPORT_BODY_BYTES);

  app.post('/report', limitBody, guard.protect, async (c) => {
    const words = c.get('words');
    const form = readReportForm(await postedFields(c), words);
    if (!form.request) return formPage(c, words, form, 400);
    const verdict = limiter.take(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      // What the shopper typed is theirs to send again, unchanged.
      const message = words.p('report_tooMany', [waitWords(verdict.retryAfterSeconds, words.lang)]);
      return formPage(c, words, { values: form.values, errors: [{ field: 'form', message }] }, 429);
    }
    try {
      const taken = await context.reports.submit(form.request);
      return c.redirect(portalHref(words.lang, `/report/${taken.receipt}`), 303);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.kind === 'invalid') {
        // The desk judges the address as the form did; should they ever differ, the shopper still reads why.
        const errors: FieldError[] = [{ field: 'url', message: words.p('report_fieldInvalid') }];
        return formPage(c, words, { values: form.values, errors }, 400);
      }
      if (error.kind !== 'conflict') throw error;
      // The same form sent again with other answers: a new report needs a new key.
      const values = { ...form.values, idempotencyKey: emptyReportForm().idempotencyKey };
      return formPage(c, words, { values, errors: [{ field: 'form', message: words.p('report_alreadySent') }] }, 409);
    }
  });

  app.get('/report/:receipt', async (c) => {
    const words = c.get('words');
    const receipt = receiptSchema.safeParse(c.req.param('receipt'));
    if (!receipt.success) return notFoundPage(c);
    let view: ReportStatusView;
    try {
      view = await context.reports.status(receipt.data);
    } catch (error) {
      if (error instanceof ServiceError && error.kind === 'not-found') return notFoundPage(c);
      throw error;
    }
    // The receipt is the shopper's key to this page: no cache keeps it, no search engine lists it.
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
    return sendPage(
      c,
      { words, title: words.p('report_statusTitle'), section: 'report' },
      <>
        <h1>{words.p('report_statusTitle')}</h1>
        <StatusView words={words} view={view} />
        <ul class="report-links">
          <li>
            <a href={portalHref(words.lang, '/report')}>{words.p('report_anotherLink')}</a>
          </li>
          <li>
            <a href={portalHref(words.lang, '/')}>{words.p('nav_check')}</a>
          </li>
        </ul>
      </>,
    );
  });
}
