/** @jsxImportSource hono/jsx */
import type { PortalApp, PortalDeps } from './portal-app.tsx';
import { portalHref, type Section, sendPage } from './portal-layout.tsx';
import type { PortalSettings } from './portal-settings.ts';
import type { PortalKey, PortalWords } from './portal-words.ts';
import { type PublisherTextName, PublisherTexts } from './publisher-texts.ts';
import { SafeMarkdown } from './safe-markdown.tsx';

// The information pages: the shopper's rights (law 31-08), privacy (law 09-08) and
// accessibility, whose texts the publisher may rewrite (publisher-texts.ts), and how to
// get the extension, whose store pages the publisher names in the environment.

/** The manifest's minimum versions (wxt.config.ts): Ed25519 in WebCrypto. */
export const MINIMUM_BROWSER_VERSIONS = { chrome: 137, firefox: 129 } as const;

interface TextPage {
  path: string;
  text: PublisherTextName;
  title: PortalKey;
  lead: PortalKey;
  section?: Section;
  /** Where the text sends readers to the publisher: privacy and accessibility requests. */
  contact: boolean;
}

const TEXT_PAGES: readonly TextPage[] = [
  {
    path: '/rights',
    text: 'rights',
    title: 'info_rightsTitle',
    lead: 'info_rightsLead',
    section: 'rights',
    contact: false,
  },
  { path: '/privacy', text: 'privacy', title: 'info_privacyTitle', lead: 'info_privacyLead', contact: true },
  {
    path: '/accessibility',
    text: 'accessibility',
    title: 'info_accessibilityTitle',
    lead: 'info_accessibilityLead',
    contact: true,
  },
];

function PublisherContactSection(props: { words: PortalWords; settings: PortalSettings; cndp: boolean }) {
  const { words, settings, cndp } = props;
  const { publisherName, publisherContact } = settings;
  return (
    <section aria-labelledby="contact-heading" class="prose">
      <h2 id="contact-heading">{words.p('info_contactHeading')}</h2>
      {publisherName ? (
        <p>
          {words.p('info_publisherLabel')} <bdi>{publisherName}</bdi>
        </p>
      ) : null}
      <p>{words.p('info_publisherResponsible')}</p>
      {publisherContact ? (
        <p>
          {words.p('info_contactLabel')}{' '}
          <a href={publisherContact.href} dir="ltr">
            {publisherContact.text}
          </a>
        </p>
      ) : (
        <p>{words.p('info_contactMissing')}</p>
      )}
      {cndp ? (
        <p>
          {words.p('info_cndpReminder')} <a href="https://www.cndp.ma/">www.cndp.ma</a>
        </p>
      ) : null}
    </section>
  );
}

function StoreLink(props: { words: PortalWords; url: string | undefined; button: PortalKey }) {
  const { words, url, button } = props;
  return url ? (
    <p>
      <a class="button" href={url}>
        {words.p(button)}
      </a>
    </p>
  ) : (
    <p class="notice">{words.p('info_extensionNotListed')}</p>
  );
}

function ExtensionPage(props: { words: PortalWords; settings: PortalSettings }) {
  const { words, settings } = props;
  const list = (keys: PortalKey[]) => (
    <ul>
      {keys.map((key) => (
        <li>{words.p(key)}</li>
      ))}
    </ul>
  );
  return (
    <div class="prose">
      <h1>{words.p('info_extensionTitle')}</h1>
      <p class="lead">{words.p('info_extensionLead')}</p>
      <h2>{words.p('info_extensionDoesHeading')}</h2>
      {list([
        'info_extensionDoesToolbar',
        'info_extensionDoesBadge',
        'info_extensionDoesPopup',
        'info_extensionDoesReport',
      ])}
      <h2>{words.p('info_extensionPrivacyHeading')}</h2>
      {list([
        'info_extensionPrivacyLocal',
        'info_extensionPrivacySync',
        'info_extensionPrivacyNothing',
        'info_extensionPrivacyReports',
      ])}
      <h2>{words.p('info_extensionInstallHeading')}</h2>
      <h3>{words.p('info_extensionChromeHeading')}</h3>
      <p>{words.p('info_extensionChromeVersion', [MINIMUM_BROWSER_VERSIONS.chrome])}</p>
      <StoreLink words={words} url={settings.extensionChromeUrl} button="info_extensionChromeButton" />
      <h3>{words.p('info_extensionFirefoxHeading')}</h3>
      <p>{words.p('info_extensionFirefoxVersion', [MINIMUM_BROWSER_VERSIONS.firefox])}</p>
      <StoreLink words={words} url={settings.extensionFirefoxUrl} button="info_extensionFirefoxButton" />
      <h3>{words.p('info_extensionAndroidHeading')}</h3>
      <p>{words.p(settings.extensionFirefoxUrl ? 'info_extensionAndroidBody' : 'info_extensionNotListed')}</p>
      <h2>{words.p('info_extensionPhoneHeading')}</h2>
      <p>{words.p('info_extensionPhoneBody')}</p>
      <p>
        <a class="button button--secondary" href={portalHref(words.lang, '/')}>
          {words.p('info_extensionPhoneLink')}
        </a>
      </p>
    </div>
  );
}

export function registerInfoPages(app: PortalApp, deps: PortalDeps): void {
  const { context, settings } = deps;
  const texts = new PublisherTexts(context.dataDir, (line) => console.error(line));

  for (const page of TEXT_PAGES) {
    app.get(page.path, async (c) => {
      const words = c.get('words');
      const blocks = await texts.blocks(page.text, words.lang);
      return sendPage(
        c,
        { words, title: words.p(page.title), ...(page.section ? { section: page.section } : {}) },
        <>
          <h1>{words.p(page.title)}</h1>
          <p class="lead">{words.p(page.lead)}</p>
          {page.text === 'rights' ? <p class="notice">{words.p('info_notLegalAdvice')}</p> : null}
          <SafeMarkdown blocks={blocks} lang={words.lang} />
          {page.contact ? (
            <PublisherContactSection words={words} settings={settings} cndp={page.text === 'privacy'} />
          ) : null}
        </>,
      );
    });
  }

  app.get('/extension', (c) => {
    const words = c.get('words');
    return sendPage(
      c,
      { words, title: words.p('info_extensionTitle'), section: 'extension' },
      <ExtensionPage words={words} settings={settings} />,
    );
  });
}
