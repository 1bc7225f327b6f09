/** @jsxImportSource hono/jsx */
import { isValidIce } from '../../src/directory/ice.ts';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import type { Blocker } from './application-decision.ts';
import { MAX_REFUSAL_LENGTH } from './application-decision.ts';
import { type Application, isOpen } from './application-review.ts';
import {
  ApplicantFacts,
  BlockerList,
  DomainName,
  merchantHref,
  momentWords,
  PhoneCheckRecord,
  proofWords,
  RegisterCheckRecord,
  STATUS_WORDS,
} from './application-review-views.tsx';
import {
  CheckTextField,
  checkSummaryErrors,
  PhoneCheckFields,
  RegisterCheckFields,
} from './verification-check-fields.tsx';
import { type CheckError, type CheckValues, registerOfRc } from './verification-checks.ts';

// One application as its verifier works on it: what the applicant sent, the checklist
// (register, phone call, domains, ICE) with a form per hand-made step, and the decision.

export interface PageState {
  /** The form sent back with errors, and what was typed in it. */
  form?: 'register' | 'phone' | 'refuse';
  values?: CheckValues;
  errors?: CheckError[];
  /** An action refused (409): what stands in its way. */
  blockers?: Blocker[];
}

const DONE_WORDS: Record<string, ConsoleKey> = {
  started: 'review_doneStarted',
  register: 'review_doneRegister',
  phone: 'review_donePhone',
  domain: 'review_doneDomain',
  approved: 'review_doneApproved',
  refused: 'review_doneRefused',
};

type Field = { name: string; value: string };

function ActionForm(props: { action: string; formField: Field; children?: unknown; class?: string }) {
  return (
    <form method="post" action={props.action} novalidate class={props.class}>
      <input type="hidden" name={props.formField.name} value={props.formField.value} />
      {props.children}
    </form>
  );
}

