import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMessage, localeMessagesSchema } from '../../src/ui/locale-messages.ts';

// Every locale has every key, with the same placeholders, so no shopper ever meets a
// blank or a stray `$1` in their language.

const LOCALES = resolve(import.meta.dirname, '../../public/_locales');
const locales = Object.fromEntries(
  readdirSync(LOCALES).map((lang) => [
    lang,
    localeMessagesSchema.parse(JSON.parse(readFileSync(resolve(LOCALES, lang, 'messages.json'), 'utf8'))),
  ]),
);
const reference = locales.en ?? {};
const placeholdersOf = (entry: { message: string; placeholders?: Record<string, { content: string }> }) => ({
  used: [...entry.message.matchAll(/\$([a-z0-9_]+)\$/gi)].map((match) => match[1]?.toLowerCase()).sort(),
  declared: Object.entries(entry.placeholders ?? {})
    .map(([name, placeholder]) => `${name}=${placeholder.content}`)
    .sort(),
});

/** A message in one plural form of the language's rules (Intl.PluralRules), e.g. `answers_rate__few`. */
const PLURAL_FORM = /__(zero|one|two|few|many|other)$/;

describe('locales', () => {
  it('are Arabic, French and English', () => {
    expect(Object.keys(locales).sort()).toEqual(['ar', 'en', 'fr']);
  });

  it.each(Object.keys(locales))('%s has exactly the keys of English', (lang) => {
    expect(Object.keys(locales[lang] ?? {}).sort()).toEqual(Object.keys(reference).sort());
  });

  it.each(Object.keys(locales))('%s has the same placeholders as English, each used and none empty', (lang) => {
    for (const [key, entry] of Object.entries(locales[lang] ?? {})) {
      const english = reference[key];
      if (!english) continue;
      const { used, declared } = placeholdersOf(entry);
      expect(declared, `${lang}: ${key}`).toEqual(placeholdersOf(english).declared);
      const names = declared.map((item) => item.split('=')[0]);
      if (PLURAL_FORM.test(key)) {
        // A plural form may say its number in words ("the one complaint", "يومين"): it
        // uses no placeholder it does not declare, not necessarily all of them.
        expect(names, `${lang}: ${key} declares every placeholder it uses`).toEqual(expect.arrayContaining(used));
      } else {
        expect(used, `${lang}: ${key} uses every declared placeholder`).toEqual(names);
      }
      expect(entry.message.trim(), `${lang}: ${key}`).not.toBe('');
    }
  });

  it('have every plural form of a counted message, so Intl.PluralRules never picks a missing one', () => {
    const forms = ['zero', 'one', 'two', 'few', 'many', 'other'];
    const stems = new Set(
      Object.keys(reference).flatMap((key) => (PLURAL_FORM.test(key) ? [key.replace(PLURAL_FORM, '')] : [])),
    );
    for (const stem of stems) {
      expect(
        forms.filter((form) => !(`${stem}__${form}` in reference)),
        stem,
      ).toEqual([]);
    }
  });

  it('say their own language and direction', () => {
    expect(formatMessage(locales.ar?.textDirection)).toBe('rtl');
    expect(formatMessage(locales.fr?.textDirection)).toBe('ltr');
    for (const lang of Object.keys(locales)) expect(formatMessage(locales[lang]?.languageCode)).toBe(lang);
  });

  it('fill placeholders the way browser.i18n does', () => {
    expect(formatMessage(reference.reason_complaintsOpen, [4, 3])).toBe('4 open complaints (caution from 3).');
    expect(formatMessage(locales.ar?.reason_complaintsOpen, [4, 3])).toBe('شكاوى مفتوحة: 4 (التنبيه ابتداءً من 3).');
  });
});
