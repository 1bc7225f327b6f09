/** @jsxImportSource hono/jsx */
import { clientAddress } from '../../http/client-rate-limit.ts';
import { postedFields } from '../../http/form-guard.ts';
import { describedBy, ErrorSummary, FieldMessage, shownText } from '../../portal/form-parts.tsx';
import { portalHref } from '../../portal/portal-layout.tsx';
import type { PortalKey, PortalWords } from '../../portal/portal-words.ts';
import { waitWords } from '../../portal/report-pages.tsx';
import { LOCK_MS, staffEmailSchema } from '../../staff/staff-accounts.ts';
import type { PasswordProblem } from '../../staff/staff-passwords.ts';
import {
  closeDeskSession,
  type DeskApp,
  type DeskContext,
  type DeskServices,
  formField,
  openDeskSession,
  readDeskSession,
  sendDesk,
} from './desk-app.tsx';

// A merchant's account: a password set from a signed-in session (a link opened it), then
// `/merchant/sign-in` with the registry's address and that password; and signing out.

const PASSWORD_PROBLEM_WORDS: Record<PasswordProblem, PortalKey> = {
  'too-short': 'desk_passwordTooShort',
  'too-long': 'desk_passwordTooLong',
  'contains-email': 'desk_passwordHasEmail',
  'one-character': 'desk_passwordOneCharacter',
};

type Errors = Partial<Record<'email' | 'password' | 'confirm', string>>;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

function Field(props: {
  words: PortalWords;
  id: string;
  name: string;
  type: 'email' | 'password';
  label: string;
  value?: string;
  autocomplete: string;
  error: string | undefined;
}) {
  const { words, id, error } = props;
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={id}>{props.label}</label>
      <FieldMessage words={words} id={`${id}-error`} message={error} />
      <input
        type={props.type}
        id={id}
        name={props.name}
        value={props.value === undefined ? undefined : shownText(props.value)}
        autocomplete={props.autocomplete}
        dir="ltr"
        spellcheck={false}
        maxlength={props.type === 'email' ? 254 : undefined}
        aria-describedby={describedBy(error && `${id}-error`)}
        aria-invalid={error ? 'true' : undefined}
      />
    </div>
  );
}

const summary = (errors: Errors, prefix: string) =>
  (['email', 'password', 'confirm'] as const).flatMap((field) =>
    errors[field] ? [{ href: `#${prefix}-${field}`, message: errors[field] as string, field }] : [],
  );

