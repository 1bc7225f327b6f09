import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { localeMessagesSchema, type Translator, translatorFromMessages } from '../../src/ui/locale-messages.ts';

/** A translator over the real locale file, for tests that assert the shopper's words. */
export function localeTranslator(lang: 'ar' | 'fr' | 'en'): Translator {
  const file = resolve(import.meta.dirname, '../../public/_locales', lang, 'messages.json');
  return translatorFromMessages(localeMessagesSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
}
