import { type ComponentChild, render } from 'preact';
import type { LanguageChoice, SendRequest } from '../extension/messages.ts';
import type { Translator } from './locale-messages.ts';
import { RequestContext } from './request-context.ts';
import { TranslatorContext } from './translator-context.ts';
import { levelPalette } from './verdict-levels.ts';

/** What a page's entrypoint hands its screens: the protocol's sender and the words for a language choice. */
export interface PageWiring {
  send: SendRequest;
  /** The browser's own words for `auto`, else ours for that language (falling back to the browser's). */
  translatorFor(language: LanguageChoice): Promise<Translator>;
}

/**
 * Renders an extension page in the shopper's language: the language setting picks the
 * words, and the page takes that locale's `lang` and writing direction.
 */
export async function startPage(
  wiring: PageWiring,
  title: (translator: Translator) => string,
  page: () => ComponentChild,
): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  const language = await wiring.send({ type: 'getSettings' }).then(
    (settings) => settings.language,
    (): LanguageChoice => 'auto',
  );
  const translator = await wiring.translatorFor(language);
  document.documentElement.lang = translator.lang;
  document.documentElement.dir = translator.dir;
  for (const [property, colour] of Object.entries(levelPalette())) {
    document.documentElement.style.setProperty(property, colour);
  }
  document.title = title(translator);
  render(
    <RequestContext.Provider value={wiring.send}>
      <TranslatorContext.Provider value={translator}>{page()}</TranslatorContext.Provider>
    </RequestContext.Provider>,
    root,
  );
}
