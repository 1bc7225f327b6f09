/** @jsxImportSource hono/jsx */
import { MAX_PUBLIC_REASON_LENGTH } from '../../src/directory/report-contract.ts';
import { type FieldErrors, GuardField, SelectField, TextAreaField, TextField } from '../console/console-fields.tsx';
import type { ConsoleWords } from '../console/console-words.ts';
import { FieldMessage, shownText } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { MAX_MERCHANT_SUMMARY_LENGTH } from './report-queue.ts';
import type { OpenComplaint, UndecidedReport } from './report-queue-reads.ts';
import {
  categoryOfReason,
  categoryOptions,
  momentWords,
  reasonWords,
  ShopperText,
  statusWords,
} from './report-queue-views.tsx';

// One shop's page of the queue: each new report with what the shopper sent, its three
// decisions (accept, reject, duplicate), and one form for several reports at once, whose
// checkboxes stand by each report (the `form` attribute: no script needed).

/** A refused form drawn again: its errors, and what was typed, by field id. */
export interface GroupFormState {
  errors: FieldErrors;
  values: ReadonlyMap<string, string>;
  selected: ReadonlySet<string>;
}

export const BULK_FORM_ID = 'bulk';

export const reportFieldId = (field: 'category' | 'why' | 'complaint' | 'select' | 'summary', receipt: string) =>
  `${field}-${receipt}`;

const actionHref = (words: ConsoleWords, domain: string, path: string) =>
  portalHref(words.lang, `/admin/queue/${encodeURIComponent(domain)}/${path}`);

interface CardProps {
  words: ConsoleWords;
  domain: string;
  report: UndecidedReport;
  complaints: readonly OpenComplaint[];
  state: GroupFormState;
  guard: { name: string; value: string };
}

