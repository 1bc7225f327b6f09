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
import {
  type FieldErrors,
  GuardField,
  RadioField,
  summaryOf,
  TextAreaField,
  TextField,
} from '../console/console-fields.tsx';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleWords } from '../console/console-words.ts';
import { readPostedForm, textProblem } from '../console/posted-form.ts';
import { ServiceError } from '../http/service-error.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { momentWords, reasonWords, ShopName } from '../reports/report-queue-views.tsx';
import { consoleActor } from '../staff/staff-roles.ts';
import { closeComplaintSchema, complaintIdSchema, type StaffOutcome, staffOutcomeSchema } from './complaint-book.ts';
import { MerchantFacts } from './complaint-merchant-facts.tsx';
import { type ComplaintScope, MAX_SHOWN, type OpenComplaintRow, openComplaints, readScope } from './complaint-reads.ts';

// `/admin/complaints`: the open complaints of every shop, one shop or one merchant (all
// its domains), how many each shop has, where each stands with its merchant (sent, read,
// answered), and closing one as resolved or unfounded with a note (ComplaintBook.close).
// What the merchant wrote is shown inert, as the shopper's words are.

const MAX_NOTE_LENGTH = 2000;

interface Typed {
  domain: string;
  merchant: string;
}

/** The filter as query parameters, to come back to the same list after resolving. */
const scopeParams = (scope: ComplaintScope): Record<string, string> =>
  scope.kind === 'domain' ? { domain: scope.domain } : scope.kind === 'merchant' ? { merchant: scope.id } : {};

function FilterForm(props: { words: ConsoleWords; typed: Typed; errors: FieldErrors }) {
  const { words, typed, errors } = props;
  return (
    <form method="get" action="/admin/complaints" class="filter-form" aria-labelledby="complaints-filter-heading">
      <h2 id="complaints-filter-heading">{words.c('complaints_filterHeading')}</h2>
      <input type="hidden" name="lang" value={words.lang} />
      <TextField
        words={words}
        id="filter-domain"
        name="domain"
        label={words.c('complaints_domainLabel')}
        hint={words.c('complaints_domainHint')}
        value={typed.domain}
        maxlength={2000}
        dir="ltr"
        error={errors.get('filter-domain')}
      />
      <TextField
        words={words}
        id="filter-merchant"
        name="merchant"
        label={words.c('complaints_merchantLabel')}
        hint={words.c('complaints_merchantHint')}
        value={typed.merchant}
        maxlength={64}
        dir="ltr"
        error={errors.get('filter-merchant')}
      />
      <p class="action-row">
        <button type="submit" class="button">
          {words.c('complaints_filterButton')}
        </button>
        <a href={portalHref(words.lang, '/admin/complaints')}>{words.c('complaints_showAll')}</a>
      </p>
    </form>
  );
}

/** A close form drawn again after a refusal: what was typed, and the error of each field. */
interface RefusedClose {
  id: number;
  note: string;
  outcome: string;
  errors: FieldErrors;
}

