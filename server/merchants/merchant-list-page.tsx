/** @jsxImportSource hono/jsx */
import { type MerchantStatus, merchantStatusSchema } from '../../src/directory/schemas.ts';
import { findRefusedCharacter } from '../../src/directory/text-policy.ts';
import { consoleMoment } from '../console/audit-pages.tsx';
import { type ConsoleApp, type ConsoleDeps, requirePermission, sendConsole } from '../console/console-app.tsx';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleWords } from '../console/console-words.ts';
import { describedBy, ErrorSummary, FieldMessage, shownText } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { merchantName, STATUS_WORDS, StatusTag } from './merchant-facts.tsx';
import { findMerchants, MERCHANTS_PER_PAGE, type MerchantSummary } from './merchant-lookup.ts';

// `/admin/merchants`: every merchant of the registry, found by name, shop domain or ICE
// and by status, a page at a time.

const MAX_QUERY = 200;
const MAX_PAGE = 100_000;

type ListField = 'q' | 'status' | 'page';
const FIELD_IDS: Record<ListField, string> = { q: 'merchants-q', status: 'merchants-status', page: 'merchants-q' };

interface ListQuery {
  q: string;
  status: string;
  page: number;
  errors: Array<{ field: ListField; message: string }>;
}

function readQuery(words: ConsoleWords, given: (name: string) => string | undefined): ListQuery {
  const q = (given('q') ?? '').trim();
  const status = given('status') ?? '';
  const pageText = given('page') ?? '1';
  const errors: ListQuery['errors'] = [];
  if (q.length > MAX_QUERY) errors.push({ field: 'q', message: words.c('merchant_errorTooLong', [MAX_QUERY]) });
  else {
    const refused = findRefusedCharacter(q, 'line');
    if (refused) errors.push({ field: 'q', message: words.c('merchant_errorHiddenCharacter', [refused.position]) });
  }
  if (status !== '' && !merchantStatusSchema.safeParse(status).success) {
    errors.push({ field: 'status', message: words.c('merchant_errorStatus') });
  }
  const page = /^[1-9]\d{0,5}$/.test(pageText) ? Number(pageText) : Number.NaN;
  if (!(page <= MAX_PAGE)) errors.push({ field: 'page', message: words.c('merchant_errorPage') });
  return { q: q.slice(0, MAX_QUERY), status, page: Number.isNaN(page) ? 1 : page, errors };
}

function SearchForm(props: { words: ConsoleWords; query: ListQuery }) {
  const { words, query } = props;
  const errorAt = (field: ListField) => query.errors.find((error) => error.field === field)?.message;
  return (
    <form method="get" action="/admin/merchants" class="filter-form">
      <input type="hidden" name="lang" value={words.lang} />
      <div class={errorAt('q') || errorAt('page') ? 'field field--error' : 'field'}>
        <label for={FIELD_IDS.q}>{words.c('merchant_searchLabel')}</label>
        <span class="hint" id="merchants-q-hint">
          {words.c('merchant_searchHint')}
        </span>
        <FieldMessage words={words} id="merchants-q-error" message={errorAt('q') ?? errorAt('page')} />
        <input
          type="search"
          id={FIELD_IDS.q}
          name="q"
          value={shownText(query.q)}
          dir="auto"
          maxlength={MAX_QUERY}
          autocomplete="off"
          aria-describedby={describedBy('merchants-q-hint', (errorAt('q') || errorAt('page')) && 'merchants-q-error')}
        />
      </div>
      <div class={errorAt('status') ? 'field field--error' : 'field'}>
        <label for={FIELD_IDS.status}>{words.c('merchant_fieldStatus')}</label>
        <FieldMessage words={words} id="merchants-status-error" message={errorAt('status')} />
        <select
          id={FIELD_IDS.status}
          name="status"
          aria-describedby={describedBy(errorAt('status') && 'merchants-status-error')}
        >
          <option value="">{words.c('merchant_anyStatus')}</option>
          {merchantStatusSchema.options.map((status) => (
            <option value={status} selected={status === query.status}>
              {words.c(STATUS_WORDS[status])}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="button">
        {words.c('merchant_searchButton')}
      </button>
    </form>
  );
}

function ResultTable(props: { words: ConsoleWords; merchants: readonly MerchantSummary[] }) {
  const { words } = props;
  return (
    <ScrollingTable
      caption={words.c('merchant_listTitle')}
      hiddenCaption
      columns={[
        words.c('merchant_columnName'),
        words.c('merchant_fieldDomains'),
        words.c('merchant_fieldIce'),
        words.c('merchant_fieldStatus'),
      ]}
    >
      {props.merchants.map(({ id, record, statusSince }) => (
        <tr data-merchant={id}>
          <th scope="row">
            <a href={portalHref(words.lang, `/admin/merchants/${id}`)}>
              <bdi>{shownText(merchantName(record))}</bdi>
            </a>
          </th>
          <td>
            {record.domains.map((domain, index) => (
              <>
                {index > 0 ? ' ' : null}
                <bdi dir="ltr">{domain}</bdi>
              </>
            ))}
          </td>
          <td dir="ltr">{record.ice}</td>
          <td>
            <StatusTag words={words} status={record.status} />
            {statusSince && record.status !== 'verified' ? (
              <span class="hint">{words.c('merchant_statusSince', [consoleMoment(statusSince, words.lang)])}</span>
            ) : null}
          </td>
        </tr>
      ))}
    </ScrollingTable>
  );
}

export function registerMerchantList(app: ConsoleApp, deps: ConsoleDeps) {
  app.get('/merchants', requirePermission('read'), async (c) => {
    const words = c.get('words');
    const query = readQuery(words, (name) => c.req.query(name));
    const title = words.c('merchant_listTitle');
    const failed = query.errors.length > 0;
    const found = failed
      ? null
      : await findMerchants(deps.context.db, {
          q: query.q,
          status: query.status === '' ? undefined : (query.status as MerchantStatus),
          page: query.page,
        });
    const pages = found ? Math.max(1, Math.ceil(found.total / MERCHANTS_PER_PAGE)) : 1;
    const href = (page: number) =>
      portalHref(words.lang, '/admin/merchants', { q: query.q, status: query.status, page });
    return sendConsole(
      c,
      { title: failed ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'merchants' },
      <>
        <ErrorSummary
          words={words}
          errors={query.errors.map((error) => ({ href: `#${FIELD_IDS[error.field]}`, message: error.message }))}
        />
        <h1>{title}</h1>
        <SearchForm words={words} query={query} />
        {found ? (
          <>
            <p data-total={found.total}>{words.c('merchant_found', [found.total])}</p>
            {found.merchants.length > 0 ? <ResultTable words={words} merchants={found.merchants} /> : null}
            {pages > 1 ? (
              <nav class="pagination" aria-label={words.c('merchant_paginationLabel')}>
                {query.page > 1 ? (
                  <a href={href(query.page - 1)} rel="prev">
                    {words.p('merchants_previous')}
                  </a>
                ) : (
                  <span />
                )}
                <p>{words.p('merchants_pageOf', [query.page, pages])}</p>
                {query.page < pages ? (
                  <a href={href(query.page + 1)} rel="next">
                    {words.p('merchants_next')}
                  </a>
                ) : (
                  <span />
                )}
              </nav>
            ) : null}
          </>
        ) : null}
      </>,
      failed ? 400 : 200,
    );
  });
}
