import browser from 'webextension-polyfill';
import { formatMessage, type LocaleMessages, localeMessagesSchema } from './locale-messages.ts';
import type { LanguageChoice } from './setting-values.ts';

/** Every message name the UI may ask for; English is the reference locale. */
export type MessageKey = keyof typeof import('../../public/_locales/en/messages.json');

export interface Translator {
  /** The locale whose words are used (`ar`, `fr`, `en`), for `lang` attributes and Intl. */
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  t(key: MessageKey, substitutions?: ReadonlyArray<string | number>): string;
}

function fromMessages(messages: LocaleMessages): Translator {
  return {
    lang: formatMessage(messages.languageCode) || 'en',
    dir: formatMessage(messages.textDirection) === 'rtl' ? 'rtl' : 'ltr',
    t: (key, substitutions) => formatMessage(messages[key], substitutions),
  };
}

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
    return fromMessages(localeMessagesSchema.parse(await response.json()));
  } catch {
    return browserTranslator();
  }
}
