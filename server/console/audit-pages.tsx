/** @jsxImportSource hono/jsx */
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { moroccanLocale } from '../../src/ui/verdict-words.ts';
import { AUDIT_ACTIONS } from '../db/audit-log.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { describedBy, ErrorSummary, FieldMessage, type SummaryError, shownText } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import {
  type AuditFilter,
  type AuditLine,
  auditActors,
  isAuditAction,
  isAuditActor,
  searchAudit,
} from './audit-search.ts';
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  requirePermission,
  sendConsole,
} from './console-app.tsx';
import { ScrollingTable } from './console-table.tsx';
import type { ConsoleWords } from './console-words.ts';

// `/admin/audit`: who did what, to which record, when; filtered by person, action and shop.
// What a line holds came from people (reasons, names, domains): it is shown as text, its
// invisible and direction-changing characters made visible, never as markup.

/** A moment of the log in Morocco's time, whatever the server's zone. */
export function consoleMoment(at: Date | string, lang: string): string {
  return new Intl.DateTimeFormat(moroccanLocale(lang), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Africa/Casablanca',
  }).format(new Date(at));
}

/** A line's detail as inert text. */
const detailText = (detail: unknown) =>
  detail && typeof detail === 'object' && Object.keys(detail).length === 0
    ? ''
    : shownText(JSON.stringify(detail, null, 1), 'multiline');

/** Audit lines as a table; the subject column is left out where the page is about one subject. */
export function AuditTable(props: {
  words: ConsoleWords;
  lines: ReadonlyArray<Omit<AuditLine, 'subject'> & { subject?: string }>;
  caption: string;
  withSubject: boolean;
}) {
  const { words, lines, withSubject } = props;
  return (
    <ScrollingTable
      caption={props.caption}
      hiddenCaption
      class="audit-table"
      columns={[
        words.c('audit_columnWhen'),
        words.c('audit_columnWho'),
        words.c('audit_columnAction'),
        withSubject ? words.c('audit_columnSubject') : null,
        words.c('audit_columnDetail'),
      ]}
    >
      {lines.map((line) => (
        <tr data-audit-id={line.id} data-action={line.action}>
          <td>{consoleMoment(line.at, words.lang)}</td>
          <td>
            <bdi>{shownText(line.actor)}</bdi>
          </td>
          <td>
            <code dir="ltr">{line.action}</code>
          </td>
          {withSubject ? (
            <td>
              <bdi>{shownText(line.subject ?? '')}</bdi>
            </td>
          ) : null}
          <td>
            <pre class="audit-detail" dir="ltr">
              {detailText(line.detail)}
            </pre>
          </td>
        </tr>
      ))}
    </ScrollingTable>
  );
}

type AuditField = 'actor' | 'action' | 'shop' | 'before';
const FIELD_IDS: Record<AuditField, string> = {
  actor: 'audit-actor',
  action: 'audit-action',
  shop: 'audit-shop',
  before: 'audit-newest',
};

interface ReadFilter {
  filter: AuditFilter;
  /** What the form shows again. */
  values: { actor: string; action: string; shop: string };
  errors: Array<{ field: AuditField; message: string }>;
}

function readFilter(c: ConsoleContext, actors: readonly string[]): ReadFilter {
  const words = c.get('words');
  const given = (name: string) => (c.req.query(name) ?? '').trim().slice(0, 300);
  const values = { actor: given('actor'), action: given('action'), shop: given('shop') };
  const before = given('before');
  const filter: AuditFilter = {};
  const errors: ReadFilter['errors'] = [];
  if (values.actor !== '') {
    if (actors.includes(values.actor)) filter.actor = values.actor;
    else errors.push({ field: 'actor', message: words.c('audit_errorActor') });
  }
  if (values.action !== '') {
    if (isAuditAction(values.action)) filter.action = values.action;
    else errors.push({ field: 'action', message: words.c('audit_errorAction') });
  }
  if (values.shop !== '') {
    const identity = resolveShopIdentity(values.shop, SERVICE_PLATFORMS);
    if (identity.ok) filter.shop = identity.identity.domain;
    else errors.push({ field: 'shop', message: words.c('audit_errorShop') });
  }
  if (before !== '') {
    if (/^[1-9]\d{0,17}$/.test(before)) filter.before = before;
    else errors.push({ field: 'before', message: words.c('audit_errorBefore') });
  }
  return { filter, values, errors };
}

