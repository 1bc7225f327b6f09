/** @jsxImportSource hono/jsx */
import { MAX_PUBLIC_REASON_LENGTH, receiptSchema } from '../../src/directory/report-contract.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { complaintIdSchema } from '../complaints/complaint-book.ts';
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  redirectAfterPost,
  requirePermission,
  sendConsole,
  sendConsoleMessage,
} from '../console/console-app.tsx';
import { noErrors, summaryOf } from '../console/console-fields.tsx';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { type PostedForm, readPostedForm, type TextProblem, textProblem } from '../console/posted-form.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { consoleActor } from '../staff/staff-roles.ts';
import { BulkForm, type GroupFormState, ReportCard, reportFieldId } from './report-group-view.tsx';
import { acceptReportSchema, MAX_MERCHANT_SUMMARY_LENGTH, rejectReportSchema } from './report-queue.ts';
import {
  MAX_GROUP_REPORTS,
  openComplaintsOf,
  queueGroups,
  reportState,
  shopStandings,
  UNDECIDED,
  undecidedReportsOf,
} from './report-queue-reads.ts';
import { groupHref, QueueTable, ShopName, ShopStandingTags } from './report-queue-views.tsx';

// `/admin/queue`: shoppers' new reports grouped by shop, oldest first, and each shop's page
// where a moderator accepts, rejects or links each report, or several at once. Decisions
// go through ReportQueue, which writes the audit line in the same transaction.

const DONE: Record<string, ConsoleKey> = {
  accepted: 'queue_doneAccepted',
  rejected: 'queue_doneRejected',
  duplicate: 'queue_doneDuplicate',
  'bulk-accepted': 'queue_doneBulkAccepted',
  'bulk-rejected': 'queue_doneBulkRejected',
};

const emptyState: GroupFormState = { errors: noErrors, values: new Map(), selected: new Set() };

/** The shop a path names, in its canonical (ASCII) form only: the pages link to no other. */
function shopOfPath(param: string): string | null {
  const shop = resolveShopIdentity(param, SERVICE_PLATFORMS);
  return shop.ok && shop.identity.domain === param ? param : null;
}

function whyProblem(words: ConsoleWords, why: string): string | null {
  const problem: TextProblem | null = textProblem(why, {
    layout: 'line',
    max: MAX_PUBLIC_REASON_LENGTH,
    min: 3,
    required: true,
  });
  if (problem?.kind === 'missing') return words.c('queue_whyMissing');
  if (problem?.kind === 'too-short') return words.c('queue_whyTooShort', [problem.min]);
  if (problem?.kind === 'too-long') return words.c('queue_whyTooLong', [problem.max]);
  if (problem?.kind === 'hidden') return words.c('queue_whyHidden', [problem.position]);
  return rejectReportSchema.safeParse({ why }).success ? null : words.c('queue_whyMissing');
}

/** What the merchant reads: several lines, none of what the text policy refuses. */
function summaryProblem(words: ConsoleWords, summary: string): string | null {
  const problem = textProblem(summary, { layout: 'multiline', max: MAX_MERCHANT_SUMMARY_LENGTH, required: false });
  if (problem?.kind === 'too-long') return words.c('lifecycle_summaryTooLong', [problem.max]);
  if (problem?.kind === 'hidden') return words.c('lifecycle_summaryHidden', [problem.position]);
  return null;
}

