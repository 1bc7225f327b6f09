/** @jsxImportSource hono/jsx */
import { shopIdentity } from '../../src/directory/shop-identity.ts';
import { moroccanLocale } from '../../src/ui/verdict-words.ts';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { statusWords } from '../portal/merchant-status.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import type { Blocker } from './application-decision.ts';
import type { Application } from './application-review.ts';
import type { DomainCheck, DomainProofProblem } from './domain-proof.ts';
import {
  PHONE_OUTCOME_WORDS,
  type PhoneCheck,
  REGISTER_OUTCOME_WORDS,
  type RegisterCheck,
} from './verification-checks.ts';

// Pieces of the application page: what the applicant sent (inert, every value in <bdi>),
// the record of each check, and the sentences that say what blocks an approval.

export const STATUS_WORDS: Record<Application['status'], ConsoleKey> = {
  received: 'review_statusReceived',
  'in-review': 'review_statusInReview',
  approved: 'review_statusApproved',
  refused: 'review_statusRefused',
};

const moments = new Map<string, Intl.DateTimeFormat>();
/** An instant as a Moroccan verifier reads a clock, whatever the server's time zone. */
export function momentWords(instant: string, lang: string): string {
  let format = moments.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(moroccanLocale(lang), {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Africa/Casablanca',
    });
    moments.set(lang, format);
  }
  return format.format(new Date(instant));
}

/** A domain as shoppers read it, and its ASCII form when that differs. */
export function DomainName(props: { domain: string }) {
  const display = shopIdentity(props.domain, SERVICE_PLATFORMS)?.display ?? props.domain;
  return (
    <>
      <bdi dir="ltr">{display}</bdi>
      {display !== props.domain ? (
        <>
          {' '}
          (<bdi dir="ltr">{props.domain}</bdi>)
        </>
      ) : null}
    </>
  );
}