function ReportFacts(props: { words: ConsoleWords; report: UndecidedReport }) {
  const { words, report } = props;
  const rows: Array<[string, string, unknown]> = [
    ['received', words.c('queue_received'), momentWords(words, report.created_at)],
    ['reason', words.c('queue_reason'), reasonWords(words, report.reason)],
    ['status', words.c('queue_status'), statusWords(words, report.status)],
    [
      'details',
      words.c('queue_details'),
      report.details ? <ShopperText text={report.details} class="report-details" /> : words.c('queue_noDetails'),
    ],
    ['url', words.c('queue_url'), <bdi dir="ltr">{shownText(report.url)}</bdi>],
    // Kept only when the shopper agreed to be contacted (the report contract's rule).
    ...(report.contact
      ? [['contact', words.c('queue_contact'), <bdi>{shownText(report.contact)}</bdi>] as [string, string, unknown]]
      : []),
    ['language', words.c('queue_language'), report.lang ?? '—'],
    ['receipt', words.c('queue_receipt'), <code>{report.receipt}</code>],
  ];
  return (
    <dl class="facts">
      {rows.map(([id, term, value]) => (
        <div class="facts__row" data-fact={id}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ReportCard(props: CardProps) {
  const { words, domain, report, complaints, state, guard } = props;
  const id = (field: Parameters<typeof reportFieldId>[0]) => reportFieldId(field, report.receipt);
  const headingId = `report-${report.receipt}-heading`;
  return (
    <section class="queue-report" aria-labelledby={headingId} data-receipt={report.receipt}>
      <h2 id={headingId}>
        {words.c('queue_reportHeading', [momentWords(words, report.created_at), reasonWords(words, report.reason)])}
      </h2>
      <p class="choice">
        <input
          type="checkbox"
          id={id('select')}
          name="receipt"
          value={report.receipt}
          form={BULK_FORM_ID}
          checked={state.selected.has(report.receipt)}
        />
        <label for={id('select')}>{words.c('queue_select')}</label>
      </p>
      <ReportFacts words={words} report={report} />
      <div class="decisions">
        <form method="post" action={actionHref(words, domain, `${report.receipt}/accept`)} class="decision">
          <GuardField field={guard} />
          <SelectField
            words={words}
            id={id('category')}
            name="category"
            label={words.c('queue_category')}
            options={categoryOptions(words)}
            selected={state.values.get(id('category')) ?? categoryOfReason(report.reason)}
            placeholder={words.c('queue_choose')}
            error={state.errors.get(id('category'))}
          />
          <TextAreaField
            words={words}
            id={id('summary')}
            name="merchantSummary"
            label={words.c('lifecycle_summaryLabel')}
            hint={words.c('lifecycle_summaryHint')}
            value={state.values.get(id('summary')) ?? ''}
            maxlength={MAX_MERCHANT_SUMMARY_LENGTH}
            error={state.errors.get(id('summary'))}
          />
          <button type="submit" class="button">
            {words.c('queue_accept')}
          </button>
        </form>
        <form method="post" action={actionHref(words, domain, `${report.receipt}/reject`)} class="decision">
          <GuardField field={guard} />
          <TextField
            words={words}
            id={id('why')}
            name="why"
            label={words.c('queue_why')}
            hint={words.c('queue_whyHint')}
            value={state.values.get(id('why')) ?? ''}
            maxlength={MAX_PUBLIC_REASON_LENGTH}
            error={state.errors.get(id('why'))}
          />
          <button type="submit" class="button button--secondary">
            {words.c('queue_reject')}
          </button>
        </form>
        {complaints.length > 0 ? (
          <form method="post" action={actionHref(words, domain, `${report.receipt}/duplicate`)} class="decision">
            <GuardField field={guard} />
            <SelectField
              words={words}
              id={id('complaint')}
              name="complaintId"
              label={words.c('queue_duplicateOf')}
              options={complaints.map((complaint) => ({
                value: String(complaint.id),
                text: words.c('queue_complaintOption', [
                  complaint.id,
                  reasonWords(words, complaint.category),
                  momentWords(words, complaint.opened_at),
                ]),
              }))}
              selected={state.values.get(id('complaint')) ?? ''}
              placeholder={words.c('queue_choose')}
              error={state.errors.get(id('complaint'))}
            />
            <button type="submit" class="button button--secondary">
              {words.c('queue_duplicate')}
            </button>
          </form>
        ) : (
          <p class="hint">{words.c('queue_noOpenComplaint')}</p>
        )}
      </div>
    </section>
  );
}

export function BulkForm(props: {
  words: ConsoleWords;
  domain: string;
  state: GroupFormState;
  guard: { name: string; value: string };
}) {
  const { words, domain, state, guard } = props;
  return (
    <section class="bulk-actions" aria-labelledby="bulk-heading">
      <h2 id="bulk-heading">{words.c('queue_bulkHeading')}</h2>
      <p>{words.c('queue_bulkLead')}</p>
      <FieldMessage words={words} id="bulk-selection" message={state.errors.get('bulk-selection')} />
      <form method="post" action={actionHref(words, domain, 'bulk')} id={BULK_FORM_ID}>
        <GuardField field={guard} />
        <fieldset class="decision">
          <legend>{words.c('queue_bulkAcceptLegend')}</legend>
          <SelectField
            words={words}
            id="bulk-category"
            name="category"
            label={words.c('queue_category')}
            hint={words.c('queue_bulkAcceptHint')}
            options={categoryOptions(words)}
            selected={state.values.get('bulk-category') ?? ''}
            placeholder={words.c('queue_choose')}
            error={state.errors.get('bulk-category')}
          />
          <TextAreaField
            words={words}
            id="bulk-summary"
            name="merchantSummary"
            label={words.c('lifecycle_summaryLabel')}
            hint={words.c('lifecycle_summaryHint')}
            value={state.values.get('bulk-summary') ?? ''}
            maxlength={MAX_MERCHANT_SUMMARY_LENGTH}
            error={state.errors.get('bulk-summary')}
          />
          <button type="submit" class="button" name="bulk" value="accept">
            {words.c('queue_bulkAccept')}
          </button>
        </fieldset>
        <fieldset class="decision">
          <legend>{words.c('queue_bulkRejectLegend')}</legend>
          <TextField
            words={words}
            id="bulk-why"
            name="why"
            label={words.c('queue_why')}
            hint={words.c('queue_whyHint')}
            value={state.values.get('bulk-why') ?? ''}
            maxlength={MAX_PUBLIC_REASON_LENGTH}
            error={state.errors.get('bulk-why')}
          />
          <button type="submit" class="button button--secondary" name="bulk" value="reject">
            {words.c('queue_bulkReject')}
          </button>
        </fieldset>
      </form>
    </section>
  );
}