export function registerReportQueuePages(app: ConsoleApp, deps: ConsoleDeps) {
  const { db, reportQueue } = deps.context;
  const moderate = requirePermission('moderate');

  app.get('/queue', moderate, async (c) => {
    const words = c.get('words');
    const { groups, more } = await queueGroups(db);
    const standings = await shopStandings(
      db,
      groups.map((group) => group.domain),
    );
    return sendConsole(
      c,
      { title: words.c('queue_title'), section: 'queue' },
      <>
        <h1>{words.c('queue_title')}</h1>
        <p class="lead">{words.c('queue_lead')}</p>
        {groups.length > 0 ? (
          <QueueTable words={words} groups={groups} standings={standings} />
        ) : (
          <p class="notice">{words.c('queue_empty')}</p>
        )}
        {more ? <p class="notice notice--warning">{words.c('queue_more', [groups.length])}</p> : null}
      </>,
    );
  });

  async function sendGroupPage(c: ConsoleContext, domain: string, state: GroupFormState, status: 200 | 400 | 409) {
    const words = c.get('words');
    const [reports, complaints, standings] = await Promise.all([
      undecidedReportsOf(db, domain),
      openComplaintsOf(db, domain),
      shopStandings(db, [domain]),
    ]);
    const guard = c.get('guard').hiddenField(c);
    const done = DONE[c.req.query('done') ?? ''];
    const title = words.c('queue_groupTitle', [domain]);
    return sendConsole(
      c,
      { title: state.errors.size > 0 ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'queue' },
      <>
        <ErrorSummary words={words} errors={summaryOf(state.errors)} />
        {done && status === 200 ? (
          <p class="notice" role="status">
            {words.c(done)}
          </p>
        ) : null}
        <h1>
          {words.c('queue_groupHeading')} <ShopName words={words} domain={domain} />
        </h1>
        <p>
          <ShopStandingTags words={words} standing={standings.get(domain)} />
        </p>
        <p>
          <a href={portalHref(words.lang, '/admin/queue')}>{words.c('queue_backToQueue')}</a>
        </p>
        {reports.length === 0 ? (
          <p class="notice">{words.c('queue_groupEmpty')}</p>
        ) : (
          <>
            <p data-count="reports">{words.c('queue_groupCount', [reports.length])}</p>
            {reports.map((report) => (
              <ReportCard
                words={words}
                domain={domain}
                report={report}
                complaints={complaints}
                state={state}
                guard={guard}
              />
            ))}
            <BulkForm words={words} domain={domain} state={state} guard={guard} />
          </>
        )}
      </>,
      status,
    );
  }

  /** A decision the queue refused: decided meanwhile (409) or no such report here (404); nothing changed. */
  function refused(c: ConsoleContext, domain: string, kind: 'conflict' | 'not-found') {
    const words = c.get('words');
    const link = { href: groupHref(words, domain), text: words.c('queue_backToShop') };
    return kind === 'conflict'
      ? sendConsoleMessage(c, { title: words.c('queue_decidedTitle'), body: words.c('queue_decidedBody'), link }, 409)
      : sendConsoleMessage(
          c,
          { title: words.c('queue_notFoundTitle'), body: words.c('queue_notFoundBody'), link },
          404,
        );
  }

  const notFoundPage = (c: ConsoleContext) => {
    const words = c.get('words');
    return sendConsoleMessage(c, { title: words.p('page_notFoundTitle'), body: words.p('page_notFoundBody') }, 404);
  };

  app.get('/queue/:domain', moderate, async (c) => {
    const domain = shopOfPath(c.req.param('domain'));
    return domain ? sendGroupPage(c, domain, emptyState, 200) : notFoundPage(c);
  });

  type Decide = (
    form: PostedForm,
    receipt: string,
    words: ConsoleWords,
    actor: string,
  ) => Promise<{ done: string } | { field: string; message: string; value: string }>;

  const decisions: Record<'accept' | 'reject' | 'duplicate', Decide> = {
    accept: async (form, receipt, words, actor) => {
      const category = form.text('category');
      const summary = form.text('merchantSummary');
      const summaryMessage = summaryProblem(words, summary);
      if (summaryMessage) return { field: reportFieldId('summary', receipt), message: summaryMessage, value: summary };
      const decision = acceptReportSchema.safeParse({
        category,
        ...(summary.trim() ? { merchantSummary: summary } : {}),
      });
      if (!decision.success) {
        return { field: reportFieldId('category', receipt), message: words.c('queue_categoryMissing'), value: '' };
      }
      await reportQueue.accept(receipt, decision.data, actor);
      return { done: 'accepted' };
    },
    reject: async (form, receipt, words, actor) => {
      const why = form.text('why');
      const message = whyProblem(words, why);
      if (message) return { field: reportFieldId('why', receipt), message, value: why };
      await reportQueue.reject(receipt, rejectReportSchema.parse({ why }), actor);
      return { done: 'rejected' };
    },
    duplicate: async (form, receipt, words, actor) => {
      const field = reportFieldId('complaint', receipt);
      const id = complaintIdSchema.safeParse(form.text('complaintId'));
      if (!id.success) return { field, message: words.c('queue_complaintMissing'), value: '' };
      try {
        await reportQueue.markDuplicate(receipt, id.data, actor);
      } catch (error) {
        // A complaint resolved meanwhile, or one of another shop (a forged form).
        if (error instanceof ServiceError && error.field === 'complaintId') {
          return { field, message: words.c('queue_complaintInvalid'), value: '' };
        }
        throw error;
      }
      return { done: 'duplicate' };
    },
  };

  app.post('/queue/:domain/:receipt/:action{accept|reject|duplicate}', moderate, async (c) => {
    const words = c.get('words');
    const domain = shopOfPath(c.req.param('domain'));
    const receipt = c.req.param('receipt');
    if (!domain || !receiptSchema.safeParse(receipt).success) return notFoundPage(c);
    const report = await reportState(db, receipt);
    if (!report || report.domain !== domain) return refused(c, domain, 'not-found');
    if (!(UNDECIDED as readonly string[]).includes(report.status)) return refused(c, domain, 'conflict');
    const form = await readPostedForm(c);
    let outcome: Awaited<ReturnType<Decide>>;
    try {
      outcome = await decisions[c.req.param('action') as keyof typeof decisions](
        form,
        receipt,
        words,
        consoleActor(c.get('staff')),
      );
    } catch (error) {
      if (error instanceof ServiceError && (error.kind === 'conflict' || error.kind === 'not-found')) {
        return refused(c, domain, error.kind);
      }
      throw error;
    }
    if ('done' in outcome)
      return redirectAfterPost(c, `/admin/queue/${encodeURIComponent(domain)}`, { done: outcome.done });
    return sendGroupPage(
      c,
      domain,
      {
        errors: new Map([[outcome.field, outcome.message]]),
        values: new Map([[outcome.field, outcome.value]]),
        selected: new Set(),
      },
      400,
    );
  });

  app.post('/queue/:domain/bulk', moderate, async (c) => {
    const words = c.get('words');
    const domain = shopOfPath(c.req.param('domain'));
    if (!domain) return notFoundPage(c);
    const form = await readPostedForm(c);
    const receipts = form.all('receipt');
    const action = form.text('bulk');
    const category = form.text('category');
    const why = form.text('why');
    const summary = form.text('merchantSummary');
    const errors = new Map<string, string>();
    if (receipts.length === 0) errors.set('bulk-selection', words.c('queue_selectionMissing'));
    else if (receipts.length > MAX_GROUP_REPORTS || receipts.some((r) => !receiptSchema.safeParse(r).success)) {
      errors.set('bulk-selection', words.c('queue_selectionInvalid'));
    }
    const summaryMessage = action === 'accept' ? summaryProblem(words, summary) : null;
    if (summaryMessage) errors.set('bulk-summary', summaryMessage);
    const decision = acceptReportSchema.safeParse({
      category,
      ...(summary.trim() ? { merchantSummary: summary } : {}),
    });
    if (action === 'accept' && !decision.success && !summaryMessage) {
      errors.set('bulk-category', words.c('queue_categoryMissing'));
    }
    const whyMessage = action === 'reject' ? whyProblem(words, why) : null;
    if (whyMessage) errors.set('bulk-why', whyMessage);
    if (action !== 'accept' && action !== 'reject') errors.set('bulk-selection', words.c('queue_bulkActionMissing'));
    if (errors.size > 0) {
      const values = new Map([
        ['bulk-category', category],
        ['bulk-why', why],
        ['bulk-summary', summary],
      ]);
      return sendGroupPage(c, domain, { errors, values, selected: new Set(receipts) }, 400);
    }
    const actor = consoleActor(c.get('staff'));
    try {
      if (action === 'accept' && decision.success) {
        await reportQueue.acceptAsOne(domain, receipts, decision.data, actor);
        return redirectAfterPost(c, `/admin/queue/${encodeURIComponent(domain)}`, { done: 'bulk-accepted' });
      }
      await reportQueue.rejectAll(domain, receipts, rejectReportSchema.parse({ why }), actor);
      return redirectAfterPost(c, `/admin/queue/${encodeURIComponent(domain)}`, { done: 'bulk-rejected' });
    } catch (error) {
      if (error instanceof ServiceError && (error.kind === 'conflict' || error.kind === 'not-found')) {
        return refused(c, domain, error.kind);
      }
      throw error;
    }
  });
}
