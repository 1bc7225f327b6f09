/** @jsxImportSource hono/jsx */
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { formatDate } from '../../src/ui/verdict-words.ts';
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  redirectAfterPost,
  requirePermission,
  sendConsole,
  sendConsoleMessage,
} from '../console/console-app.tsx';
import { type FieldErrors, GuardField, noErrors, summaryOf } from '../console/console-fields.tsx';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleKey } from '../console/console-words.ts';
import { readPostedForm } from '../console/posted-form.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { reasonWords, ShopName } from '../reports/report-queue-views.tsx';
import { consoleActor } from '../staff/staff-roles.ts';
import { checkFlagForm, emptyFlagForm, FlagForm, type FlagFormValues, readFlagForm } from './flag-form.tsx';

// `/admin/flags`: the domains flagged as frauds (danger in every extension from the next
// publication), and adding, changing or removing one (FlaggedDomains, audited). Removing
// asks first, on a page of its own.

const DONE: Record<string, ConsoleKey> = {
  added: 'flags_doneAdded',
  edited: 'flags_doneEdited',
  unchanged: 'flags_doneUnchanged',
  removed: 'flags_doneRemoved',
};

/** The shop a path names, in its canonical (ASCII) form only: the pages link to no other. */
function shopOfPath(param: string): string | null {
  const shop = resolveShopIdentity(param, SERVICE_PLATFORMS);
  return shop.ok && shop.identity.domain === param ? param : null;
}

const flagPath = (domain: string, action: 'edit' | 'remove') => `/admin/flags/${encodeURIComponent(domain)}/${action}`;

