/** @jsxImportSource hono/jsx */

import type { Child } from 'hono/jsx';
import {
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleDeps,
  clearSessionCookie,
  readSessionToken,
  sendConsole,
  sendConsoleMessage,
  setSessionCookie,
} from '../console/console-app.tsx';
import { TextField } from '../console/console-fields.tsx';
import type { ConsoleKey, ConsoleWords } from '../console/console-words.ts';
import { clientAddress } from '../http/client-rate-limit.ts';
import { postedFields } from '../http/form-guard.ts';
import { ErrorSummary } from '../portal/form-parts.tsx';
import { portalHref } from '../portal/portal-layout.tsx';
import { LOCK_MS, type StaffAccounts, staffEmailSchema } from './staff-accounts.ts';
import { type PasswordProblem, passwordProblem } from './staff-passwords.ts';

// Signing in to the console, signing out, and choosing a password from a set-up link.
// A sign-in always opens a new session (a session planted before it is worth nothing
// after), and sends the member on only to a page of the console itself.

const MAX_NEXT_LENGTH = 1000;

/**
 * Where to go after signing in: `next` when it is a path of this site under /admin, else
 * the overview. Refused: other hosts (`//evil`, `/\evil`, `https://…`), backslashes and
 * controls (browsers read `\` as `/` and drop tabs and line breaks), and paths that only
 * reach /admin until dot segments are resolved (`/admin/%2e%2e/x`). What comes back is the
 * path as the URL parser resolved it.
 */
export function safeNextPath(next: string | undefined): string | null {
  if (next === undefined || next.length > MAX_NEXT_LENGTH) return null;
  if (!next.startsWith('/') || next.startsWith('//')) return null;
  if (/[\\\u0000-\u0020\u007f-\u009f]/.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, 'http://console.invalid');
  } catch {
    return null;
  }
  if (url.origin !== 'http://console.invalid') return null;
  if (url.pathname !== '/admin' && !url.pathname.startsWith('/admin/')) return null;
  return `${url.pathname}${url.search}`;
}

export const PASSWORD_PROBLEM_WORDS: Record<PasswordProblem, ConsoleKey> = {
  'too-short': 'staff_passwordTooShort',
  'too-long': 'staff_passwordTooLong',
  'contains-email': 'staff_passwordHasEmail',
  'one-character': 'staff_passwordOneCharacter',
};

/**
 * A console message whose `$1`, `$2`… are elements (an e-mail in its own <bdi>) rather
 * than text: each is put in as a private-use mark, then the message is cut at the marks.
 */
export function wordsWith(words: ConsoleWords, key: ConsoleKey, parts: readonly Child[]): Child[] {
  const message = words.c(
    key,
    parts.map((_, index) => `\uE000${index}\uE000`),
  );
  return message.split(/\uE000(\d)\uE000/).map((piece, index) => (index % 2 === 0 ? piece : parts[Number(piece)]));
}

type FieldErrors = Partial<Record<string, string>>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function waitWords(seconds: number, lang: string): string {
  const relative = new Intl.RelativeTimeFormat(`${lang}-MA`, { numeric: 'always' });
  return seconds < 120 ? relative.format(seconds, 'second') : relative.format(Math.ceil(seconds / 60), 'minute');
}

/** A password box: label, optional hint, the message at the field. */
function PasswordField(props: {
  words: ConsoleWords;
  id: string;
  name: string;
  label: string;
  hint?: string;
  autocomplete: 'current-password' | 'new-password';
  error: string | undefined;
}) {
  return <TextField {...props} type="password" dir="ltr" />;
}

