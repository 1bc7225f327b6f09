/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import { PORTAL_ASSETS } from './portal-assets.ts';
import { PORTAL_LANGUAGES, type PortalKey, type PortalLanguage, type PortalWords } from './portal-words.ts';

// The frame of every portal page: language and direction on <html>, a skip link, the
// sections, the language switcher and the footer. No inline script or style: the
// Content-Security-Policy forbids both.

/** The sections named in the header; a page says which one it belongs to. */
export type Section = 'check' | 'merchants' | 'report' | 'rights' | 'extension';

const SECTIONS: ReadonlyArray<{ section: Section; path: string; words: PortalKey }> = [
  { section: 'check', path: '/', words: 'nav_check' },
  { section: 'merchants', path: '/merchants', words: 'nav_merchants' },
  { section: 'report', path: '/report', words: 'nav_report' },
  { section: 'rights', path: '/rights', words: 'nav_rights' },
  { section: 'extension', path: '/extension', words: 'nav_extension' },
];

/** Past this, the language switcher leads to the page without its query. */
const MAX_SWITCHER_QUERY = 2_500;

/**
 * The page's own path for the switcher's links, never another site's: `//evil.example/x`
 * (a path the server was asked for) would be a link to evil.example.
 */
function samePath(pathname: string): string {
  return pathname.replace(/^[/\\]+/, '/');
}

/** Each language named in itself, as a switcher should. */
const LANGUAGE_NAMES: Record<PortalLanguage, string> = { ar: 'العربية', fr: 'Français', en: 'English' };

/**
 * A link inside the portal. It names the language, so a page read without cookies keeps
 * the shopper's choice from link to link.
 */
export function portalHref(
  lang: PortalLanguage,
  path: string,
  params: Record<string, string | number | undefined> = {},
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  query.set('lang', lang);
  return `${path}?${query}`;
}

export interface PageFrame {
  words: PortalWords;
  /** The page's own title; the site's name follows it in the tab. */
  title: string;
  section?: Section;
  /** The request's path and query, so that the language switcher stays on this page. */
  url: URL;
}

export function LanguageSwitcher(props: { words: PortalWords; url: URL }) {
  const { words, url } = props;
  return (
    <nav class="languages" aria-label={words.p('site_languageLabel')}>
      <ul>
        {PORTAL_LANGUAGES.map((lang) => {
          // A hostile 10 KB query is not repeated in every link of every page.
          const query = new URLSearchParams(url.search.length <= MAX_SWITCHER_QUERY ? url.search : '');
          query.set('lang', lang);
          return (
            <li>
              <a
                href={`${samePath(url.pathname)}?${query}`}
                lang={lang}
                hreflang={lang}
                aria-current={lang === words.lang ? 'true' : undefined}
              >
                {LANGUAGE_NAMES[lang]}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function PortalPage(props: PageFrame & { children?: Child }) {
  const { words, title, section, url } = props;
  const { lang } = words;
  return (
    <html lang={lang} dir={words.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${words.p('site_name')}`}</title>
        <link rel="stylesheet" href={PORTAL_ASSETS.stylesheet} />
        <link rel="icon" href={PORTAL_ASSETS.icon} type="image/svg+xml" />
        <script src={PORTAL_ASSETS.script} defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {words.p('site_skipToContent')}
        </a>
        <header class="site-header">
          <div class="site-header__top width">
            <a class="site-name" href={portalHref(lang, '/')}>
              <img src={PORTAL_ASSETS.icon} alt="" width="32" height="32" />
              <span>{words.p('site_name')}</span>
            </a>
            <LanguageSwitcher words={words} url={url} />
          </div>
          <nav class="sections width" aria-label={words.p('site_navLabel')}>
            <ul>
              {SECTIONS.map((entry) => (
                <li>
                  <a href={portalHref(lang, entry.path)} aria-current={entry.section === section ? 'page' : undefined}>
                    {words.p(entry.words)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main" class="width" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <nav class="width" aria-label={words.p('site_footerLabel')}>
            <ul>
              <li>
                <a href={portalHref(lang, '/privacy')}>{words.p('footer_privacy')}</a>
              </li>
              <li>
                <a href={portalHref(lang, '/accessibility')}>{words.p('footer_accessibility')}</a>
              </li>
              <li>
                <a href={portalHref(lang, '/apply')}>{words.p('apply_footerLink')}</a>
              </li>
              <li>
                <a href={portalHref(lang, '/open-data')}>{words.p('opendata_footerLink')}</a>
              </li>
              <li>
                <a href="/v1/openapi.json">{words.p('footer_api')}</a>
              </li>
            </ul>
            <p>{words.p('footer_noTracking')}</p>
          </nav>
        </footer>
      </body>
    </html>
  );
}

/** Sends a page: the doctype, then the frame around `body`. */
export function sendPage(
  c: Context,
  frame: Omit<PageFrame, 'url'>,
  body: Child,
  status: 200 | 400 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 500 | 503 = 200,
) {
  const page = (
    <PortalPage {...frame} url={new URL(c.req.url)}>
      {body}
    </PortalPage>
  );
  return c.html(html`<!doctype html>${page}`, status);
}

/** A page that only says one thing and where to go next: not found, an error, a refused form. */
export function sendMessagePage(
  c: Context,
  words: PortalWords,
  message: { title: string; body: string; link: { href: string; text: string; button?: boolean } },
  status: 403 | 404 | 413 | 500,
) {
  const { title, body, link } = message;
  return sendPage(
    c,
    { words, title },
    <>
      <h1>{title}</h1>
      <p>{body}</p>
      <p>
        <a class={link.button ? 'button' : undefined} href={link.href}>
          {link.text}
        </a>
      </p>
    </>,
    status,
  );
}
