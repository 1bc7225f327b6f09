/** @jsxImportSource hono/jsx */
import { shopIdentity } from '../../src/directory/shop-identity.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { shownText } from '../portal/form-parts.tsx';
import type { PortalKey, PortalWords } from '../portal/portal-words.ts';
import { momentWords } from '../portal/report-pages.tsx';
import type { ApplicationStatus, ApplicationView } from './application-book.ts';
import {
  type DomainCheck,
  type DomainProofProblem,
  PROOF_FILE_PATH,
  proofFileLine,
  proofMetaTag,
} from './domain-proof.ts';

// What /apply/<receipt> shows: the status, the shop's trade name, and for each domain
// what to serve where and the last check's result. Nothing else personal: whoever holds
// the link sees this page.

const STATUS_WORDS: Record<ApplicationStatus, { status: PortalKey; explain: PortalKey }> = {
  received: { status: 'apply_statusReceived', explain: 'apply_explainReceived' },
  'in-review': { status: 'apply_statusInReview', explain: 'apply_explainInReview' },
  approved: { status: 'apply_statusApproved', explain: 'apply_explainApproved' },
  refused: { status: 'apply_statusRefused', explain: 'apply_explainRefused' },
};

export const PROBLEM_WORDS: Record<DomainProofProblem, PortalKey> = {
  'not-found': 'apply_problemNotFound',
  'wrong-token': 'apply_problemWrongToken',
  unreachable: 'apply_problemUnreachable',
  timeout: 'apply_problemTimeout',
  'forbidden-address': 'apply_problemForbiddenAddress',
  'redirected-elsewhere': 'apply_problemRedirectedElsewhere',
  'too-large': 'apply_problemTooLarge',
};

/** A domain's last check in the reader's words; exported for the verifier's console too. */
export function domainCheckWords(check: DomainCheck | undefined, words: PortalWords): string {
  if (!check) return words.p('apply_checkNever');
  const when = momentWords(check.checkedAt, words.lang);
  if (check.proven) {
    return words.p(check.method === 'meta-tag' ? 'apply_checkProvenMeta' : 'apply_checkProvenFile', [when]);
  }
  return words.p('apply_checkFailed', [when, words.p(PROBLEM_WORDS[check.problem ?? 'not-found'])]);
}

/** A line to copy onto the shop (the proof file's token, the meta tag), with its label. */
export function Snippet(props: { words: PortalWords; label: string; code: string }) {
  return (
    <div
      class="snippet apply-snippet"
      data-copy-label={props.words.p('certificate_copy')}
      data-copied-label={props.words.p('certificate_copied')}
    >
      <p>{props.label}</p>
      <code>{props.code}</code>
    </div>
  );
}

function DomainProofSteps(props: {
  words: PortalWords;
  domain: string;
  token: string;
  check: DomainCheck | undefined;
}) {
  const { words, domain, token, check } = props;
  const display = shopIdentity(domain, SERVICE_PLATFORMS)?.display ?? domain;
  const state = check ? (check.proven ? 'proven' : 'failed') : 'never';
  return (
    <section class="apply-domain" data-domain={domain} aria-labelledby={`apply-domain-${domain}`}>
      <h3 id={`apply-domain-${domain}`}>
        <bdi dir="ltr">{display}</bdi>
        {display !== domain ? (
          <>
            {' '}
            (<bdi dir="ltr">{domain}</bdi>)
          </>
        ) : null}
      </h3>
      <p class={`apply-check apply-check--${state}`} data-check={state}>
        {domainCheckWords(check, words)}
      </p>
      <Snippet words={words} label={words.p('apply_proofFile')} code={`https://${domain}${PROOF_FILE_PATH}`} />
      <Snippet words={words} label={words.p('apply_proofFileContent')} code={proofFileLine(token)} />
      <Snippet words={words} label={words.p('apply_proofMeta')} code={proofMetaTag(token)} />
    </section>
  );
}

export function ApplicationStatusView(props: {
  words: PortalWords;
  application: ApplicationView;
  checkAction: string;
  token: { name: string; value: string } | null;
}) {
  const { words, application, checkAction, token } = props;
  const { p } = words;
  const open = application.status === 'received' || application.status === 'in-review';
  return (
    <>
      <div class="report-receipt">
        <p class="report-receipt__label">{p('apply_receiptLabel')}</p>
        <p class="receipt" data-receipt={application.receipt}>
          {application.receipt}
        </p>
        <p>{p('apply_receiptAdvice')}</p>
      </div>
      <dl class="facts" data-status={application.status}>
        <div class="facts__row" data-fact="status">
          <dt>{p('apply_statusLabel')}</dt>
          <dd>{p(STATUS_WORDS[application.status].status)}</dd>
        </div>
        <div class="facts__row" data-fact="shop">
          <dt>{p('apply_shopLabel')}</dt>
          <dd>
            <bdi>{shownText(application.tradeName)}</bdi>
          </dd>
        </div>
        <div class="facts__row" data-fact="sent">
          <dt>{p('apply_sentLabel')}</dt>
          <dd>{momentWords(application.createdAt, words.lang)}</dd>
        </div>
      </dl>
      <p class="notice">{p(STATUS_WORDS[application.status].explain)}</p>
      {application.status === 'refused' && application.refusedReason ? (
        <p class="apply-refused-reason">
          {p('apply_refusedReasonLabel')} <bdi>{shownText(application.refusedReason, 'multiline')}</bdi>
        </p>
      ) : null}
      <section aria-labelledby="apply-proof-heading">
        <h2 id="apply-proof-heading">{p('apply_proofHeading')}</h2>
        {open ? <p>{p('apply_proofIntro')}</p> : <p>{p('apply_checkClosed')}</p>}
        {application.domains.map((domain) => (
          <DomainProofSteps
            words={words}
            domain={domain}
            token={application.proofToken}
            check={application.domainChecks[domain]}
          />
        ))}
        {open && token ? (
          <form method="post" action={checkAction}>
            <input type="hidden" name={token.name} value={token.value} />
            <button type="submit" class="button" id="apply-check">
              {p('apply_checkButton')}
            </button>
          </form>
        ) : null}
      </section>
    </>
  );
}
