import { type ComponentChild, render } from 'preact';
import { sendRequest } from '../extension/send-request.ts';
import { browserTranslator, loadTranslator, type Translator } from '../extension/translator.ts';
import { TranslatorContext } from './translator-context.ts';

/**
 * Renders an extension page in the shopper's language: the language setting picks the
 * words, and the page takes that locale's `lang` and writing direction.
 */
export async function startPage(title: (translator: Translator) => string, page: () => ComponentChild): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  let translator: Translator;
  try {
    const { language } = await sendRequest({ type: 'getSettings' });
    translator = await loadTranslator(language);
  } catch {
    translator = browserTranslator();
  }
  document.documentElement.lang = translator.lang;
  document.documentElement.dir = translator.dir;
  document.title = title(translator);
  render(<TranslatorContext.Provider value={translator}>{page()}</TranslatorContext.Provider>, root);
}
