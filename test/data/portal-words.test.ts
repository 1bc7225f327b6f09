import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PORTAL_LANGUAGES, portalMessages, portalWords } from '../../server/portal/portal-words.ts';
import { localeMessagesSchema } from '../../src/ui/locale-messages.ts';

// The portal's words (server/portal/words/<area>.<lang>.json): every area in every
// language, with the same names and the same placeholders as English, none empty, and
// none that redefines another area's or the extension's.

const FOLDER = fileURLToPath(new URL('../../server/portal/words/', import.meta.url));
const AREAS = [...new Set(readdirSync(FOLDER).map((name) => name.replace(/\.(ar|fr|en)\.json$/, '')))].sort();
const read = (area: string, lang: string) =>
  localeMessagesSchema.parse(JSON.parse(readFileSync(`${FOLDER}${area}.${lang}.json`, 'utf8')));
const placeholders = (message: string) => [...message.matchAll(/\$[1-9]/g)].map((match) => match[0]).sort();

describe('the portal’s words', () => {
  it('come in areas, each in Arabic, French and English', () => {
    expect(AREAS.length).toBeGreaterThan(3);
    for (const area of AREAS) {
      for (const lang of PORTAL_LANGUAGES) expect(() => read(area, lang), `${area}.${lang}`).not.toThrow();
    }
  });

  it.each(AREAS.flatMap((area) => (['ar', 'fr'] as const).map((lang) => [area, lang])))(
    '%s in %s has every message of English, with its placeholders',
    (area, lang) => {
      const english = read(area, 'en');
      const words = read(area, lang);
      expect(Object.keys(words).sort()).toEqual(Object.keys(english).sort());
      for (const [key, entry] of Object.entries(words)) {
        expect(entry.message.trim(), key).not.toBe('');
        expect(placeholders(entry.message), key).toEqual(placeholders(english[key]?.message ?? ''));
      }
    },
  );

  it.each(PORTAL_LANGUAGES)('load in %s without a name defined twice', (lang) => {
    expect(Object.keys(portalMessages(lang)).length).toBeGreaterThan(50);
    // The extension's messages and the portal's are read together: a clash stops the load.
    expect(portalWords(lang).p('site_name')).not.toBe('');
  });
});
