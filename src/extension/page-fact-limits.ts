// Bounds of what the content script reads from a page and hands to the background
// (page-reader.ts reads within them, messages.ts checks them): a hostile page may hold
// megabytes of text and thousands of links. No zod here: the content script imports this.

/** Characters of page text: the body's and the footer's caps, with the spaces between text nodes. */
export const PAGE_TEXT_MAX = 60_000;
/** Image and link words (alt, title, aria-label, file name): 150 images × 4 and 400 link titles. */
export const PAGE_HINTS_MAX = 1_000;
export const PAGE_LINKS_MAX = 400;
/** A link's address is cut here (its origin and path's start stay: a forged certificate link is still seen). */
export const PAGE_LINK_HREF_MAX = 4_096;
