import { moroccanLocale } from '../../src/ui/verdict-words.ts';

/**
 * A moment of the report, as a Moroccan shopper reads a clock: in Morocco's time, whatever
 * the server's own time zone.
 */
export function momentWords(instant: string, lang: string): string {
  return new Intl.DateTimeFormat(moroccanLocale(lang), {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Africa/Casablanca',
  }).format(new Date(instant));
}

/** How long to wait, in the shopper's language with its own plural rules ("in 45 seconds"). */
export function waitWords(seconds: number, lang: string): string {
  const relative = new Intl.RelativeTimeFormat(moroccanLocale(lang), { numeric: 'always' });
  return seconds < 120 ? relative.format(seconds, 'second') : relative.format(Math.ceil(seconds / 60), 'minute');
}
