import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  formatMessage,
  type LocaleMessages,
  localeMessagesSchema,
  type MessageKey,
  type Translator,
} from '../../src/ui/locale-messages.ts';

// The portal's words: the extension's own messages where the two say the same thing (a
// verdict, its reasons, a label), and the portal's in `words/<area>.<lang>.json`, in the
// same format. One translator reads both, so a check on the portal and the popup speak
// with the same sentences.

export const PORTAL_LANGUAGES = ['ar', 'fr', 'en'] as const;
export type PortalLanguage = (typeof PORTAL_LANGUAGES)[number];

export function isPortalLanguage(value: unknown): value is PortalLanguage {
  return typeof value === 'string' && (PORTAL_LANGUAGES as readonly string[]).includes(value);
}

/** Every portal message name; English is the reference locale. */
export type PortalKey =
  | keyof typeof import('./words/common.en.json')
  | keyof typeof import('./words/check.en.json')
  | keyof typeof import('./words/report.en.json')
  | keyof typeof import('./words/info.en.json')
  | keyof typeof import('./words/merchants.en.json')
  | keyof typeof import('./words/apply.en.json')
  | keyof typeof import('./words/desk.en.json')
  | keyof typeof import('./words/opendata.en.json')
  | keyof typeof import('./words/contest.en.json');

export interface PortalWords extends Translator {
  readonly lang: PortalLanguage;
  /** A portal or extension message. */
  p(key: PortalKey | MessageKey, substitutions?: ReadonlyArray<string | number>): string;
}

const EXTENSION_LOCALES = fileURLToPath(new URL('../../public/_locales/', import.meta.url));
const PORTAL_WORDS = fileURLToPath(new URL('./words/', import.meta.url));

function readMessages(path: string): LocaleMessages {
  return localeMessagesSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** The portal's own message files of one language, merged; a name defined twice is an error. */
export function portalMessages(lang: PortalLanguage, folder = PORTAL_WORDS): LocaleMessages {
  const merged: LocaleMessages = {};
  const files = readdirSync(folder)
    .filter((name) => name.endsWith(`.${lang}.json`))
    .sort();
  for (const file of files) {
    for (const [key, entry] of Object.entries(readMessages(`${folder}${file}`))) {
      if (key in merged) throw new Error(`portal words: ${key} is defined twice (${file})`);
      merged[key] = entry;
    }
  }
  return merged;
}

function buildWords(lang: PortalLanguage): PortalWords {
  const extension = readMessages(`${EXTENSION_LOCALES}${lang}/messages.json`);
  const portal = portalMessages(lang);
  for (const key of Object.keys(portal)) {
    if (key in extension) throw new Error(`portal words: ${key} is also an extension message`);
  }
  const messages = { ...extension, ...portal };
  const lookup = (key: string, substitutions?: ReadonlyArray<string | number>) =>
    formatMessage(messages[key], substitutions);
  return {
    lang,
    dir: lang === 'ar' ? 'rtl' : 'ltr',
    t: lookup,
    p: lookup,
  };
}

const cache = new Map<PortalLanguage, PortalWords>();

/** The words of one language, read once per process. */
export function portalWords(lang: PortalLanguage): PortalWords {
  let words = cache.get(lang);
  if (!words) {
    words = buildWords(lang);
    cache.set(lang, words);
  }
  return words;
}
