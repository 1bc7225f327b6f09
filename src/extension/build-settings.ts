// Fixed when the extension is built (wxt.config.ts): where the directory is published
// and which publisher keys this build trusts. Reports go to THIQA_REPORTS_URL's origin,
// by default the directory's.
export const DIRECTORY_URL: string = import.meta.env.THIQA_DIRECTORY_URL;
export const PUBLIC_KEYS: string = import.meta.env.THIQA_PUBLIC_KEYS;
export const REPORTS_ORIGIN = new URL(import.meta.env.THIQA_REPORTS_URL).origin;
/** The publisher's public portal: the popup and the in-page badge link to its certificate pages. */
export const PORTAL_URL: string = import.meta.env.THIQA_PORTAL_URL;