/** Facts in a definition list; each value is the sender's text, isolated and inert. */
export function Facts(props: { rows: ReadonlyArray<{ id: string; term: string; value: unknown; ltr?: boolean }> }) {
  return (
    <dl class="facts">
      {props.rows.map((row) => (
        <div class="facts__row" data-fact={row.id}>
          <dt>{row.term}</dt>
          <dd>
            {typeof row.value === 'string' ? <bdi dir={row.ltr ? 'ltr' : undefined}>{row.value}</bdi> : row.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Each language named in itself: the language the applicant's mails are written in. */
const LANGUAGE_NAMES: Record<Application['lang'], string> = { ar: 'العربية', fr: 'Français', en: 'English' };

export function ApplicantFacts(props: { words: ConsoleWords; application: Application }) {
  const { words, application: a } = props;
  const { c } = words;
  return (
    <Facts
      rows={[
        { id: 'legal-name', term: c('review_legalName'), value: a.legalName },
        { id: 'trade-name', term: c('review_tradeName'), value: a.tradeName },
        { id: 'ice', term: c('review_ice'), value: a.ice, ltr: true },
        { id: 'rc-number', term: c('review_rcNumberLabel'), value: a.rcNumber, ltr: true },
        { id: 'rc-court', term: c('review_courtLabel'), value: a.rcCourt },
        { id: 'address', term: c('review_address'), value: a.address },
        { id: 'city', term: c('review_city'), value: a.city },
        { id: 'phone', term: c('review_phone'), value: a.phone, ltr: true },
        { id: 'email', term: c('review_email'), value: a.email, ltr: true },
        {
          id: 'domains',
          term: c('review_domains'),
          value: (
            <ul>
              {a.domains.map((domain) => (
                <li>
                  <DomainName domain={domain} />
                </li>
              ))}
            </ul>
          ),
        },
        {
          id: 'social',
          term: c('review_social'),
          value:
            a.social.length === 0 ? (
              c('review_none')
            ) : (
              <ul>
                {a.social.map((entry) => (
                  <li>
                    {entry.network}: <bdi>{entry.handle}</bdi>
                  </li>
                ))}
              </ul>
            ),
        },
        {
          id: 'lang',
          term: c('review_applicantLanguage'),
          value: <span lang={a.lang}>{LANGUAGE_NAMES[a.lang]}</span>,
        },
        { id: 'received', term: c('review_receivedAt'), value: momentWords(a.createdAt, words.lang) },
      ]}
    />
  );
}

/** Who made a check and when, as a sentence. */
const madeBy = (words: ConsoleWords, check: { by: string; at: string }) =>
  words.c('review_checkedBy', [check.by, momentWords(check.at, words.lang)]);

export function RegisterCheckRecord(props: { words: ConsoleWords; check: RegisterCheck | null }) {
  const { words, check } = props;
  if (!check) return <p data-check="register">{words.c('review_notYet')}</p>;
  return (
    <div data-check="register" data-outcome={check.outcome}>
      <p>
        <strong>{words.c(REGISTER_OUTCOME_WORDS[check.outcome])}</strong> — {madeBy(words, check)}
      </p>
      <Facts
        rows={[
          { id: 'checked-court', term: words.c('review_courtLabel'), value: check.court },
          { id: 'checked-number', term: words.c('review_rcNumberLabel'), value: check.number, ltr: true },
          ...(check.note ? [{ id: 'checked-note', term: words.c('review_noteLabel'), value: check.note }] : []),
        ]}
      />
    </div>
  );
}

export function PhoneCheckRecord(props: { words: ConsoleWords; check: PhoneCheck | null }) {
  const { words, check } = props;
  if (!check) return <p data-check="phone">{words.c('review_notYet')}</p>;
  return (
    <div data-check="phone" data-outcome={check.outcome}>
      <p>
        <strong>{words.c(PHONE_OUTCOME_WORDS[check.outcome])}</strong> — {madeBy(words, check)}
      </p>
      <Facts
        rows={[
          { id: 'called-number', term: words.c('review_phoneNumberLabel'), value: check.number, ltr: true },
          ...(check.note ? [{ id: 'called-note', term: words.c('review_noteLabel'), value: check.note }] : []),
        ]}
      />
    </div>
  );
}

const PROOF_PROBLEM_WORDS: Record<DomainProofProblem, ConsoleKey> = {
  'not-found': 'review_proofNotFound',
  'wrong-token': 'review_proofWrongToken',
  unreachable: 'review_proofUnreachable',
  timeout: 'review_proofTimeout',
  'forbidden-address': 'review_proofForbiddenAddress',
  'redirected-elsewhere': 'review_proofRedirected',
  'too-large': 'review_proofTooLarge',
};

/** The last proof check of a domain, as a sentence. */
export function proofWords(words: ConsoleWords, check: DomainCheck | undefined): string {
  if (!check) return words.c('review_proofNotChecked');
  const when = momentWords(check.checkedAt, words.lang);
  if (check.proven) {
    return words.c(check.method === 'meta-tag' ? 'review_proofProvenMeta' : 'review_proofProvenFile', [when]);
  }
  const key = check.problem ? PROOF_PROBLEM_WORDS[check.problem] : undefined;
  return words.c('review_proofFailed', [words.c(key ?? 'review_proofUnreachable'), when]);
}

type Message = [ConsoleKey, string[]];

/**
 * A message whose substitutions are someone's text (a domain, a merchant's name): each
 * is isolated in <bdi>, so an Arabic name in a French sentence keeps both in order.
 */
export function Sentence(props: { words: ConsoleWords; message: Message }) {
  const [key, substitutions] = props.message;
  const marked = props.words.c(
    key,
    substitutions.map((_, index) => `\uE000${index}\uE001`),
  );
  const parts = marked.split(/\uE000(\d+)\uE001/);
  return <>{parts.map((part, index) => (index % 2 === 0 ? part : <bdi>{substitutions[Number(part)]}</bdi>))}</>;
}

/** One thing an approval waits for, as a verifier reads it. */
export function blockerMessage(words: ConsoleWords, blocker: Blocker): Message {
  const { c } = words;
  switch (blocker.kind) {
    case 'decided':
      return ['review_blockDecided', []];
    case 'register-missing':
      return ['review_blockRegisterMissing', []];
    case 'register-failed':
      return ['review_blockRegisterFailed', [c(REGISTER_OUTCOME_WORDS[blocker.outcome])]];
    case 'phone-missing':
      return ['review_blockPhoneMissing', []];
    case 'phone-failed':
      return ['review_blockPhoneFailed', [c(PHONE_OUTCOME_WORDS[blocker.outcome])]];
    case 'no-domains':
      return ['review_blockNoDomains', []];
    case 'domain-unproven':
      return [blocker.checked ? 'review_blockDomainUnproven' : 'review_blockDomainUnchecked', [blocker.domain]];
    case 'ice-invalid':
      return ['review_blockIceInvalid', []];
    case 'merchant-name-differs':
      return ['review_blockNameDiffers', [blocker.merchantId, blocker.legalName]];
    case 'merchant-not-verified':
      return ['review_blockMerchantNotVerified', [blocker.merchantId, statusWords(words, blocker.status, null)]];
    case 'merchant-register-differs':
      return ['review_blockRegisterNotMerchant', [blocker.merchantId, blocker.rc]];
    case 'merchant-phone-differs':
      return ['review_blockPhoneNotMerchant', [blocker.merchantId, blocker.phone]];
    case 'domain-held':
      return ['review_blockDomainHeld', [blocker.domain, blocker.merchantId]];
    case 'domain-flagged':
      return ['review_blockDomainFlagged', [blocker.domain]];
    case 'record-invalid':
      return ['review_blockRecordInvalid', [blocker.fields.join(', ')]];
  }
}

/** What an approval waits for, as a list (under the approve button, or atop a refused approval). */
export function BlockerList(props: { words: ConsoleWords; blockers: readonly Blocker[]; id?: string }) {
  return (
    <ul id={props.id} class="blockers">
      {props.blockers.map((blocker) => (
        <li data-blocker={blocker.kind}>
          <Sentence words={props.words} message={blockerMessage(props.words, blocker)} />
        </li>
      ))}
    </ul>
  );
}

/** A link to a merchant's page in the console. */
export const merchantHref = (words: ConsoleWords, id: string) => portalHref(words.lang, `/admin/merchants/${id}`);