function FilterForm(props: { words: ConsoleWords; actors: readonly string[]; read: ReadFilter }) {
  const { words, actors, read } = props;
  const errorAt = (field: AuditField) => read.errors.find((error) => error.field === field)?.message;
  const fieldClass = (field: AuditField) => (errorAt(field) ? 'field field--error' : 'field');
  const aria = (field: AuditField) => ({
    'aria-describedby': describedBy(errorAt(field) && `${FIELD_IDS[field]}-error`),
    'aria-invalid': errorAt(field) ? ('true' as const) : undefined,
  });
  return (
    <form method="get" action="/admin/audit" class="filter-form">
      <input type="hidden" name="lang" value={words.lang} />
      <div class={fieldClass('actor')}>
        <label for={FIELD_IDS.actor}>{words.c('audit_filterActor')}</label>
        <FieldMessage words={words} id={`${FIELD_IDS.actor}-error`} message={errorAt('actor')} />
        <select id={FIELD_IDS.actor} name="actor" {...aria('actor')}>
          <option value="">{words.c('audit_filterAnyone')}</option>
          {actors.map((actor) => (
            <option value={actor} selected={actor === read.values.actor}>
              {shownText(actor)}
            </option>
          ))}
        </select>
      </div>
      <div class={fieldClass('action')}>
        <label for={FIELD_IDS.action}>{words.c('audit_filterAction')}</label>
        <FieldMessage words={words} id={`${FIELD_IDS.action}-error`} message={errorAt('action')} />
        <select id={FIELD_IDS.action} name="action" dir="ltr" {...aria('action')}>
          <option value="">{words.c('audit_filterAnyAction')}</option>
          {AUDIT_ACTIONS.map((action) => (
            <option value={action} selected={action === read.values.action}>
              {action}
            </option>
          ))}
        </select>
      </div>
      <div class={fieldClass('shop')}>
        <label for={FIELD_IDS.shop}>{words.c('audit_filterShop')}</label>
        <span class="hint" id={`${FIELD_IDS.shop}-hint`}>
          {words.c('audit_filterShopHint')}
        </span>
        <FieldMessage words={words} id={`${FIELD_IDS.shop}-error`} message={errorAt('shop')} />
        <input
          type="text"
          id={FIELD_IDS.shop}
          name="shop"
          value={shownText(read.values.shop)}
          dir="ltr"
          maxlength={300}
          autocomplete="off"
          aria-describedby={describedBy(`${FIELD_IDS.shop}-hint`, errorAt('shop') && `${FIELD_IDS.shop}-error`)}
          aria-invalid={errorAt('shop') ? 'true' : undefined}
        />
      </div>
      <button type="submit" class="button">
        {words.c('audit_filterButton')}
      </button>
    </form>
  );
}

export function registerAuditPages(app: ConsoleApp, deps: ConsoleDeps) {
  app.get('/audit', requirePermission('read'), async (c) => {
    const words = c.get('words');
    const db = deps.context.db;
    const actors = await auditActors(db);
    const asked = (c.req.query('actor') ?? '').trim().slice(0, 300);
    if (asked !== '' && !actors.includes(asked) && (await isAuditActor(db, asked))) actors.push(asked);
    const read = readFilter(c, actors);
    const title = words.c('audit_title');
    const summary: SummaryError[] = read.errors.map((error) => ({
      href: `#${FIELD_IDS[error.field]}`,
      message: error.message,
      field: error.field,
    }));
    const page = read.errors.length > 0 ? null : await searchAudit(db, read.filter);
    const { actor, action, shop } = read.values;
    return sendConsole(
      c,
      { title: read.errors.length > 0 ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'audit' },
      <>
        <ErrorSummary words={words} errors={summary} />
        <h1>{title}</h1>
        <p>{words.c('audit_intro')}</p>
        <FilterForm words={words} actors={actors} read={read} />
        {read.errors.some((error) => error.field === 'before') ? (
          <p>
            <a id={FIELD_IDS.before} href={portalHref(words.lang, '/admin/audit', { actor, action, shop })}>
              {words.c('audit_newest')}
            </a>
          </p>
        ) : null}
        {page ? (
          page.lines.length === 0 ? (
            <p class="notice" data-empty="audit">
              {words.c('audit_none')}
            </p>
          ) : (
            <>
              <AuditTable words={words} lines={page.lines} caption={title} withSubject={true} />
              <nav class="pagination" aria-label={words.c('audit_paginationLabel')}>
                {read.filter.before ? (
                  <a href={portalHref(words.lang, '/admin/audit', { actor, action, shop })}>
                    {words.c('audit_newest')}
                  </a>
                ) : (
                  <span />
                )}
                {page.next ? (
                  <a
                    href={portalHref(words.lang, '/admin/audit', { actor, action, shop, before: page.next })}
                    rel="next"
                  >
                    {words.c('audit_older')}
                  </a>
                ) : (
                  <span />
                )}
              </nav>
            </>
          )
        ) : null}
      </>,
      read.errors.length > 0 ? 400 : 200,
    );
  });
}
