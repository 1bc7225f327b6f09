/** @jsxImportSource hono/jsx */
import { z } from 'zod';
import type { Merchant } from '../../src/directory/schemas.ts';
import { LABEL_KIND } from '../../src/ui/verdict-words.ts';
import { ErrorSummary, QuestionForm, shownText } from './form-parts.tsx';
import { listedName, searchIndexOf } from './merchant-search.ts';
import { CautionTag, mainShopVerdict, publishedShop, StatusTag } from './merchant-status.tsx';
import { Freshness } from './merchant-views.tsx';
import type { PortalApp, PortalDeps } from './portal-app.tsx';
import { portalHref, sendPage } from './portal-layout.tsx';
import type { PortalWords } from './portal-words.ts';
import type { PortalDirectory } from './published-directory.ts';
import type { PublishedStatusDates, StatusDateOf } from './status-dates.ts';

// `/merchants?q=&page=`: search the merchants of the latest publication, or list them all
// alphabetically. Suspended and revoked merchants are listed too, marked in danger
// colours: a shopper who saw the name on a shop must be able to learn it is revoked.

export const MAX_SEARCH_LENGTH = 200;
export const RESULTS_PER_PAGE = 20;
const MAX_PAGE_DIGITS = 6;

const searchQuerySchema = z.object({
  q: z.string().trim().max(MAX_SEARCH_LENGTH, 'too-long'),
  page: z
    .string()
    .regex(new RegExp(`^[1-9]\\d{0,${MAX_PAGE_DIGITS - 1}}$`), 'bad-page')
    .transform(Number)
    .optional(),
});

function SearchForm(props: { words: PortalWords; value: string; tooLong: boolean }) {
  const { words, value, tooLong } = props;
  return (
    <search>
      <QuestionForm
        words={words}
        action="/merchants"
        id="merchants-q"
        label={words.p('merchants_searchLabel')}
        hint={words.p('merchants_searchHint')}
        button={words.p('merchants_searchButton')}
        value={value}
        message={tooLong ? words.p('merchants_tooLongError', [MAX_SEARCH_LENGTH]) : null}
        input={{ type: 'search', maxlength: MAX_SEARCH_LENGTH, dir: 'auto' }}
      />
    </search>
  );
}

function Field(props: { words: PortalWords; term: string; children: unknown }) {
  return (
    <p class="result__line">
      <span class="result__term">{props.words.p('merchants_term', [props.term])}</span> {props.children}
    </p>
  );
}

function ResultItem(props: {
  words: PortalWords;
  merchant: Merchant;
  directory: PortalDirectory;
  since: string | null;
  now: Date;
}) {
  const { words, merchant, directory, since, now } = props;
  const name = listedName(merchant);
  const caution = merchant.status === 'verified' && mainShopVerdict(merchant, directory, now).level === 'caution';
  const labels = [...new Set(merchant.labels.map((label) => words.t(LABEL_KIND[label.kind])))];
  return (
    <li data-merchant={merchant.id}>
      <h3>
        <a href={portalHref(words.lang, `/merchants/${merchant.id}`)}>
          <bdi>{name}</bdi>
        </a>
        <StatusTag words={words} status={merchant.status} since={since} />
        {caution ? <CautionTag words={words} /> : null}
      </h3>
      {merchant.legalName !== name ? (
        <Field words={words} term={words.t('popup_legalName')}>
          <bdi>{merchant.legalName}</bdi>
        </Field>
      ) : null}
      <Field words={words} term={words.t('popup_city')}>
        <bdi>{merchant.city}</bdi>
      </Field>
      <Field words={words} term={words.p('merchants_domains')}>
        {merchant.domains.map((domain, index) => (
          <>
            {index > 0 ? words.t('list_separator') : null}
            <bdi dir="ltr" data-domain={domain}>
              {publishedShop(domain).display}
            </bdi>
          </>
        ))}
      </Field>
      {labels.length > 0 ? (
        <Field words={words} term={words.t('popup_labelsHeading')}>
          {labels.join(words.t('list_separator'))}
        </Field>
      ) : null}
    </li>
  );
}

