/** @jsxImportSource hono/jsx */
import { findRefusedCharacter } from '../../src/directory/text-policy.ts';
import { AuditTable } from '../console/audit-pages.tsx';
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  redirectAfterPost,
  requirePermission,
  sendConsole,
  sendConsoleMessage,
} from '../console/console-app.tsx';
import type { ConsoleKey } from '../console/console-words.ts';
import { postedFields } from '../http/form-guard.ts';
import { ErrorSummary, type SummaryError, shownText } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { consoleActor, may } from '../staff/staff-roles.ts';
import {
  EditForm,
  editSummary,
  RevokeConfirmation,
  STATUS_FIELD_IDS,
  type StatusField,
  StatusForm,
} from './merchant-edit-form.tsx';
import {
  changeMerchantStatus,
  EDIT_FIELDS,
  type EditProblem,
  editFormOf,
  type MerchantEditForm,
  mayApply,
  STATUS_ACTION_NAMES,
  type StatusAction,
  saveMerchantEdit,
  statusReasonSchema,
} from './merchant-edits.ts';
import { MerchantFactsList, merchantName } from './merchant-facts.tsx';
import { registerMerchantList } from './merchant-list-page.tsx';
import { loadMerchant, type MerchantView, merchantHistory } from './merchant-lookup.ts';

// `/admin/merchants/<id>`: a merchant as the registry holds it, its history in the audit
// log, and for moderators its edit form and its status (suspend, revoke, reinstate, each
// with a reason). Changes reach shoppers with the next publication.

const MERCHANT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

const DONE_WORDS: Record<string, ConsoleKey> = {
  edited: 'merchant_doneEdited',
  unchanged: 'merchant_doneUnchanged',
  suspend: 'merchant_doneSuspend',
  revoke: 'merchant_doneRevoke',
  reinstate: 'merchant_doneReinstate',
};

type Fields = Awaited<ReturnType<typeof postedFields>>;
/** One posted text; a field sent twice or as a file, which our forms never do, reads as empty. */
const textOf = (fields: Fields, name: string) => {
  const value = fields[name];
  return typeof value === 'string' ? value : '';
};

interface StatusState {
  values: { action: string; reason: string };
  errors: Array<{ field: StatusField; message: string }>;
}

