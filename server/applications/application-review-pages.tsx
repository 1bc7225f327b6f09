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
import { ScrollingTable } from '../console/console-table.tsx';
import type { ApplicationStatus } from '../db/tables.ts';
import { postedFields } from '../http/form-guard.ts';
import { portalHref } from '../portal/portal-layout.tsx';
import { consoleActor } from '../staff/staff-roles.ts';
import {
  approvalBlockers,
  approveApplication,
  type Blocker,
  MAX_REFUSAL_LENGTH,
  MIN_REFUSAL_LENGTH,
  refusalReasonSchema,
  refuseApplication,
} from './application-decision.ts';
import { ApplicationPage, type PageState } from './application-page.tsx';
import {
  APPLICATION_STATUSES,
  type Application,
  checkDomainsNow,
  countByStatus,
  findApplication,
  isApplicationStatus,
  listApplications,
  receiptParamSchema,
  recordPhoneCheck,
  recordRegisterCheck,
  startReview,
} from './application-review.ts';
import { DomainName, momentWords, STATUS_WORDS } from './application-review-views.tsx';
import { decisionMail, merchantExtendedMail, sendDecisionMail } from './decision-mail.ts';
import { type Posted, readPhoneCheck, readRegisterCheck, readText } from './verification-checks.ts';

// `/admin/applications`: merchants' applications by status, oldest first, and each
// application's page with the verifier's checklist, approval and refusal. Every route
// needs the 'verify' permission (a moderator gets the 403 page, GET or POST).

/** The longest list a status page shows; the oldest come first, so none waits unseen. */
const LIST_LIMIT = 200;

