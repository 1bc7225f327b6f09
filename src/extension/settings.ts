import { storage } from 'wxt/utils/storage';
import {
  isDefaultSiteChoice,
  type LanguageChoice,
  languageSchema,
  NO_SITE_CHOICE,
  type SiteChoice,
  type SiteChoices,
  siteChoicesSchema,
} from './setting-values.ts';

// Every setting of the extension, with its default and version (values in
// setting-values.ts). Values are parsed on read: storage is written only by this module,
// but a bad value must not break a page.

const languageItem = storage.defineItem<LanguageChoice>('local:language', { fallback: 'auto', version: 1 });
const siteChoicesItem = storage.defineItem<SiteChoices>('local:siteChoices', { fallback: {}, version: 1 });

export interface Settings {
  language(): Promise<LanguageChoice>;
  setLanguage(language: LanguageChoice): Promise<void>;
  siteChoices(): Promise<SiteChoices>;
  siteChoice(domain: string): Promise<SiteChoice>;
  setSiteChoice(domain: string, change: Partial<SiteChoice>): Promise<SiteChoice>;
}

export function createSettings(): Settings {
  const siteChoices = async () => {
    const parsed = siteChoicesSchema.safeParse(await siteChoicesItem.getValue());
    return parsed.success ? parsed.data : {};
  };
  return {
    async language() {
      const parsed = languageSchema.safeParse(await languageItem.getValue());
      return parsed.success ? parsed.data : 'auto';
    },
    setLanguage: (language) => languageItem.setValue(language),
    siteChoices,
    async siteChoice(domain) {
      return (await siteChoices())[domain] ?? NO_SITE_CHOICE;
    },
    async setSiteChoice(domain, change) {
      const all = await siteChoices();
      const next = { ...(all[domain] ?? NO_SITE_CHOICE), ...change };
      // A site back to the defaults is forgotten: the list shows only real choices.
      if (isDefaultSiteChoice(next)) delete all[domain];
      else all[domain] = next;
      await siteChoicesItem.setValue(all);
      return next;
    },
  };
}
