import { fileURLToPath } from 'node:url';
import { formatMessage } from '../../src/ui/locale-messages.ts';
import { type PortalLanguage, type PortalWords, portalMessages, portalWords } from '../portal/portal-words.ts';

// The console's words: its own in `words/<area>.<lang>.json`, over the portal's (and so
// the extension's), in the same format. A console name that is also a portal or
// extension name is an error, as in the portal.

export type ConsoleKey =
  | keyof typeof import('./words/console.en.json')
  | keyof typeof import('./words/staff.en.json')
  | keyof typeof import('./words/moderation.en.json')
  | keyof typeof import('./words/registry.en.json')
  | keyof typeof import('./words/verification.en.json')
  | keyof typeof import('./words/contests.en.json');

export interface ConsoleWords extends PortalWords {
  /** A console message. */
  c(key: ConsoleKey, substitutions?: ReadonlyArray<string | number>): string;
}

const CONSOLE_WORDS = fileURLToPath(new URL('./words/', import.meta.url));

function buildWords(lang: PortalLanguage): ConsoleWords {
  const portal = portalWords(lang);
  const own = portalMessages(lang, CONSOLE_WORDS);
  for (const key of Object.keys(own)) {
    if (portal.t(key as never) !== '') throw new Error(`console words: ${key} is also a portal or extension message`);
  }
  return {
    ...portal,
    c: (key, substitutions) => formatMessage(own[key], substitutions),
  };
}

const cache = new Map<PortalLanguage, ConsoleWords>();

/** The console's words of one language, read once per process. */
export function consoleWords(lang: PortalLanguage): ConsoleWords {
  let words = cache.get(lang);
  if (!words) {
    words = buildWords(lang);
    cache.set(lang, words);
  }
  return words;
}