export function registerSignInPages(app: ConsoleApp, deps: ConsoleDeps, accounts: StaffAccounts) {
  const signInPage = (
    c: ConsoleContext,
    state: { email: string; next: string; errors: FieldErrors; expired?: boolean },
    status: 200 | 400 | 403 | 429 = 200,
  ) => {
    const words = c.get('words');
    const token = c.get('guard').hiddenField(c);
    const { errors } = state;
    const summary = (['email', 'password'] as const).flatMap((field) => {
      const message = errors[field];
      return message ? [{ href: `#sign-in-${field}`, message, field }] : [];
    });
    return sendConsole(
      c,
      { title: words.c('staff_signInTitle') },
      <>
        <ErrorSummary words={words} errors={summary} />
        <h1>{words.c('staff_signInTitle')}</h1>
        {state.expired ? (
          <p class="notice" data-notice="expired">
            {words.c('staff_sessionEnded')}
          </p>
        ) : null}
        <p>{words.c('staff_signInIntro')}</p>
        <form method="post" action={portalHref(words.lang, '/admin/sign-in')} novalidate>
          <input type="hidden" name={token.name} value={token.value} />
          {safeNextPath(state.next) ? <input type="hidden" name="next" value={state.next} /> : null}
          <TextField
            words={words}
            id="sign-in-email"
            name="email"
            type="email"
            label={words.c('staff_emailLabel')}
            value={state.email}
            error={errors.email}
            autocomplete="username"
            dir="ltr"
            maxlength={254}
          />
          <PasswordField
            words={words}
            id="sign-in-password"
            name="password"
            label={words.c('staff_passwordLabel')}
            autocomplete="current-password"
            error={errors.password}
          />
          <button type="submit" class="button">
            {words.c('staff_signInButton')}
          </button>
        </form>
        <p>{words.c('staff_signInForgot')}</p>
      </>,
      status,
    );
  };

  app.get('/sign-in', (c) =>
    signInPage(c, { email: '', next: c.req.query('next') ?? '', errors: {}, expired: c.req.query('expired') === '1' }),
  );

  app.post('/sign-in', async (c) => {
    const words = c.get('words');
    const fields = await postedFields(c);
    const typed = { email: text(fields.email), password: text(fields.password), next: text(fields.next) };
    const email = staffEmailSchema.safeParse(typed.email);
    const errors: FieldErrors = {};
    if (typed.email.trim() === '') errors.email = words.c('staff_emailMissing');
    else if (!email.success) errors.email = words.c('staff_emailInvalid');
    if (typed.password === '') errors.password = words.c('staff_passwordMissing');
    if (!email.success || errors.password) return signInPage(c, { ...typed, errors }, 400);

    const allowance = await deps.signInLimiter.take(clientAddress(c));
    if (!allowance.allowed) {
      c.header('Retry-After', String(allowance.retryAfterSeconds));
      const message = words.c('staff_signInTooMany', [waitWords(allowance.retryAfterSeconds, words.lang)]);
      return signInPage(c, { ...typed, errors: { email: message } }, 429);
    }
    const result = await accounts.signIn(email.data, typed.password);
    if (!result.ok) {
      const message =
        result.reason === 'locked' ? words.c('staff_signInLocked', [LOCK_MS / 60_000]) : words.c('staff_signInWrong');
      return signInPage(c, { ...typed, errors: { password: message } }, result.reason === 'locked' ? 429 : 403);
    }
    await openSignedIn(c, result.sessionToken);
    return c.redirect(safeNextPath(typed.next) ?? portalHref(words.lang, '/admin'), 303);
  });

  /** The new session's cookie; the one the browser held before, if any, ends. */
  const openSignedIn = async (c: ConsoleContext, sessionToken: string) => {
    const previous = readSessionToken(c, deps);
    if (previous) await deps.sessions.revoke(previous);
    setSessionCookie(c, deps, sessionToken);
  };

  app.post('/sign-out', async (c) => {
    const token = readSessionToken(c, deps);
    if (token) await accounts.signOut(token, c.get('staff'));
    clearSessionCookie(c, deps);
    return c.redirect(portalHref(c.get('words').lang, '/admin/sign-in'), 303);
  });

  const linkNotFound = (c: ConsoleContext) => {
    const words = c.get('words');
    return sendConsoleMessage(
      c,
      {
        title: words.c('staff_linkInvalidTitle'),
        body: words.c('staff_linkInvalidBody'),
        link: { href: portalHref(words.lang, '/admin/sign-in'), text: words.c('staff_goToSignIn') },
      },
      404,
    );
  };

  const setupPage = (c: ConsoleContext, email: string, errors: FieldErrors, status: 200 | 400 = 200) => {
    const words = c.get('words');
    const token = c.get('guard').hiddenField(c);
    const summary = (['password', 'confirm'] as const).flatMap((field) => {
      const message = errors[field];
      return message ? [{ href: `#setup-${field}`, message, field }] : [];
    });
    return sendConsole(
      c,
      { title: words.c('staff_setupTitle') },
      <>
        <ErrorSummary words={words} errors={summary} />
        <h1>{words.c('staff_setupTitle')}</h1>
        <p>{wordsWith(words, 'staff_setupIntro', [<bdi dir="ltr">{email}</bdi>])}</p>
        <form method="post" action={portalHref(words.lang, c.req.path)} novalidate>
          <input type="hidden" name={token.name} value={token.value} />
          <PasswordField
            words={words}
            id="setup-password"
            name="password"
            label={words.c('staff_newPasswordLabel')}
            hint={words.c('staff_newPasswordHint')}
            autocomplete="new-password"
            error={errors.password}
          />
          <PasswordField
            words={words}
            id="setup-confirm"
            name="confirm"
            label={words.c('staff_confirmPasswordLabel')}
            autocomplete="new-password"
            error={errors.confirm}
          />
          <button type="submit" class="button">
            {words.c('staff_setupButton')}
          </button>
        </form>
      </>,
      status,
    );
  };

  app.get('/setup/:token', async (c) => {
    const member = await accounts.setupLinkAccount(c.req.param('token'));
    return member ? setupPage(c, member.email, {}) : linkNotFound(c);
  });

  app.post('/setup/:token', async (c) => {
    const words = c.get('words');
    const linkToken = c.req.param('token');
    const member = await accounts.setupLinkAccount(linkToken);
    if (!member) return linkNotFound(c);
    const fields = await postedFields(c);
    const password = text(fields.password);
    const confirm = text(fields.confirm);
    const errors: FieldErrors = {};
    const problem = passwordProblem(password, member.email);
    if (password === '') errors.password = words.c('staff_passwordMissing');
    else if (problem) errors.password = words.c(PASSWORD_PROBLEM_WORDS[problem]);
    if (confirm === '') errors.confirm = words.c('staff_confirmMissing');
    else if (!errors.password && confirm !== password) errors.confirm = words.c('staff_passwordsDiffer');
    if (errors.password || errors.confirm) return setupPage(c, member.email, errors, 400);

    const result = await accounts.completeSetup(linkToken, password);
    if (!result.ok) {
      if (result.reason === 'link') return linkNotFound(c);
      return setupPage(c, member.email, { password: words.c(PASSWORD_PROBLEM_WORDS[result.problem]) }, 400);
    }
    await openSignedIn(c, result.sessionToken);
    return c.redirect(portalHref(words.lang, '/admin'), 303);
  });
}