function ComplaintItem(props: {
  words: ConsoleWords;
  complaint: OpenComplaintRow;
  scope: ComplaintScope;
  guard: { name: string; value: string };
  refused: RefusedClose | undefined;
}) {
  const { words, complaint, scope, guard, refused } = props;
  const headingId = `complaint-${complaint.id}-heading`;
  const noteId = `note-${complaint.id}`;
  const outcomeId = `outcome-${complaint.id}`;
  const back = scopeParams(scope);
  return (
    <section class="complaint" aria-labelledby={headingId} data-complaint={complaint.id}>
      <h3 id={headingId}>{words.c('complaints_itemHeading', [complaint.id])}</h3>
      <dl class="facts">
        <div class="facts__row" data-fact="shop">
          <dt>{words.c('complaints_shop')}</dt>
          <dd>
            <ShopName words={words} domain={complaint.domain} />
          </dd>
        </div>
        <div class="facts__row" data-fact="category">
          <dt>{words.c('complaints_category')}</dt>
          <dd>{reasonWords(words, complaint.category)}</dd>
        </div>
        <div class="facts__row" data-fact="opened">
          <dt>{words.c('complaints_opened')}</dt>
          <dd>{momentWords(words, complaint.opened_at)}</dd>
        </div>
        <div class="facts__row" data-fact="opened-by">
          <dt>{words.c('complaints_openedBy')}</dt>
          <dd>
            <bdi>{complaint.opened_by}</bdi>
          </dd>
        </div>
        <div class="facts__row" data-fact="report">
          <dt>{words.c('complaints_fromReport')}</dt>
          <dd>
            {complaint.report_receipt ? <code>{complaint.report_receipt}</code> : words.c('complaints_noReport')}
            {complaint.duplicates > 0 ? <> {words.c('complaints_duplicates', [complaint.duplicates])}</> : null}
          </dd>
        </div>
        <MerchantFacts words={words} complaint={complaint} />
      </dl>
      <form method="post" action={portalHref(words.lang, `/admin/complaints/${complaint.id}/resolve`, back)}>
        <GuardField field={guard} />
        <RadioField
          words={words}
          id={outcomeId}
          name="outcome"
          legend={words.c('lifecycle_outcomeLegend')}
          firstIsField
          options={[
            {
              value: 'resolved',
              text: words.c('lifecycle_outcomeResolved'),
              hint: words.c('lifecycle_outcomeResolvedHint'),
            },
            {
              value: 'unfounded',
              text: words.c('lifecycle_outcomeUnfounded'),
              hint: words.c('lifecycle_outcomeUnfoundedHint'),
            },
          ]}
          selected={refused?.outcome ?? 'resolved'}
          error={refused?.errors.get(outcomeId)}
        />
        <TextAreaField
          words={words}
          id={noteId}
          name="note"
          label={words.c('complaints_noteLabel')}
          hint={words.c('complaints_noteHint')}
          value={refused?.note ?? ''}
          maxlength={MAX_NOTE_LENGTH}
          error={refused?.errors.get(noteId)}
        />
        <button type="submit" class="button">
          {words.c('lifecycle_close')}
        </button>
      </form>
    </section>
  );
}

