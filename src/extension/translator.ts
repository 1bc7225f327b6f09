import browser from 'webextension-polyfill';
import {
  localeMessagesSchema,
  type MessageKey,
  type Translator,
  translatorFromMessages,
} from '../ui/locale-messages.ts';

export type { MessageKey, Translator };

import type { LanguageChoice } from './setting-values.ts';

/** The browser's own choice of locale, through `browser.i18n`. */
export function browserTranslator(): Translator {
  const t = (key: MessageKey, substitutions?: ReadonlyArray<string | number>) =>
    browser.i18n.getMessage(key, substitutions?.map(String));
  return { lang: t('languageCode') || 'en', dir: t('textDirection') === 'rtl' ? 'rtl' : 'ltr', t };
}

/**
 * The translator for the shopper's language choice: the browser's locale by default,
 * or one of ours read from the extension's own `_locales` files when chosen in options
 * (`browser.i18n` cannot switch language at run time).
 */
export async function loadTranslator(language: LanguageChoice): Promise<Translator> {
  if (language === 'auto') return browserTranslator();
  try {
    const response = await fetch(browser.runtime.getURL(`/_locales/${language}/messages.json`));
    return translatorFromMessages(localeMessagesSchema.parse(await response.json()));
  } catch {
    return browserTranslator();
  }
}