export function registerAccountPages(app: DeskApp, deps: DeskServices): void {
  const signInPage = (c: DeskContext, email: string, errors: Errors, status: 200 | 400 | 403 | 429 = 200) => {
    const words = c.get('words');
    const token = formField(c);
    return sendDesk(
      c,
      deps,
      words.p('desk_signInTitle'),
      <>
        <ErrorSummary words={words} errors={summary(errors, 'desk-sign-in')} />
        <h1>{words.p('desk_signInTitle')}</h1>
        {c.req.query('expired') === '1' ? <p class="notice">{words.p('desk_sessionEnded')}</p> : null}
        <p>{words.p('desk_signInIntro')}</p>
        <form method="post" action={portalHref(words.lang, '/merchant/sign-in')} novalidate>
          <input type="hidden" name={token.name} value={token.value} />
          <Field
            words={words}
            id="desk-sign-in-email"
            name="email"
            type="email"
            label={words.p('desk_emailLabel')}
            value={email}
            autocomplete="username"
            error={errors.email}
          />
          <Field
            words={words}
            id="desk-sign-in-password"
            name="password"
            type="password"
            label={words.p('desk_passwordLabel')}
            autocomplete="current-password"
            error={errors.password}
          />
          <button type="submit" class="button">
            {words.p('desk_signInButton')}
          </button>
        </form>
        <p>{words.p('desk_signInNoAccount')}</p>
      </>,
      status,
    );
  };

  app.get('/sign-in', (c) => signInPage(c, '', {}));

  app.post('/sign-in', async (c) => {
    const words = c.get('words');
    const fields = await postedFields(c);
    const typed = { email: text(fields.email), password: text(fields.password) };
    const email = staffEmailSchema.safeParse(typed.email);
    const errors: Errors = {};
    if (!email.success) errors.email = words.p(typed.email.trim() ? 'desk_emailInvalid' : 'desk_emailMissing');
    if (typed.password === '') errors.password = words.p('desk_passwordMissing');
    if (!email.success || errors.password) return signInPage(c, typed.email, errors, 400);
    const allowance = await deps.signInLimiter.take(clientAddress(c));
    if (!allowance.allowed) {
      c.header('Retry-After', String(allowance.retryAfterSeconds));
      const wait = waitWords(allowance.retryAfterSeconds, words.lang);
      return signInPage(c, typed.email, { email: words.p('desk_signInTooMany', [wait]) }, 429);
    }
    const result = await deps.accounts.signIn(email.data, typed.password);
    if (!result.ok) {
      const message =
        result.reason === 'locked' ? words.p('desk_signInLocked', [LOCK_MS / 60_000]) : words.p('desk_signInWrong');
      return signInPage(c, typed.email, { password: message }, result.reason === 'locked' ? 429 : 403);
    }
    await openDeskSession(c, deps, result.sessionToken);
    return c.redirect(portalHref(words.lang, '/merchant'), 303);
  });

  app.post('/sign-out', async (c) => {
    const token = readDeskSession(c, deps);
    if (token) await deps.accounts.signOut(token, c.get('merchantId') as string);
    closeDeskSession(c, deps);
    return c.redirect(portalHref(c.get('words').lang, '/merchant/sign-in'), 303);
  });

  const passwordPage = async (c: DeskContext, errors: Errors, status: 200 | 400 | 409 = 200) => {
    const words = c.get('words');
    const email = await deps.accounts.accountEmail(c.get('merchantId') as string);
    const token = formField(c);
    return sendDesk(
      c,
      deps,
      words.p('desk_passwordTitle'),
      <>
        <ErrorSummary words={words} errors={summary(errors, 'desk-password')} />
        <h1>{words.p('desk_passwordTitle')}</h1>
        {c.req.query('done') === '1' ? (
          <p class="notice" role="status" data-notice="password-set">
            {words.p('desk_passwordDone')}
          </p>
        ) : null}
        {email ? (
          <>
            <p>
              {words.p('desk_passwordIntro')} <bdi dir="ltr">{email}</bdi>
            </p>
            <form method="post" action={portalHref(words.lang, '/merchant/password')} novalidate>
              <input type="hidden" name={token.name} value={token.value} />
              <input type="email" name="email" value={email} autocomplete="username" hidden />
              <Field
                words={words}
                id="desk-password-password"
                name="password"
                type="password"
                label={words.p('desk_newPasswordLabel')}
                autocomplete="new-password"
                error={errors.password}
              />
              <Field
                words={words}
                id="desk-password-confirm"
                name="confirm"
                type="password"
                label={words.p('desk_confirmLabel')}
                autocomplete="new-password"
                error={errors.confirm}
              />
              <button type="submit" class="button">
                {words.p('desk_passwordButton')}
              </button>
            </form>
          </>
        ) : (
          <p>{words.p('desk_passwordNoEmail')}</p>
        )}
      </>,
      status,
    );
  };

  app.get('/password', (c) => passwordPage(c, {}));

  app.post('/password', async (c) => {
    const words = c.get('words');
    const fields = await postedFields(c);
    const password = text(fields.password);
    if (password === '') return passwordPage(c, { password: words.p('desk_passwordMissing') }, 400);
    if (text(fields.confirm) !== password) return passwordPage(c, { confirm: words.p('desk_confirmDiffers') }, 400);
    const session = readDeskSession(c, deps) as string;
    const result = await deps.accounts.setPassword(c.get('merchantId') as string, password, session);
    if (!result.ok) {
      if (result.reason === 'no-email') return passwordPage(c, {}, 409);
      return passwordPage(c, { password: words.p(PASSWORD_PROBLEM_WORDS[result.problem]) }, 400);
    }
    return c.redirect(portalHref(words.lang, '/merchant/password', { done: '1' }), 303);
  });
}
