import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseHTML } from 'linkedom';
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import { bundledRightsPage } from './help-texts.ts';
import { HelpView } from './help-view.tsx';
import { TranslatorContext } from './translator-context.ts';

// The bundled rights page says what the portal's rights page says, in each language: its
// title, lead and notice from the portal's words, its sections from the portal's text.

const PORTAL = resolve(import.meta.dirname, '../../server/portal');
const portalWords = (lang: string) =>
  JSON.parse(readFileSync(resolve(PORTAL, `words/info.${lang}.json`), 'utf8')) as Record<string, { message: string }>;
/** The `## ` headings of the portal's shipped text, as written. */
const portalHeadings = (lang: string) =>
  readFileSync(resolve(PORTAL, `texts/rights.${lang}.md`), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('## '))
    .map((line) => line.slice(3).trim());

function renderHelp(lang: 'ar' | 'fr' | 'en'): Element {
  const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
  const root = document.getElementById('root') as unknown as Element;
  const previous = globalThis.document;
  globalThis.document = document as unknown as Document;
  try {
    render(
      <TranslatorContext.Provider value={localeTranslator(lang)}>
        <HelpView portalUrl="https://thiqa.ma" />
      </TranslatorContext.Provider>,
      root,
    );
  } finally {
    globalThis.document = previous;
  }
  return root;
}

const text = (element: Element | null | undefined) => element?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

describe('the bundled help page', () => {
  it.each(['ar', 'fr', 'en'] as const)(
    'in %s, shows the portal rights page’s title, lead, notice and sections',
    (lang) => {
      const root = renderHelp(lang);
      const main = root.querySelector('main');
      expect(main?.getAttribute('lang')).toBe(lang);
      expect(main?.getAttribute('dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      const words = portalWords(lang);
      expect(text(root.querySelector('h1'))).toBe(words.info_rightsTitle?.message);
      expect(text(root.querySelector('.help__lead'))).toBe(words.info_rightsLead?.message);
      expect(text(root.querySelector('.help__notice'))).toBe(words.info_notLegalAdvice?.message);
      const headings = [...root.querySelectorAll('h2')].map((heading) => text(heading));
      expect(headings).toEqual(portalHeadings(lang));
      expect(headings.length).toBeGreaterThanOrEqual(5);
      // The latest version is one click away, on the portal, in the same language.
      expect(root.querySelector('.help__bundled a')?.getAttribute('href')).toBe(`https://thiqa.ma/rights?lang=${lang}`);
    },
  );

  it('points links to the portal’s own pages at the portal, and isolates addresses left to right', () => {
    const root = renderHelp('ar');
    const hrefs = [...root.querySelectorAll('main > :not(.help__bundled) a')].map((link) => link.getAttribute('href'));
    expect(hrefs).toContain('https://thiqa.ma/report?lang=ar');
    expect(hrefs).toContain('https://www.cndp.ma/');
    expect(hrefs.every((href) => /^https:\/\//.test(href ?? ''))).toBe(true);
    const isolated = [...root.querySelectorAll('bdi[dir="ltr"]')].map((bdi) => bdi.textContent);
    expect(isolated).toContain('e-blagh.dgsn.ma');
  });

  it('falls back to English for a language the portal does not speak', () => {
    expect(bundledRightsPage('de')).toMatchObject({
      lang: 'en',
      dir: 'ltr',
      title: 'Your rights as an online shopper',
    });
  });
});
