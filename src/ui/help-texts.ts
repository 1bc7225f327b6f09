import rightsAr from '../../server/portal/texts/rights.ar.md?raw';
import rightsEn from '../../server/portal/texts/rights.en.md?raw';
import rightsFr from '../../server/portal/texts/rights.fr.md?raw';
import infoAr from '../../server/portal/words/info.ar.json';
import infoEn from '../../server/portal/words/info.en.json';
import infoFr from '../../server/portal/words/info.fr.json';
import { type Block, parseSafeMarkdown } from '../directory/safe-markdown.ts';

// The bundled copy of the portal's rights page, made at build time from the very files
// the portal serves: its shipped Markdown text (server/portal/texts/rights.<lang>.md) and
// its title, lead and notice (server/portal/words/info.<lang>.json). Nothing is written
// twice; a publisher who rewrites the portal's text changes the online page only.

export const HELP_LANGUAGES = ['ar', 'fr', 'en'] as const;
export type HelpLanguage = (typeof HELP_LANGUAGES)[number];

export interface RightsPage {
  lang: HelpLanguage;
  dir: 'ltr' | 'rtl';
  title: string;
  lead: string;
  notice: string;
  blocks: Block[];
}

const SOURCES: Record<HelpLanguage, { text: string; words: typeof infoEn }> = {
  ar: { text: rightsAr, words: infoAr },
  fr: { text: rightsFr, words: infoFr },
  en: { text: rightsEn, words: infoEn },
};

/** The rights page in a language the portal speaks; any other falls back to English. */
export function bundledRightsPage(lang: string): RightsPage {
  const known: HelpLanguage = (HELP_LANGUAGES as readonly string[]).includes(lang) ? (lang as HelpLanguage) : 'en';
  const { text, words } = SOURCES[known];
  return {
    lang: known,
    dir: known === 'ar' ? 'rtl' : 'ltr',
    title: words.info_rightsTitle.message,
    lead: words.info_rightsLead.message,
    notice: words.info_notLegalAdvice.message,
    blocks: parseSafeMarkdown(text),
  };
}