export function registerComplaintPages(app: ConsoleApp, deps: ConsoleDeps) {
  const { db, complaints: book } = deps.context;
  const moderate = requirePermission('moderate');

  async function sendList(c: ConsoleContext, typed: Typed, refused: RefusedClose | null, status: 200 | 400) {
    const words = c.get('words');
    const scope = await readScope(db, typed);
    const errors = new Map<string, string>();
    if ('problem' in scope) {
      const key =
        scope.field === 'domain'
          ? 'complaints_domainInvalid'
          : scope.problem === 'both'
            ? 'complaints_filterBoth'
            : scope.problem === 'unknown'
              ? 'complaints_merchantUnknown'
              : 'complaints_merchantInvalid';
      errors.set(`filter-${scope.field}`, words.c(key));
    }
    for (const [field, message] of refused?.errors ?? []) errors.set(field, message);
    const shown: ComplaintScope = 'problem' in scope ? { kind: 'all' } : scope;
    const { counts, complaints, more } = await openComplaints(db, shown);
    const guard = c.get('guard').hiddenField(c);
    const title = words.c('complaints_title');
    const done = status === 200 ? c.req.query('done') : undefined;
    return sendConsole(
      c,
      { title: errors.size > 0 ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'complaints' },
      <>
        <ErrorSummary words={words} errors={summaryOf(errors)} />
        {done === 'resolved' || done === 'unfounded' ? (
          <p class="notice" role="status">
            {words.c(done === 'resolved' ? 'complaints_doneResolved' : 'lifecycle_doneUnfounded')}
          </p>
        ) : null}
        <h1>{title}</h1>
        <p class="lead">{words.c('complaints_lead')}</p>
        <FilterForm words={words} typed={typed} errors={errors} />
        <h2>{words.c('complaints_countsHeading')}</h2>
        {counts.length === 0 ? (
          <p>{words.c('complaints_none')}</p>
        ) : (
          <ScrollingTable
            caption={words.c('complaints_countsHeading')}
            hiddenCaption
            class="complaint-counts"
            columns={[words.c('complaints_shop'), words.c('complaints_openCount')]}
          >
            {counts.map((row) => (
              <tr data-domain={row.domain}>
                <th scope="row">
                  <a href={portalHref(words.lang, '/admin/complaints', { domain: row.domain })}>
                    <ShopName words={words} domain={row.domain} />
                  </a>
                </th>
                <td data-count="open">{row.count}</td>
              </tr>
            ))}
          </ScrollingTable>
        )}
        <h2>{words.c('complaints_listHeading')}</h2>
        {more ? <p class="notice notice--warning">{words.c('complaints_more', [MAX_SHOWN])}</p> : null}
        {complaints.map((complaint) => (
          <ComplaintItem
            words={words}
            complaint={complaint}
            scope={shown}
            guard={guard}
            refused={refused?.id === complaint.id ? refused : undefined}
          />
        ))}
      </>,
      status,
    );
  }

  const typedOf = (c: ConsoleContext): Typed => ({
    domain: c.req.query('domain') ?? '',
    merchant: c.req.query('merchant') ?? '',
  });

  app.get('/complaints', moderate, async (c) => {
    const typed = typedOf(c);
    const scope = await readScope(db, typed);
    return sendList(c, typed, null, 'problem' in scope ? 400 : 200);
  });

  app.post('/complaints/:id/resolve', moderate, async (c) => {
    const words = c.get('words');
    const id = complaintIdSchema.safeParse(c.req.param('id'));
    const back = { href: portalHref(words.lang, '/admin/complaints'), text: words.c('complaints_back') };
    const notFound = () =>
      sendConsoleMessage(
        c,
        { title: words.c('complaints_notFoundTitle'), body: words.c('complaints_notFoundBody'), link: back },
        404,
      );
    if (!id.success) return notFound();
    const form = await readPostedForm(c);
    const note = form.text('note');
    // No outcome posted (a form from before outcomes existed) closes as resolved.
    const outcome = form.text('outcome') || 'resolved';
    const problem = textProblem(note, { layout: 'multiline', max: MAX_NOTE_LENGTH, required: false });
    const chosen = staffOutcomeSchema.safeParse(outcome);
    const decision = closeComplaintSchema.safeParse({
      outcome: chosen.data ?? 'resolved',
      ...(note.trim() ? { note } : {}),
    });
    if (problem || !chosen.success || !decision.success) {
      const errors = new Map<string, string>();
      if (!chosen.success) errors.set(`outcome-${id.data}`, words.c('lifecycle_outcomeMissing'));
      if (problem || !decision.success) {
        errors.set(
          `note-${id.data}`,
          problem?.kind === 'too-long'
            ? words.c('complaints_noteTooLong', [problem.max])
            : words.c('complaints_noteHidden', [problem?.kind === 'hidden' ? problem.position : 1]),
        );
      }
      return sendList(c, typedOf(c), { id: id.data, note, outcome, errors }, 400);
    }
    let closedAs: StaffOutcome;
    try {
      closedAs = (await book.close(id.data, decision.data, consoleActor(c.get('staff')))).status;
    } catch (error) {
      if (error instanceof ServiceError && error.kind === 'conflict') {
        return sendConsoleMessage(
          c,
          { title: words.c('complaints_resolvedTitle'), body: words.c('complaints_resolvedBody'), link: back },
          409,
        );
      }
      if (error instanceof ServiceError && error.kind === 'not-found') return notFound();
      throw error;
    }
    const scope = await readScope(db, typedOf(c));
    return redirectAfterPost(c, '/admin/complaints', {
      ...('problem' in scope ? {} : scopeParams(scope)),
      done: closedAs,
    });
  });
}