export function ApplicationPage(props: {
  words: ConsoleWords;
  application: Application;
  blockers: readonly Blocker[];
  /** The merchant the application's ICE already names: its checks must be this merchant's own. */
  existing: { id: string; legalName: string; rc: string | null; phone: string; email: string | null } | null;
  state: PageState;
  done: string | null;
  mailFailed: boolean;
  noticeFailed: boolean;
  formField: Field;
  listPath: string;
}) {
  const { words, application: a, state, formField, existing } = props;
  const { c, lang } = words;
  const action = (step: string) => portalHref(lang, `${props.listPath}/${a.receipt}/${step}`);
  const errors = state.errors ?? [];
  const open = isOpen(a.status);
  const valuesFor = (form: PageState['form'], fallback: CheckValues) =>
    state.form === form ? (state.values ?? {}) : fallback;
  const doneKey = props.done ? DONE_WORDS[props.done] : undefined;
  const waiting = props.blockers.filter((blocker) => blocker.kind !== 'decided');
  return (
    <>
      {state.blockers && state.blockers.length > 0 ? (
        <div class="error-summary" role="alert" aria-labelledby="blocked-title" tabindex={-1}>
          <h2 id="blocked-title">{c('review_blockedTitle')}</h2>
          <BlockerList words={words} blockers={state.blockers} />
        </div>
      ) : null}
      <ErrorSummary words={words} errors={checkSummaryErrors(errors)} />
      <p>
        <a href={portalHref(lang, props.listPath, { status: a.status })}>{c('review_backToList')}</a>
      </p>
      <h1>
        {c('review_applicationHeading')} <bdi>{a.tradeName}</bdi>
      </h1>
      <p data-status={a.status}>
        {c('review_receiptIs')} <bdi dir="ltr">{a.receipt}</bdi> — {c(STATUS_WORDS[a.status])}
      </p>
      {doneKey ? (
        <p class="notice" role="status" data-done={props.done}>
          {c(doneKey)}
        </p>
      ) : null}
      {props.mailFailed ? <p class="notice notice--warning">{c('review_mailFailed', [a.email])}</p> : null}
      {props.noticeFailed && existing?.email ? (
        <p class="notice notice--warning">{c('review_noticeFailed', [existing.email])}</p>
      ) : null}
      {a.status === 'received' ? (
        <ActionForm action={action('start')} formField={formField} class="start-review">
          <p>{c('review_startExplain')}</p>
          <button type="submit" class="button">
            {c('review_startSubmit')}
          </button>
        </ActionForm>
      ) : null}

      <section aria-labelledby="sent-heading">
        <h2 id="sent-heading">{c('review_sentHeading')}</h2>
        <ApplicantFacts words={words} application={a} />
      </section>

      <section aria-labelledby="checklist-heading" class="checklist">
        <h2 id="checklist-heading">{c('review_checklistHeading')}</h2>

        <h3 id="register-heading">{c('review_registerHeading')}</h3>
        <RegisterCheckRecord words={words} check={a.registerCheck} />
        {open && existing?.rc ? (
          <p class="notice" data-merchant-register>
            {c('review_registerOfMerchant', [existing.id])} <bdi dir="ltr">{existing.rc}</bdi>
          </p>
        ) : null}
        {open ? (
          <ActionForm action={action('register')} formField={formField}>
            <RegisterCheckFields
              words={words}
              values={valuesFor(
                'register',
                a.registerCheck
                  ? { court: a.registerCheck.court, number: a.registerCheck.number }
                  : existing?.rc
                    ? registerOfRc(existing.rc)
                    : { court: a.rcCourt, number: a.rcNumber },
              )}
              errors={state.form === 'register' ? errors : []}
            />
            <button type="submit" class="button">
              {c('review_registerSubmit')}
            </button>
          </ActionForm>
        ) : null}

        <h3 id="phone-heading">{c('review_phoneHeading')}</h3>
        <PhoneCheckRecord words={words} check={a.phoneCheck} />
        {open && existing ? (
          <p class="notice" data-merchant-phone>
            {c('review_phoneOfMerchant', [existing.id])} <bdi dir="ltr">{existing.phone}</bdi>
          </p>
        ) : null}
        {open ? (
          <ActionForm action={action('phone')} formField={formField}>
            <PhoneCheckFields
              words={words}
              values={valuesFor('phone', { phone: existing ? existing.phone : a.phone })}
              errors={state.form === 'phone' ? errors : []}
            />
            <button type="submit" class="button">
              {c('review_phoneSubmit')}
            </button>
          </ActionForm>
        ) : null}

        <h3 id="domains-heading">{c('review_domainsHeading')}</h3>
        <p>
          {c('review_domainsExplain')} <code dir="ltr">{a.proofToken}</code>
        </p>
        <ScrollingTable
          caption={c('review_domainsHeading')}
          hiddenCaption
          data={{ 'data-domain-checks': true }}
          columns={[c('review_domainColumn'), c('review_lastCheckColumn'), open ? c('review_actionColumn') : null]}
        >
          {a.domains.map((domain) => (
            <tr data-domain={domain} data-proven={String(a.domainChecks[domain]?.proven === true)}>
              <th scope="row">
                <DomainName domain={domain} />
              </th>
              <td>{proofWords(words, a.domainChecks[domain])}</td>
              {open ? (
                <td>
                  <ActionForm action={action('domain')} formField={formField}>
                    <input type="hidden" name="domain" value={domain} />
                    <button type="submit" class="button button--secondary">
                      {c('review_checkAgain')}
                      <span class="visually-hidden">
                        {' '}
                        <bdi dir="ltr">{domain}</bdi>
                      </span>
                    </button>
                  </ActionForm>
                </td>
              ) : null}
            </tr>
          ))}
        </ScrollingTable>

        <h3 id="ice-heading">{c('review_iceHeading')}</h3>
        <p data-ice-valid={String(isValidIce(a.ice))}>
          <bdi dir="ltr">{a.ice}</bdi> — {c(isValidIce(a.ice) ? 'review_iceValid' : 'review_iceInvalid')}
        </p>
        {existing ? (
          <p class="notice notice--warning" data-existing-merchant={existing.id}>
            {c('review_iceKnown')}{' '}
            <a href={merchantHref(words, existing.id)}>
              <bdi>{existing.legalName}</bdi>
            </a>{' '}
            {c('review_iceKnownRule')}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="decision-heading">
        <h2 id="decision-heading">{c('review_decisionHeading')}</h2>
        {open ? (
          <>
            <h3 id="approve-heading">{c('review_approveHeading')}</h3>
            <p>{c('review_approveExplain')}</p>
            {waiting.length > 0 ? (
              <>
                <p id="approve-waiting">{c('review_approveWaiting')}</p>
                <BlockerList words={words} blockers={waiting} id="approve-blockers" />
              </>
            ) : null}
            <ActionForm action={action('approve')} formField={formField}>
              <button
                type="submit"
                class="button"
                disabled={waiting.length > 0}
                aria-describedby={waiting.length > 0 ? 'approve-waiting approve-blockers' : undefined}
              >
                {c('review_approveSubmit')}
              </button>
            </ActionForm>
            <h3 id="refuse-heading">{c('review_refuseHeading')}</h3>
            <ActionForm action={action('refuse')} formField={formField}>
              <CheckTextField
                words={words}
                field="reason"
                label={c('review_reasonLabel')}
                hint={c('review_reasonHint', [MAX_REFUSAL_LENGTH])}
                value={valuesFor('refuse', {}).reason ?? ''}
                errors={state.form === 'refuse' ? errors : []}
                maxlength={MAX_REFUSAL_LENGTH}
              />
              <button type="submit" class="button button--secondary">
                {c('review_refuseSubmit')}
              </button>
            </ActionForm>
          </>
        ) : (
          <Decision words={words} application={a} />
        )}
      </section>
    </>
  );
}

function Decision(props: { words: ConsoleWords; application: Application }) {
  const { words, application: a } = props;
  const { c } = words;
  const when = a.decidedAt ? momentWords(a.decidedAt, words.lang) : '';
  if (a.status === 'approved') {
    return (
      <div data-decision="approved">
        <p>{c('review_approvedBy', [a.decidedBy ?? '', when])}</p>
        {a.merchantId ? (
          <p>
            {c('review_approvedMerchant')}{' '}
            <a href={merchantHref(words, a.merchantId)}>
              <bdi dir="ltr">{a.merchantId}</bdi>
            </a>
          </p>
        ) : null}
        <p class="notice">{c('review_nextPublication')}</p>
      </div>
    );
  }
  return (
    <div data-decision="refused">
      <p>{c('review_refusedBy', [a.decidedBy ?? '', when])}</p>
      <p>
        {c('review_refusedReason')} <bdi data-refused-reason>{a.refusedReason ?? ''}</bdi>
      </p>
    </div>
  );
}
