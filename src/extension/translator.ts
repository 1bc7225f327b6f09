import browser from 'webextension-polyfill';
import { z } from 'zod';
import type { LanguageChoice } from './settings.ts';

/** Every message name the UI may ask for; English is the reference locale. */
export type MessageKey = keyof typeof import('../../public/_locales/en/messages.json');

export const localeMessagesSchema = z.record(
  z.string(),
  z.object({
    message: z.string(),
    description: z.string().optional(),
    placeholders: z.record(z.string(), z.object({ content: z.string(), example: z.string().optional() })).optional(),
  }),
);
export type LocaleMessages = z.infer<typeof localeMessagesSchema>;

export interface Translator {
  /** The locale whose words are used (`ar`, `fr`, `en`), for `lang` attributes and Intl. */
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  t(key: MessageKey, substitutions?: ReadonlyArray<string | number>): string;
}

/**
 * Fills a message the way `browser.i18n.getMessage` does: `$name$` takes its
 * placeholder's content, `$1`…`$9` take the substitutions, `$$` is a dollar sign.
 */
export function formatMessage(
  entry: LocaleMessages[string] | undefined,
  substitutions: ReadonlyArray<string | number> = [],
): string {
  if (!entry) return '';
  const positional = (text: string) =>
    text.replace(/\$(\$|[1-9])/g, (_, which: string) =>
      which === '$' ? '$' : String(substitutions[Number(which) - 1] ?? ''),
    );
  const placeholders = entry.placeholders ?? {};
  const named = entry.message.replace(/\$([a-z0-9_@]+)\$/gi, (whole, name: string) => {
    const placeholder = placeholders[name.toLowerCase()];
    return placeholder ? positional(placeholder.content) : whole;
  });
  return positional(named);
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