export function registerFlagPages(app: ConsoleApp, deps: ConsoleDeps) {
  const { flags, db, clock } = deps.context;
  const moderate = requirePermission('moderate');
  const today = () => clock().toISOString().slice(0, 10);
  const flagOf = (domain: string) =>
    db.selectFrom('flagged_domains').selectAll().where('domain', '=', domain).executeTakeFirst();

  const notFlagged = (c: ConsoleContext) => {
    const words = c.get('words');
    return sendConsoleMessage(
      c,
      {
        title: words.c('flags_notFlaggedTitle'),
        body: words.c('flags_notFlaggedBody'),
        link: { href: portalHref(words.lang, '/admin/flags'), text: words.c('flags_back') },
      },
      404,
    );
  };

  app.get('/flags', moderate, async (c) => {
    const words = c.get('words');
    const list = await flags.list();
    const done = DONE[c.req.query('done') ?? ''];
    return sendConsole(
      c,
      { title: words.c('flags_title'), section: 'flags' },
      <>
        {done ? (
          <p class="notice" role="status">
            {words.c(done)}
          </p>
        ) : null}
        <h1>{words.c('flags_title')}</h1>
        <p class="lead">{words.c('flags_lead')}</p>
        <p>
          <a class="button" href={portalHref(words.lang, '/admin/flags/new')}>
            {words.c('flags_add')}
          </a>
        </p>
        {list.length === 0 ? (
          <p>{words.c('flags_none')}</p>
        ) : (
          <ScrollingTable
            caption={words.c('flags_title')}
            hiddenCaption
            class="flags-table"
            columns={[
              words.c('flags_colDomain'),
              words.c('flags_reasonLabel'),
              words.c('flags_colSince'),
              words.c('flags_summaryLabel'),
              words.c('flags_colBy'),
              words.c('flags_colActions'),
            ]}
          >
            {list.map((flag) => (
              <tr data-flag={flag.domain}>
                <th scope="row">
                  <ShopName words={words} domain={flag.domain} />
                </th>
                <td data-field="reason">{reasonWords(words, flag.reason)}</td>
                <td data-field="since">{formatDate(flag.since, words.lang)}</td>
                <td data-field="summary">
                  <bdi>{flag.summary}</bdi>
                </td>
                <td>
                  <bdi>{flag.flaggedBy}</bdi>
                </td>
                <td class="action-row">
                  <a href={portalHref(words.lang, flagPath(flag.domain, 'edit'))}>
                    {words.c('flags_edit')}
                    <span class="visually-hidden"> {flag.domain}</span>
                  </a>
                  <a href={portalHref(words.lang, flagPath(flag.domain, 'remove'))}>
                    {words.c('flags_remove')}
                    <span class="visually-hidden"> {flag.domain}</span>
                  </a>
                </td>
              </tr>
            ))}
          </ScrollingTable>
        )}
      </>,
    );
  });

  function sendForm(
    c: ConsoleContext,
    form: { domain?: string; values: FlagFormValues; errors: FieldErrors },
    status: 200 | 400,
  ) {
    const words = c.get('words');
    const title = form.domain ? words.c('flags_editTitle', [form.domain]) : words.c('flags_addTitle');
    return sendConsole(
      c,
      { title: form.errors.size > 0 ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'flags' },
      <>
        <ErrorSummary words={words} errors={summaryOf(form.errors)} />
        <h1>
          {form.domain ? (
            <>
              {words.c('flags_editHeading')} <ShopName words={words} domain={form.domain} />
            </>
          ) : (
            title
          )}
        </h1>
        <FlagForm
          words={words}
          action={portalHref(words.lang, form.domain ? flagPath(form.domain, 'edit') : '/admin/flags/new')}
          {...(form.domain ? { fixedDomain: form.domain } : {})}
          values={form.values}
          errors={form.errors}
          guard={c.get('guard').hiddenField(c)}
          submit={words.c('flags_save')}
        />
        <p>
          <a href={portalHref(words.lang, '/admin/flags')}>{words.c('flags_back')}</a>
        </p>
      </>,
      status,
    );
  }

  app.get('/flags/new', moderate, (c) => sendForm(c, { values: emptyFlagForm, errors: noErrors }, 200));

  app.post('/flags/new', moderate, async (c) => {
    const words = c.get('words');
    const values = readFlagForm(await readPostedForm(c));
    const checked = checkFlagForm(words, values, { withDomain: true, today: today() });
    if ('errors' in checked) return sendForm(c, { values, errors: checked.errors }, 400);
    const domain = checked.domain as string;
    // Adding never overwrites: changing a flag is its own page, prefilled with what it says.
    if (await flagOf(domain)) {
      return sendForm(c, { values, errors: new Map([['flag-domain', words.c('flags_alreadyFlagged')]]) }, 400);
    }
    await flags.flag(domain, checked.flag, consoleActor(c.get('staff')));
    return redirectAfterPost(c, '/admin/flags', { done: 'added' });
  });

  app.get('/flags/:domain/edit', moderate, async (c) => {
    const domain = shopOfPath(c.req.param('domain'));
    const flag = domain ? await flagOf(domain) : undefined;
    if (!domain || !flag) return notFlagged(c);
    const values = { domain, reason: flag.reason, summary: flag.summary, since: flag.since };
    return sendForm(c, { domain, values, errors: noErrors }, 200);
  });

  app.post('/flags/:domain/edit', moderate, async (c) => {
    const words = c.get('words');
    const domain = shopOfPath(c.req.param('domain'));
    if (!domain || !(await flagOf(domain))) return notFlagged(c);
    const values = { ...readFlagForm(await readPostedForm(c)), domain };
    const checked = checkFlagForm(words, values, { withDomain: false, today: today() });
    if ('errors' in checked) return sendForm(c, { domain, values, errors: checked.errors }, 400);
    const result = await flags.flag(domain, checked.flag, consoleActor(c.get('staff')));
    return redirectAfterPost(c, '/admin/flags', { done: result.changed ? 'edited' : 'unchanged' });
  });

  app.get('/flags/:domain/remove', moderate, async (c) => {
    const words = c.get('words');
    const domain = shopOfPath(c.req.param('domain'));
    const flag = domain ? await flagOf(domain) : undefined;
    if (!domain || !flag) return notFlagged(c);
    return sendConsole(
      c,
      { title: words.c('flags_removeTitle', [domain]), section: 'flags' },
      <>
        <h1>
          {words.c('flags_removeHeading')} <ShopName words={words} domain={domain} />
        </h1>
        <p>
          {reasonWords(words, flag.reason)}: <bdi>{flag.summary}</bdi>
        </p>
        <p class="notice notice--warning">{words.c('flags_removeBody')}</p>
        <form method="post" action={portalHref(words.lang, flagPath(domain, 'remove'))} class="action-row">
          <GuardField field={c.get('guard').hiddenField(c)} />
          <button type="submit" class="button">
            {words.c('flags_removeConfirm')}
          </button>
          <a href={portalHref(words.lang, '/admin/flags')}>{words.c('flags_cancel')}</a>
        </form>
      </>,
    );
  });

  app.post('/flags/:domain/remove', moderate, async (c) => {
    const domain = shopOfPath(c.req.param('domain'));
    if (!domain) return notFlagged(c);
    try {
      await flags.unflag(domain, consoleActor(c.get('staff')));
    } catch (error) {
      // Removed meanwhile, perhaps by another moderator.
      if (error instanceof ServiceError && error.kind === 'not-found') return notFlagged(c);
      throw error;
    }
    return redirectAfterPost(c, '/admin/flags', { done: 'removed' });
  });
}