export function registerMerchantPages(app: ConsoleApp, deps: ConsoleDeps) {
  const db = deps.context.db;
  registerMerchantList(app, deps);

  const notFound = (c: ConsoleContext) => {
    const words = c.get('words');
    return sendConsoleMessage(
      c,
      {
        title: words.c('merchant_notFoundTitle'),
        body: words.c('merchant_notFoundBody'),
        link: { href: portalHref(words.lang, '/admin/merchants'), text: words.c('merchant_backToList') },
      },
      404,
    );
  };
  const stale = (c: ConsoleContext, id: string) => {
    const words = c.get('words');
    return sendConsoleMessage(
      c,
      {
        title: words.c('merchant_staleTitle'),
        body: words.c('merchant_staleBody'),
        link: { href: portalHref(words.lang, `/admin/merchants/${id}`), text: words.c('merchant_openAgain') },
      },
      409,
    );
  };
  async function found(c: ConsoleContext): Promise<MerchantView | undefined> {
    const id = c.req.param('id') ?? '';
    return MERCHANT_ID.test(id) ? loadMerchant(db, id) : undefined;
  }

  async function merchantPage(c: ConsoleContext, merchant: MerchantView, state: StatusState, status: 200 | 400 = 200) {
    const words = c.get('words');
    const { c: w, lang } = words;
    const moderator = may(c.get('staff').role, 'moderate');
    const name = merchantName(merchant.record);
    const done = DONE_WORDS[c.req.query('done') ?? ''];
    const summary: SummaryError[] = state.errors.map((error) => ({
      href: `#${STATUS_FIELD_IDS[error.field]}`,
      message: error.message,
      field: error.field,
    }));
    const history = await merchantHistory(db, merchant.id);
    const title = shownText(name);
    return sendConsole(
      c,
      { title: summary.length > 0 ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'merchants' },
      <>
        <ErrorSummary words={words} errors={summary} />
        <p>
          <a href={portalHref(lang, '/admin/merchants')}>{w('merchant_backToList')}</a>
        </p>
        <h1>
          <bdi>{title}</bdi>
        </h1>
        {done && status === 200 ? (
          <p class="notice" role="status" data-done={c.req.query('done')}>
            {w(done)} {moderator ? <a href={portalHref(lang, '/admin/publish')}>{w('merchant_goPublish')}</a> : null}
          </p>
        ) : null}
        <MerchantFactsList words={words} merchant={merchant} />
        <section aria-labelledby="domains-heading">
          <h2 id="domains-heading">{w('merchant_fieldDomains')}</h2>
          <ul>
            {merchant.record.domains.map((domain) => (
              <li data-domain={domain}>
                <bdi dir="ltr">{domain}</bdi>
              </li>
            ))}
          </ul>
        </section>
        {moderator ? (
          <>
            <p>
              <a class="button button--secondary" href={portalHref(lang, `/admin/merchants/${merchant.id}/edit`)}>
                {w('merchant_editLink')}
              </a>
            </p>
            <section aria-labelledby="status-heading">
              <h2 id="status-heading">{w('merchant_statusHeading')}</h2>
              <StatusForm
                words={words}
                id={merchant.id}
                status={merchant.record.status}
                stamp={merchant.stamp}
                values={state.values}
                errors={state.errors}
                guard={c.get('guard').hiddenField(c)}
              />
            </section>
          </>
        ) : null}
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">{w('merchant_historyHeading')}</h2>
          {history.length === 0 ? (
            <p>{w('merchant_historyNone')}</p>
          ) : (
            <AuditTable
              words={words}
              lines={history.map((line) => ({ ...line, id: String(line.id), at: new Date(line.at) }))}
              caption={w('merchant_historyHeading')}
              withSubject={false}
            />
          )}
        </section>
      </>,
      status,
    );
  }

  function editPage(c: ConsoleContext, merchant: MerchantView, form: MerchantEditForm, problems: EditProblem[]) {
    const words = c.get('words');
    const title = words.c('merchant_editTitle', [shownText(merchantName(merchant.record))]);
    return sendConsole(
      c,
      { title: problems.length > 0 ? `${words.p('form_errorPrefix')} ${title}` : title, section: 'merchants' },
      <>
        <ErrorSummary words={words} errors={editSummary(words, problems)} />
        <h1>{title}</h1>
        <p>{words.c('merchant_editIntro')}</p>
        <EditForm
          words={words}
          id={merchant.id}
          form={form}
          problems={problems}
          guard={c.get('guard').hiddenField(c)}
        />
      </>,
      problems.length > 0 ? 400 : 200,
    );
  }

  const noStatusChange: StatusState = { values: { action: '', reason: '' }, errors: [] };

  app.get('/merchants/:id', requirePermission('read'), async (c) => {
    const merchant = await found(c);
    return merchant ? merchantPage(c, merchant, noStatusChange) : notFound(c);
  });

  app.get('/merchants/:id/edit', requirePermission('moderate'), async (c) => {
    const merchant = await found(c);
    return merchant ? editPage(c, merchant, editFormOf(merchant), []) : notFound(c);
  });

  app.post('/merchants/:id/edit', requirePermission('moderate'), async (c) => {
    const merchant = await found(c);
    if (!merchant) return notFound(c);
    const fields = await postedFields(c);
    const form = Object.fromEntries(
      [...EDIT_FIELDS, 'stamp'].map((name) => [name, textOf(fields, name)]),
    ) as MerchantEditForm;
    const saved = await saveMerchantEdit(db, merchant.id, form, consoleActor(c.get('staff')), deps.context.clock());
    switch (saved.outcome) {
      case 'not-found':
        return notFound(c);
      case 'stale':
        return stale(c, merchant.id);
      case 'invalid':
        return editPage(c, merchant, form, saved.problems);
      case 'unchanged':
        return redirectAfterPost(c, `/admin/merchants/${merchant.id}`, { done: 'unchanged' });
      case 'saved':
        return redirectAfterPost(c, `/admin/merchants/${merchant.id}`, { done: 'edited' });
    }
  });

  app.post('/merchants/:id/status', requirePermission('moderate'), async (c) => {
    const words = c.get('words');
    const merchant = await found(c);
    if (!merchant) return notFound(c);
    const fields = await postedFields(c);
    if (textOf(fields, 'stamp') !== merchant.stamp) return stale(c, merchant.id);
    const values = { action: textOf(fields, 'action'), reason: textOf(fields, 'reason') };
    const errors: StatusState['errors'] = [];
    const action = STATUS_ACTION_NAMES.find((name) => name === values.action);
    if (!action || !mayApply(action, merchant.record.status)) {
      errors.push({ field: 'action', message: words.c('merchant_errorAction') });
    }
    const reason = statusReasonSchema.safeParse(values.reason);
    if (!reason.success) {
      const issue = reason.error.issues[0];
      const refused = findRefusedCharacter(values.reason.trim(), 'line');
      const message =
        issue?.code === 'too_small'
          ? words.c('merchant_errorReasonRequired')
          : issue?.code === 'too_big'
            ? words.c('merchant_errorTooLong', [500])
            : words.c('merchant_errorHiddenCharacter', [refused?.position ?? 1]);
      errors.push({ field: 'reason', message });
    }
    if (errors.length > 0 || !action || !reason.success) return merchantPage(c, merchant, { values, errors }, 400);
    if (action === 'revoke' && textOf(fields, 'confirm') !== 'yes') {
      const title = words.c('merchant_confirmRevokeTitle');
      return sendConsole(
        c,
        { title, section: 'merchants' },
        <RevokeConfirmation
          words={words}
          id={merchant.id}
          name={merchantName(merchant.record)}
          stamp={merchant.stamp}
          reason={reason.data}
          guard={c.get('guard').hiddenField(c)}
        />,
      );
    }
    const change = { action: action as StatusAction, reason: reason.data, stamp: merchant.stamp };
    const result = await changeMerchantStatus(
      db,
      merchant.id,
      change,
      consoleActor(c.get('staff')),
      deps.context.clock(),
    );
    if (result.outcome === 'not-found') return notFound(c);
    if (result.outcome !== 'saved') return stale(c, merchant.id);
    return redirectAfterPost(c, `/admin/merchants/${merchant.id}`, { done: action });
  });
}
