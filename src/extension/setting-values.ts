import { z } from 'zod';

// The values of the settings, apart from their storage, so the protocol's schemas can use
// them without touching the browser.

export const languageSchema = z.enum(['auto', 'ar', 'fr', 'en']);
export type LanguageChoice = z.infer<typeof languageSchema>;

export const siteChoiceSchema = z.object({
  /** "I trust this shop": no in-page badge for unknown or caution (danger still shows). */
  trusted: z.boolean().default(false),
  /** "Hide the in-page badge" on this site; the toolbar badge stays. */
  hideBadge: z.boolean().default(false),
  /** "This is not an imitation": the look-alike warning stays quiet on this site. */
  lookalikeDismissed: z.boolean().default(false),
  /** "Continue" on the checkout warning: it is not shown again on this site. */
  checkoutContinued: z.boolean().default(false),
});
export type SiteChoice = z.infer<typeof siteChoiceSchema>;
export const siteChoicesSchema = z.record(z.string().max(253), siteChoiceSchema);
export type SiteChoices = z.infer<typeof siteChoicesSchema>;

export const NO_SITE_CHOICE: SiteChoice = {
  trusted: false,
  hideBadge: false,
  lookalikeDismissed: false,
  checkoutContinued: false,
};

/** True when a site's choice says nothing the defaults do not: it need not be stored. */
export function isDefaultSiteChoice(choice: SiteChoice): boolean {
  return !choice.trusted && !choice.hideBadge && !choice.lookalikeDismissed && !choice.checkoutContinued;
}
