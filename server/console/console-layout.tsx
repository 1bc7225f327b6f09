/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import { PORTAL_ASSETS } from '../portal/portal-assets.ts';
import { LanguageSwitcher, portalHref } from '../portal/portal-layout.tsx';
import { may, type Permission, type StaffMember } from '../staff/staff-roles.ts';
import type { ConsoleKey, ConsoleWords } from './console-words.ts';

// The frame of every console page: the portal's look, the console's sections for the
// member's role, who is signed in and a sign-out button. No inline script or style.

/** The console's sections; a page says which one it belongs to. */
export type ConsoleSection =
  | 'home'
  | 'queue'
  | 'complaints'
  | 'flags'
  | 'contests'
  | 'merchants'
  | 'applications'
  | 'reverify'
  | 'publish'
  | 'audit'
  | 'staff';

const SECTIONS: ReadonlyArray<{ section: ConsoleSection; path: string; words: ConsoleKey; needs: Permission }> = [
  { section: 'home', path: '/admin', words: 'console_home', needs: 'read' },
  { section: 'queue', path: '/admin/queue', words: 'console_navQueue', needs: 'moderate' },
  { section: 'complaints', path: '/admin/complaints', words: 'console_navComplaints', needs: 'moderate' },
  { section: 'flags', path: '/admin/flags', words: 'console_navFlags', needs: 'moderate' },
  { section: 'contests', path: '/admin/contests', words: 'contests_nav', needs: 'moderate' },
  { section: 'merchants', path: '/admin/merchants', words: 'console_navMerchants', needs: 'read' },
  { section: 'applications', path: '/admin/applications', words: 'console_navApplications', needs: 'verify' },
  { section: 'reverify', path: '/admin/reverify', words: 'console_navReverify', needs: 'verify' },
  { section: 'publish', path: '/admin/publish', words: 'console_navPublish', needs: 'moderate' },
  { section: 'audit', path: '/admin/audit', words: 'console_navAudit', needs: 'read' },
  { section: 'staff', path: '/admin/staff', words: 'console_navStaff', needs: 'accounts' },
];

export const ROLE_WORDS: Record<StaffMember['role'], ConsoleKey> = {
  admin: 'console_roleAdmin',
  moderator: 'console_roleModerator',
  verifier: 'console_roleVerifier',
};

export interface ConsoleFrame {
  words: ConsoleWords;
  title: string;
  section?: ConsoleSection;
  /** Who is signed in; absent on the sign-in and set-up pages. */
  staff?: StaffMember | undefined;
  /** The hidden field of the sign-out form (the console's form guard). */
  formField?: { name: string; value: string } | undefined;
  url: URL;
}

export function ConsolePage(props: ConsoleFrame & { children?: Child }) {
  const { words, title, section, staff, formField, url } = props;
  const { lang } = words;
  return (
    <html lang={lang} dir={words.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} — ${words.c('console_name')}`}</title>
        <link rel="stylesheet" href={PORTAL_ASSETS.stylesheet} />
        <link rel="stylesheet" href={PORTAL_ASSETS.consoleStylesheet} />
        <link rel="icon" href={PORTAL_ASSETS.icon} type="image/svg+xml" />
        <script src={PORTAL_ASSETS.consoleScript} defer />
      </head>
      <body class="console">
        <a class="skip-link" href="#main">
          {words.p('site_skipToContent')}
        </a>
        <header class="site-header">
          <div class="site-header__top width">
            <a class="site-name" href={portalHref(lang, '/admin')}>
              <img src={PORTAL_ASSETS.icon} alt="" width="32" height="32" />
              <span>{words.c('console_name')}</span>
            </a>
            <LanguageSwitcher words={words} url={url} />
          </div>
          {staff ? (
            <>
              <div class="console-bar width">
                <p>{words.c('console_signedInAs', [staff.name, words.c(ROLE_WORDS[staff.role])])}</p>
                <form method="post" action={portalHref(lang, '/admin/sign-out')}>
                  {formField ? <input type="hidden" name={formField.name} value={formField.value} /> : null}
                  <button type="submit" class="button button--secondary">
                    {words.c('console_signOut')}
                  </button>
                </form>
              </div>
              <nav class="sections width" aria-label={words.c('console_navLabel')}>
                <ul>
                  {SECTIONS.filter((entry) => may(staff.role, entry.needs)).map((entry) => (
                    <li>
                      <a
                        href={portalHref(lang, entry.path)}
                        aria-current={entry.section === section ? 'page' : undefined}
                      >
                        {words.c(entry.words)}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            </>
          ) : null}
        </header>
        <main id="main" class="width" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Sends a console page: the doctype, then the frame around `body`. */
export function sendConsolePage(
  c: Context,
  frame: Omit<ConsoleFrame, 'url'>,
  body: Child,
  status: 200 | 400 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503 = 200,
) {
  const page = (
    <ConsolePage {...frame} url={new URL(c.req.url)}>
      {body}
    </ConsolePage>
  );
  return c.html(html`<!doctype html>${page}`, status);
}
