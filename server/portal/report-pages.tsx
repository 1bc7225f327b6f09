/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { MAX_REPORT_BODY_BYTES, MAX_REPORT_URL_LENGTH, reportedShop } from '../../src/directory/report-contract.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { clientAddress } from '../http/client-rate-limit.ts';
import { postedFields } from '../http/form-guard.ts';
import { ServiceError } from '../http/service-error.ts';
import { ErrorSummary } from './form-parts.tsx';
import type { PortalApp, PortalDeps } from './portal-app.tsx';
import { portalBodyLimit, portalFormGuard } from './portal-forms.tsx';
import { portalHref, sendPage } from './portal-layout.tsx';
import type { PortalWords } from './portal-words.ts';
import { ReportForm, reportSummaryErrors } from './report-form.tsx';
import { emptyReportForm, type FieldError, type ReportFormValues, readReportForm } from './report-form-fields.ts';
import { registerReportStatusRoutes } from './report-status-routes.tsx';
import { waitWords } from './report-time.ts';

// `/report`: report a shop without the extension, on any device, and `/report/<receipt>`:
// follow it (server/portal/report-status-routes.tsx). The form posts to the same desk as
// the API (ReportDesk), under the same rate limit, and is guarded against cross-site
// posting (server/http/form-guard.ts).

export { momentWords, waitWords } from './report-time.ts';

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
    const verdict = await limiter.take(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      // What the shopper typed is theirs to send again, unchanged.
      const message = words.p('report_tooMany', [waitWords(verdict.retryAfterSeconds, words.lang)]);
      return formPage(c, words, { values: form.values, errors: [{ field: 'form', message }] }, 429);
    }
    try {
      const taken = await context.reports.submit(form.request);
      // The page the shopper lands on holds the report's key: bookmarked, it lets them act on
      // the report later (say it is solved, rate the answer, withdraw it).
      const key = context.reports.editTokenFor(taken.receipt);
      return c.redirect(portalHref(words.lang, `/report/${taken.receipt}`, { key }), 303);
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

  registerReportStatusRoutes(app, deps);
}
