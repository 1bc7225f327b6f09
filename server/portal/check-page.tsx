/** @jsxImportSource hono/jsx */
import { z } from 'zod';
import { MAX_REPORT_URL_LENGTH } from '../../src/directory/report-contract.ts';
import { verdictForInput } from '../../src/directory/verdict.ts';
import { ContestOutcomes, type PublishedContest, PublishedContests } from '../contests/contest-outcomes.tsx';
import { ErrorSummary, QuestionForm, shownText } from './form-parts.tsx';
import {
  AnswerRecordLine,
  ComplaintList,
  Freshness,
  LabelList,
  MerchantFacts,
  VerdictPanel,
} from './merchant-views.tsx';
import type { PortalApp, PortalDeps } from './portal-app.tsx';
import { portalHref, sendPage } from './portal-layout.tsx';
import type { PortalWords } from './portal-words.ts';
import type { PortalDirectory } from './published-directory.ts';

// `/` and `/check?q=`: paste a link or a domain, read the verdict the extension would
// show, with every reason, from the published directory.

const checkQuerySchema = z.object({
  q: z.string().trim().min(1, 'empty').max(MAX_REPORT_URL_LENGTH, 'too-long'),
});

type CheckError = 'empty' | 'too-long';

function CheckForm(props: { words: PortalWords; value: string; error: CheckError | null }) {
  const { words, value, error } = props;
  const message =
    error === 'empty'
      ? words.p('check_emptyError')
      : error === 'too-long'
        ? words.p('check_tooLongError', [MAX_REPORT_URL_LENGTH])
        : null;
  return (
    <>
      <ErrorSummary words={words} errors={message ? [{ href: '#check-q', message, field: 'q' }] : []} />
      <QuestionForm
        words={words}
        action="/check"
        id="check-q"
        label={words.p('check_label')}
        hint={words.p('check_hint')}
        button={words.p('check_button')}
        value={value}
        message={message}
        input={{ type: 'text', maxlength: MAX_REPORT_URL_LENGTH * 2, dir: 'ltr', inputmode: 'url' }}
      />
      <p class="hint">{words.p('check_privacy')}</p>
    </>
  );
}

function MoreLinks(props: { words: PortalWords }) {
  const { words } = props;
  const { lang } = words;
  return (
    <section aria-labelledby="more-heading">
      <h2 id="more-heading">{words.p('check_moreHeading')}</h2>
      <ul>
        <li>
          <a href={portalHref(lang, '/merchants')}>{words.p('check_moreMerchants')}</a>
        </li>
        <li>
          <a href={portalHref(lang, '/report')}>{words.p('check_moreReport')}</a>
        </li>
        <li>
          <a href={portalHref(lang, '/rights')}>{words.p('check_moreRights')}</a>
        </li>
        <li>
          <a href={portalHref(lang, '/extension')}>{words.p('check_moreExtension')}</a>
        </li>
      </ul>
    </section>
  );
}

/** Does the text look like a name rather than an address (spaces, no dot)? */
function looksLikeAName(text: string): boolean {
  return /\s/.test(text) || !text.includes('.');
}

