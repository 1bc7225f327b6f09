import { z } from 'zod';

// The `_locales/<lang>/messages.json` format, read by us when the shopper picks a language
// other than the browser's (and by the locale data tests).

export const localeMessagesSchema = z.record(
  z.string(),
  z.object({
    message: z.string(),
    description: z.string().optional(),
    placeholders: z.record(z.string(), z.object({ content: z.string(), example: z.string().optional() })).optional(),
  }),
);
export type LocaleMessages = z.infer<typeof localeMessagesSchema>;

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

/** Every message name the UI may ask for; English is the reference locale. */
export type MessageKey = keyof typeof import('../../public/_locales/en/messages.json');

export interface Translator {
  /** The locale whose words are used (`ar`, `fr`, `en`), for `lang` attributes and Intl. */
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  t(key: MessageKey, substitutions?: ReadonlyArray<string | number>): string;
}

/** A translator over one locale's messages file (the shopper's chosen language, or a test's). */
export function translatorFromMessages(messages: LocaleMessages): Translator {
  return {
    lang: formatMessage(messages.languageCode) || 'en',
    dir: formatMessage(messages.textDirection) === 'rtl' ? 'rtl' : 'ltr',
    t: (key, substitutions) => formatMessage(messages[key], substitutions),
  };
}
