/** @jsxImportSource hono/jsx */
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  redirectAfterPost,
  requirePermission,
  sendConsole,
  sendConsoleMessage,
} from '../console/console-app.tsx';
import { RadioField, TextField } from '../console/console-fields.tsx';
import { ROLE_WORDS } from '../console/console-layout.tsx';
import { ScrollingTable } from '../console/console-table.tsx';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { postedFields } from '../http/form-guard.ts';
import { ServiceError } from '../http/service-error.ts';
import { ErrorSummary, shownText } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { registerSignInPages, wordsWith } from './sign-in-pages.tsx';
import {
  type SetupLink,
  StaffAccounts,
  type StaffStatus,
  staffEmailSchema,
  staffNameSchema,
  staffRoleSchema,
} from './staff-accounts.ts';
import { consoleActor, STAFF_ROLES, type StaffRole } from './staff-roles.ts';

// `/admin/staff`, for administrators: who has an account and in which state, adding a
// member (whose one-time set-up link is shown once and mailed), disabling one, and a new
// set-up link for a forgotten password.

const STATUS_WORDS: Record<StaffStatus, ConsoleKey> = {
  active: 'staff_statusActive',
  pending: 'staff_statusPending',
  locked: 'staff_statusLocked',
  disabled: 'staff_statusDisabled',
};

const ROLE_HINTS: Record<StaffRole, ConsoleKey> = {
  admin: 'staff_roleAdminHint',
  moderator: 'staff_roleModeratorHint',
  verifier: 'staff_roleVerifierHint',
};

type AddField = 'email' | 'name' | 'role';
interface AddForm {
  values: Record<AddField, string>;
  errors: Partial<Record<AddField, string>>;
}
const EMPTY_FORM: AddForm = { values: { email: '', name: '', role: '' }, errors: {} };

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** A moment in Morocco's time, whatever the server's own zone. */
const momentWords = (instant: Date, lang: string) =>
  new Intl.DateTimeFormat(`${lang}-MA`, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Africa/Casablanca',
  }).format(instant);

/** What the add form says about what was typed, or the account to add. */
function readAddForm(fields: Record<string, unknown>, words: ConsoleWords) {
  const values = { email: text(fields.email), name: text(fields.name), role: text(fields.role) };
  const errors: AddForm['errors'] = {};
  const email = staffEmailSchema.safeParse(values.email);
  if (values.email.trim() === '') errors.email = words.c('staff_emailMissing');
  else if (!email.success) errors.email = words.c('staff_emailInvalid');
  const name = staffNameSchema.safeParse(values.name);
  if (values.name.trim() === '') errors.name = words.c('staff_nameMissing');
  else if (!name.success) {
    errors.name = name.error.issues.some((issue) => issue.code === 'too_big')
      ? words.c('staff_nameTooLong')
      : words.c('staff_nameRefused');
  }
  const role = staffRoleSchema.safeParse(values.role);
  if (!role.success) errors.role = words.c('staff_roleMissing');
  const account =
    email.success && name.success && role.success ? { email: email.data, name: name.data, role: role.data } : null;
  return { form: { values, errors }, account };
}

/** The console's account pages: signing in and out, setting up, and the staff list. */
export function registerStaffConsole(app: ConsoleApp, deps: ConsoleDeps) {
  const accounts = new StaffAccounts(deps.context.db, deps.context.clock);
  registerSignInPages(app, deps, accounts);
  registerStaffPages(app, deps, accounts);
}