function CheckResult(props: {
  words: PortalWords;
  directory: PortalDirectory;
  query: string;
  now: Date;
  contests: readonly PublishedContest[];
}) {
  const { words, directory, query, now } = props;
  const { lang } = words;
  const { identity, verdict } = verdictForInput(query, directory.index, now);
  const entry = identity ? directory.index.entryFor(identity.domain) : null;
  const merchant = entry?.merchant ?? null;
  const title = merchant?.tradeNames[0] ?? identity?.display ?? words.t('popup_notShopTitle');
  const ascii = identity && identity.display !== identity.domain ? identity.domain : null;
  return (
    <>
      <VerdictPanel words={words} verdict={verdict} title={title} ascii={ascii} />
      {identity === null && looksLikeAName(query) ? (
        <p>
          <a href={portalHref(lang, '/merchants', { q: query })} data-search-link="">
            {words.p('check_searchInstead', [shownText(query).slice(0, 200)])}
          </a>
        </p>
      ) : null}
      {verdict.level === 'unknown' ? <p class="notice">{words.p('check_unknownAdvice')}</p> : null}
      {entry?.flag ? (
        <section aria-labelledby="flag-heading">
          <h2 id="flag-heading">{words.t('popup_flagHeading')}</h2>
          <p>
            <bdi>{entry.flag.summary}</bdi>
          </p>
        </section>
      ) : null}
      {merchant ? (
        <>
          <section aria-labelledby="merchant-heading">
            <h2 id="merchant-heading">{words.t('popup_merchantHeading')}</h2>
            <MerchantFacts words={words} merchant={merchant} />
            <p>
              <a href={portalHref(lang, `/merchants/${merchant.id}`)} data-certificate={merchant.id}>
                {words.p('check_certificateLink')}
              </a>
            </p>
          </section>
          <section aria-labelledby="labels-heading">
            <h2 id="labels-heading">{words.t('popup_labelsHeading')}</h2>
            <LabelList words={words} labels={merchant.labels} now={now} />
          </section>
        </>
      ) : null}
      {identity ? (
        <section aria-labelledby="complaints-heading">
          <h2 id="complaints-heading">{words.t('popup_complaintsHeading')}</h2>
          <ComplaintList
            words={words}
            complaints={merchant ? merchant.complaints : (entry?.domainComplaints ?? null)}
          />
          {merchant ? <AnswerRecordLine words={words} answers={merchant.answers} /> : null}
        </section>
      ) : null}
      <ContestOutcomes words={words} contests={props.contests} />
      {identity ? (
        <p>
          <a class="button button--secondary" href={portalHref(lang, '/report', { url: query })} data-report-link="">
            {words.p('check_reportLink')}
          </a>
        </p>
      ) : null}
    </>
  );
}

export function registerCheckPages(app: PortalApp, deps: PortalDeps): void {
  const { context } = deps;
  const publishedContests = new PublishedContests(context.db);
  app.get('/', async (c) => {
    const words = c.get('words');
    const directory = await context.published.current();
    const now = context.clock();
    return sendPage(
      c,
      { words, title: words.p('check_title'), section: 'check' },
      <>
        <h1>{words.p('check_title')}</h1>
        <p class="lead">{words.p('check_lead')}</p>
        <CheckForm words={words} value="" error={null} />
        <Freshness words={words} directory={directory} now={now} />
        <MoreLinks words={words} />
      </>,
    );
  });

  app.get('/check', async (c) => {
    const words = c.get('words');
    const raw = c.req.query('q') ?? '';
    const parsed = checkQuerySchema.safeParse({ q: raw });
    const directory = await context.published.current();
    const now = context.clock();
    if (!parsed.success) {
      const error = parsed.error.issues[0]?.message === 'too-long' ? 'too-long' : 'empty';
      return sendPage(
        c,
        { words, title: `${words.p('form_errorPrefix')} ${words.p('check_title')}`, section: 'check' },
        <>
          <h1>{words.p('check_title')}</h1>
          <CheckForm words={words} value={raw.slice(0, MAX_REPORT_URL_LENGTH)} error={error} />
        </>,
        400,
      );
    }
    const query = parsed.data.q;
    const shown = shownText(query);
    const checked = directory ? verdictForInput(query, directory.index, now).identity : null;
    const contests = directory && checked ? (await publishedContests.of(directory))([checked.domain]) : [];
    return sendPage(
      c,
      { words, title: words.p('check_resultTitle', [shown.slice(0, 80)]), section: 'check' },
      <>
        <h1>{words.p('check_resultHeading')}</h1>
        {directory ? (
          <CheckResult words={words} directory={directory} query={query} now={now} contests={contests} />
        ) : null}
        <Freshness words={words} directory={directory} now={now} />
        <CheckForm words={words} value={shown} error={null} />
      </>,
      directory ? 200 : 503,
    );
  });
}