export function registerApplicationReview(app: ConsoleApp, deps: ConsoleDeps) {
  const { context } = deps;
  const verify = requirePermission('verify');
  const listPath = '/admin/applications';
  const pathOf = (receipt: string) => `${listPath}/${receipt}`;

  const notFound = (c: ConsoleContext) => {
    const words = c.get('words');
    return sendConsoleMessage(
      c,
      {
        title: words.c('review_notFoundTitle'),
        body: words.c('review_notFoundBody'),
        link: { href: portalHref(words.lang, listPath), text: words.c('review_backToList') },
      },
      404,
    );
  };

  /** The application of the path, or null when the receipt is malformed or unknown (both 404). */
  const applicationOf = async (c: ConsoleContext): Promise<Application | null> => {
    const receipt = receiptParamSchema.safeParse(c.req.param('receipt'));
    return receipt.success ? findApplication(context.db, receipt.data) : null;
  };

  async function page(
    c: ConsoleContext,
    application: Application,
    state: PageState,
    status: 200 | 400 | 409 | 422 = 200,
  ) {
    const words = c.get('words');
    const { blockers, existing } = await approvalBlockers(context.db, application);
    const done = c.req.query('done');
    return sendConsole(
      c,
      { title: words.c('review_applicationTitle', [application.receipt]), section: 'applications' },
      <ApplicationPage
        words={words}
        application={application}
        blockers={blockers}
        existing={
          existing
            ? {
                id: existing.id,
                legalName: existing.record.legalName,
                rc: existing.record.rc,
                phone: existing.record.phone,
                email: existing.record.email,
              }
            : null
        }
        state={state}
        done={done && /^[a-z-]{1,20}$/.test(done) ? done : null}
        mailFailed={c.req.query('mail') === 'failed'}
        noticeFailed={c.req.query('notice') === 'failed'}
        formField={c.get('guard').hiddenField(c)}
        listPath={listPath}
      />,
      status,
    );
  }

  app.get('/applications', verify, async (c) => {
    const words = c.get('words');
    const asked = c.req.query('status');
    const status: ApplicationStatus = isApplicationStatus(asked) ? asked : 'received';
    const counts = await countByStatus(context.db);
    const applications = await listApplications(context.db, status, LIST_LIMIT);
    const title = words.c('console_navApplications');
    return sendConsole(
      c,
      { title, section: 'applications' },
      <>
        <h1>{title}</h1>
        <nav aria-label={words.c('review_statusesLabel')} class="status-tabs">
          <ul>
            {APPLICATION_STATUSES.map((entry) => (
              <li>
                <a
                  href={portalHref(words.lang, listPath, { status: entry })}
                  aria-current={entry === status ? 'page' : undefined}
                >
                  {words.c(STATUS_WORDS[entry])} <span data-count={entry}>({counts[entry]})</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {applications.length === 0 ? (
          <p class="notice">{words.c('review_listEmpty')}</p>
        ) : (
          <ScrollingTable
            caption={words.c('review_listCaption', [words.c(STATUS_WORDS[status])])}
            data={{ 'data-applications': status }}
            columns={[
              words.c('review_receipt'),
              words.c('review_tradeName'),
              words.c('review_legalName'),
              words.c('review_domains'),
              words.c('review_receivedAt'),
            ]}
          >
            {applications.map((entry) => (
              <tr data-receipt={entry.receipt}>
                <td>
                  <a href={portalHref(words.lang, pathOf(entry.receipt))}>
                    <bdi dir="ltr">{entry.receipt}</bdi>
                  </a>
                </td>
                <td>
                  <bdi>{entry.tradeName}</bdi>
                </td>
                <td>
                  <bdi>{entry.legalName}</bdi>
                </td>
                <td>
                  {entry.domains.map((domain) => (
                    <div>
                      <DomainName domain={domain} />
                    </div>
                  ))}
                </td>
                <td>{momentWords(entry.createdAt, words.lang)}</td>
              </tr>
            ))}
          </ScrollingTable>
        )}
        {counts[status] > applications.length ? (
          <p>{words.c('review_listLimited', [applications.length, counts[status]])}</p>
        ) : null}
      </>,
    );
  });

  // Reading changes nothing (a GET or HEAD may come from a link, a prefetch or another site):
  // the review starts with the start button or the first step recorded.
  app.get('/applications/:receipt', verify, async (c) => {
    const application = await applicationOf(c);
    return application ? page(c, application, {}) : notFound(c);
  });

  app.post('/applications/:receipt/start', verify, async (c) => {
    const application = await applicationOf(c);
    if (!application) return notFound(c);
    const result = await startReview(context.db, application.receipt, consoleActor(c.get('staff')), context.clock());
    if (result === 'not-found') return notFound(c);
    if (result === 'decided') return page(c, application, { blockers: [{ kind: 'decided' }] }, 409);
    return redirectAfterPost(c, pathOf(application.receipt), { done: 'started' });
  });

  app.post('/applications/:receipt/register', verify, async (c) => {
    const application = await applicationOf(c);
    if (!application) return notFound(c);
    const staff = c.get('staff');
    const now = context.clock();
    const form = readRegisterCheck((await postedFields(c)) as Posted, c.get('words'), staff, now);
    if (!form.check) return page(c, application, { form: 'register', values: form.values, errors: form.errors }, 400);
    const result = await recordRegisterCheck(context.db, application.receipt, form.check, consoleActor(staff), now);
    if (result === 'not-found') return notFound(c);
    if (result === 'decided') return page(c, application, { blockers: [{ kind: 'decided' }] }, 409);
    return redirectAfterPost(c, pathOf(application.receipt), { done: 'register' });
  });

  app.post('/applications/:receipt/phone', verify, async (c) => {
    const application = await applicationOf(c);
    if (!application) return notFound(c);
    const staff = c.get('staff');
    const now = context.clock();
    const form = readPhoneCheck((await postedFields(c)) as Posted, c.get('words'), staff, now);
    if (!form.check) return page(c, application, { form: 'phone', values: form.values, errors: form.errors }, 400);
    const result = await recordPhoneCheck(context.db, application.receipt, form.check, consoleActor(staff), now);
    if (result === 'not-found') return notFound(c);
    if (result === 'decided') return page(c, application, { blockers: [{ kind: 'decided' }] }, 409);
    return redirectAfterPost(c, pathOf(application.receipt), { done: 'phone' });
  });

  app.post('/applications/:receipt/domain', verify, async (c) => {
    const application = await applicationOf(c);
    if (!application) return notFound(c);
    const domain = (await postedFields(c)).domain;
    // Only a domain the applicant named is ever fetched: the form's field is not a URL to visit.
    if (typeof domain !== 'string' || !application.domains.includes(domain)) {
      const words = c.get('words');
      return sendConsoleMessage(
        c,
        {
          title: words.c('review_domainUnknownTitle'),
          body: words.c('review_domainUnknownBody'),
          link: {
            href: portalHref(words.lang, pathOf(application.receipt)),
            text: words.c('review_backToApplication'),
          },
        },
        400,
      );
    }
    const actor = consoleActor(c.get('staff'));
    const result = await checkDomainsNow(context.db, context.domainProof, application, [domain], actor, context.clock, {
      startReview: true,
    });
    if (result === 'decided') return page(c, application, { blockers: [{ kind: 'decided' }] }, 409);
    return redirectAfterPost(c, pathOf(application.receipt), { done: 'domain' });
  });

  app.post('/applications/:receipt/approve', verify, async (c) => {
    const application = await applicationOf(c);
    if (!application) return notFound(c);
    const staff = c.get('staff');
    const result = await approveApplication(
      context.db,
      application.receipt,
      { name: staff.name, email: consoleActor(staff) },
      context.clock(),
    );
    if (result.outcome === 'not-found') return notFound(c);
    if (result.outcome === 'blocked') {
      const fresh = (await findApplication(context.db, application.receipt)) ?? application;
      return page(c, fresh, { blockers: result.blockers }, 409);
    }
    const sent = await sendDecisionMail(context.mailer, decisionMail(result.application, { outcome: 'approved' }));
    // The merchant the ICE names hears of it at its own address, whoever applied.
    const told = result.notify
      ? await sendDecisionMail(context.mailer, merchantExtendedMail(result.application, result.notify))
      : true;
    return redirectAfterPost(c, pathOf(application.receipt), {
      done: 'approved',
      mail: sent ? undefined : 'failed',
      notice: told ? undefined : 'failed',
    });
  });

  app.post('/applications/:receipt/refuse', verify, async (c) => {
    const application = await applicationOf(c);
    if (!application) return notFound(c);
    const words = c.get('words');
    const reason = readText(
      (await postedFields(c)) as Posted,
      'reason',
      { label: 'review_reasonLabel', max: MAX_REFUSAL_LENGTH, min: MIN_REFUSAL_LENGTH, required: true, layout: 'line' },
      words,
    );
    const parsed = refusalReasonSchema.safeParse(reason.text);
    if (reason.error || !parsed.success) {
      const message = reason.error ?? words.c('review_formInvalid');
      return page(
        c,
        application,
        { form: 'refuse', values: { reason: reason.text }, errors: [{ field: 'reason', message }] },
        400,
      );
    }
    const actor = consoleActor(c.get('staff'));
    const result = await refuseApplication(context.db, application.receipt, parsed.data, actor, context.clock());
    if (result.outcome === 'not-found') return notFound(c);
    if (result.outcome === 'decided') {
      const blockers: Blocker[] = [{ kind: 'decided' }];
      return page(c, application, { blockers }, 409);
    }
    const sent = await sendDecisionMail(
      context.mailer,
      decisionMail(result.application, { outcome: 'refused', reason: parsed.data }),
    );
    return redirectAfterPost(c, pathOf(application.receipt), { done: 'refused', mail: sent ? undefined : 'failed' });
  });
}