function Pagination(props: { words: PortalWords; query: string; page: number; pages: number }) {
  const { words, query, page, pages } = props;
  const href = (target: number) => portalHref(words.lang, '/merchants', { q: query, page: target });
  return (
    <nav class="pagination" aria-label={words.p('merchants_paginationLabel')}>
      {page > 1 ? (
        <a href={href(page - 1)} rel="prev">
          {words.p('merchants_previous')}
        </a>
      ) : (
        <span />
      )}
      <p>{words.p('merchants_pageOf', [page, pages])}</p>
      {page < pages ? (
        <a href={href(page + 1)} rel="next">
          {words.p('merchants_next')}
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

function Results(props: {
  words: PortalWords;
  directory: PortalDirectory;
  query: string;
  page: number | undefined;
  statusDate: StatusDateOf;
  now: Date;
}) {
  const { words, directory, query, statusDate, now } = props;
  const found = searchIndexOf(directory).search(query, words.lang);
  const pages = Math.max(1, Math.ceil(found.length / RESULTS_PER_PAGE));
  // A page past the end (a list that shrank since the link was made) shows the last one.
  const page = Math.min(props.page ?? 1, pages);
  const shownQuery = shownText(query);
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">
        {query === '' ? words.p('merchants_allHeading') : words.p('merchants_resultsFor', [shownQuery])}
      </h2>
      <p data-count={found.length}>{words.p('merchants_count', [found.length])}</p>
      {found.length === 0 ? (
        <div class="notice">
          <p>{words.p('merchants_noneAdvice')}</p>
          <p>
            <a href={portalHref(words.lang, '/check', { q: query })}>{words.p('merchants_checkInstead')}</a>
          </p>
        </div>
      ) : (
        <>
          <ul class="results">
            {found.slice((page - 1) * RESULTS_PER_PAGE, page * RESULTS_PER_PAGE).map((merchant) => (
              <ResultItem
                words={words}
                merchant={merchant}
                directory={directory}
                since={statusDate(merchant)}
                now={now}
              />
            ))}
          </ul>
          {pages > 1 ? <Pagination words={words} query={query} page={page} pages={pages} /> : null}
        </>
      )}
    </section>
  );
}

export function registerMerchantSearch(app: PortalApp, deps: PortalDeps, statusDates: PublishedStatusDates): void {
  const { context } = deps;
  app.get('/merchants', async (c) => {
    const words = c.get('words');
    const raw = { q: c.req.query('q') ?? '', page: c.req.query('page') || undefined };
    const parsed = searchQuerySchema.safeParse(raw);
    const directory = await context.published.current();
    const now = context.clock();
    const title = words.p('merchants_title');
    const intro = (
      <>
        <h1>{title}</h1>
        <p class="lead">{words.p('merchants_lead')}</p>
      </>
    );
    if (!parsed.success) {
      const tooLong = parsed.error.issues.some((issue) => issue.path[0] === 'q');
      const query = tooLong ? raw.q.slice(0, MAX_SEARCH_LENGTH) : raw.q.trim();
      const message = tooLong
        ? words.p('merchants_tooLongError', [MAX_SEARCH_LENGTH])
        : words.p('merchants_pageError', [shownText(String(raw.page).slice(0, 20))]);
      return sendPage(
        c,
        { words, title: `${words.p('form_errorPrefix')} ${title}`, section: 'merchants' },
        <>
          {intro}
          <ErrorSummary
            words={words}
            errors={[{ message, href: tooLong ? '#merchants-q' : portalHref(words.lang, '/merchants', { q: query }) }]}
          />
          <SearchForm words={words} value={query} tooLong={tooLong} />
        </>,
        400,
      );
    }
    const { q: query, page } = parsed.data;
    return sendPage(
      c,
      {
        words,
        title: query === '' ? title : `${words.p('merchants_resultsFor', [shownText(query).slice(0, 80)])} — ${title}`,
        section: 'merchants',
      },
      <>
        {intro}
        <SearchForm words={words} value={query} tooLong={false} />
        {directory ? (
          <Results
            words={words}
            directory={directory}
            query={query}
            page={page}
            statusDate={await statusDates.of(directory)}
            now={now}
          />
        ) : null}
        <Freshness words={words} directory={directory} now={now} />
      </>,
      directory ? 200 : 503,
    );
  });
}