function registerStaffPages(app: ConsoleApp, deps: ConsoleDeps, accounts: StaffAccounts) {
  const onlyAdmins = requirePermission('accounts');

  const staffPage = async (c: ConsoleContext, form: AddForm, status: 200 | 400 | 409 = 200) => {
    const words = c.get('words');
    const me = c.get('staff');
    const token = c.get('guard').hiddenField(c);
    const members = await accounts.list();
    const hidden = () => <input type="hidden" name={token.name} value={token.value} />;
    const { values, errors } = form;
    const summary = (['email', 'name', 'role'] as const).flatMap((field) => {
      const message = errors[field];
      return message ? [{ href: `#staff-${field}`, message, field }] : [];
    });
    return sendConsole(
      c,
      { title: words.c('staff_pageTitle'), section: 'staff' },
      <>
        <ErrorSummary words={words} errors={summary} />
        <h1>{words.c('staff_pageTitle')}</h1>
        {c.req.query('done') === 'disabled' ? (
          <p class="notice" data-notice="disabled">
            {words.c('staff_disabledNotice')}
          </p>
        ) : null}
        <p>{words.c('staff_pageIntro')}</p>
        <ScrollingTable
          caption={words.c('staff_listCaption')}
          class="staff-table"
          columns={[
            words.c('staff_colEmail'),
            words.c('staff_colName'),
            words.c('staff_colRole'),
            words.c('staff_colStatus'),
            words.c('staff_colActions'),
          ]}
        >
          {members.map((member) => (
            <tr data-staff={member.email}>
              <th scope="row">
                <bdi dir="ltr">{member.email}</bdi>
              </th>
              <td>
                <bdi>{shownText(member.name)}</bdi>
              </td>
              <td>{words.c(ROLE_WORDS[member.role])}</td>
              <td data-status={member.status}>{words.c(STATUS_WORDS[member.status])}</td>
              <td>
                {member.status === 'disabled' ? null : (
                  <div class="action-row">
                    <form method="post" action={portalHref(words.lang, '/admin/staff/link')}>
                      {hidden()}
                      <input type="hidden" name="email" value={member.email} />
                      <button type="submit" class="button button--secondary">
                        {words.c('staff_newLinkButton')}{' '}
                        <span class="visually-hidden">{words.c('staff_forAccount', [member.email])}</span>
                      </button>
                    </form>
                    {member.email === me.email ? null : (
                      <form method="post" action={portalHref(words.lang, '/admin/staff/disable')}>
                        {hidden()}
                        <input type="hidden" name="email" value={member.email} />
                        <button type="submit" class="button staff-disable">
                          {words.c('staff_disableButton')}{' '}
                          <span class="visually-hidden">{words.c('staff_forAccount', [member.email])}</span>
                        </button>
                      </form>
                    )}
                  </div>
                )}
              </td>
            </tr>
          ))}
        </ScrollingTable>
        <h2 id="staff-add-title">{words.c('staff_addTitle')}</h2>
        <form
          method="post"
          action={portalHref(words.lang, '/admin/staff/add')}
          novalidate
          aria-labelledby="staff-add-title"
        >
          {hidden()}
          <TextField
            words={words}
            id="staff-email"
            name="email"
            type="email"
            label={words.c('staff_emailLabel')}
            hint={words.c('staff_newEmailHint')}
            value={values.email}
            error={errors.email}
            dir="ltr"
            maxlength={254}
          />
          <TextField
            words={words}
            id="staff-name"
            name="name"
            label={words.c('staff_nameLabel')}
            hint={words.c('staff_nameHint')}
            value={values.name}
            error={errors.name}
            maxlength={80}
          />
          <RadioField
            words={words}
            id="staff-role"
            name="role"
            legend={words.c('staff_roleLegend')}
            options={STAFF_ROLES.map((role) => ({
              value: role,
              text: words.c(ROLE_WORDS[role]),
              hint: words.c(ROLE_HINTS[role]),
            }))}
            selected={values.role}
            error={errors.role}
            firstIsField
          />
          <button type="submit" class="button">
            {words.c('staff_addButton')}
          </button>
        </form>
      </>,
      status,
    );
  };

  /** The link, shown this once, and mailed to its owner. */
  const linkPage = async (c: ConsoleContext, link: SetupLink) => {
    const words = c.get('words');
    // The configured origin, not the request's: the link goes out by mail.
    const url = `${deps.context.linkOrigin}/admin/setup/${link.token}`;
    const until = momentWords(link.expiresAt, words.lang);
    let mailed = true;
    try {
      await deps.context.mailer.send({
        to: link.email,
        subject: words.c('staff_mailSubject'),
        text: words.c('staff_mailBody', [link.name, until, url]),
      });
    } catch (error) {
      mailed = false;
      console.error(`console: the set-up link mail to ${link.email} failed: ${(error as Error).message}`);
    }
    const email = <bdi dir="ltr">{link.email}</bdi>;
    return sendConsole(
      c,
      { title: words.c('staff_linkTitle'), section: 'staff' },
      <>
        <h1>{words.c('staff_linkTitle')}</h1>
        <p>{wordsWith(words, 'staff_linkBody', [email, until])}</p>
        <p class="setup-link">
          <span class="visually-hidden">{words.c('staff_linkAddress')} </span>
          <code dir="ltr" data-setup-link>
            {url}
          </code>
        </p>
        <p class={mailed ? 'notice' : 'notice notice--warning'} data-mailed={String(mailed)}>
          {mailed ? wordsWith(words, 'staff_linkMailed', [email]) : words.c('staff_linkMailFailed')}
        </p>
        <p>
          <a href={portalHref(words.lang, '/admin/staff')}>{words.c('staff_backToStaff')}</a>
        </p>
      </>,
    );
  };

  /** A refusal of the service as a page that says why, with the way back. */
  const cannot = (c: ConsoleContext, body: string, status: 404 | 409 = 409) => {
    const words = c.get('words');
    return sendConsoleMessage(
      c,
      {
        title: words.c('staff_cannotTitle'),
        body,
        link: { href: portalHref(words.lang, '/admin/staff'), text: words.c('staff_backToStaff') },
      },
      status,
    );
  };

  app.get('/staff', onlyAdmins, (c) => staffPage(c, EMPTY_FORM));

  app.post('/staff/add', onlyAdmins, async (c) => {
    const words = c.get('words');
    const { form, account } = readAddForm(await postedFields(c), words);
    if (!account) return staffPage(c, form, 400);
    try {
      return linkPage(c, await accounts.add(account, consoleActor(c.get('staff'))));
    } catch (error) {
      if (!(error instanceof ServiceError) || error.kind !== 'conflict') throw error;
      return staffPage(c, { ...form, errors: { email: words.c('staff_emailTaken') } }, 409);
    }
  });

  app.post('/staff/disable', onlyAdmins, async (c) => {
    const words = c.get('words');
    const email = text((await postedFields(c)).email);
    if (email.trim().toLowerCase() === c.get('staff').email) return cannot(c, words.c('staff_disableSelf'));
    try {
      await accounts.disable(email, consoleActor(c.get('staff')));
    } catch (error) {
      if (!(error instanceof ServiceError) || error.kind !== 'not-found') throw error;
      return cannot(c, words.c('staff_unknownAccount'), 404);
    }
    return redirectAfterPost(c, '/admin/staff', { done: 'disabled' });
  });

  app.post('/staff/link', onlyAdmins, async (c) => {
    const words = c.get('words');
    const email = text((await postedFields(c)).email);
    try {
      return linkPage(c, await accounts.newSetupLink(email, consoleActor(c.get('staff'))));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.kind === 'not-found') return cannot(c, words.c('staff_unknownAccount'), 404);
      return cannot(c, words.c('staff_disabledNoLink'));
    }
  });
}
