import { z } from 'zod';

// What the content script reads on a shop page about the shop's own claims, handed to the
// background (a trust boundary: parsed with this schema) to add to the verdict and to the
// popup's checklist. It never leaves the browser.

/** Trust marks a page may show or claim; Thiqa draws its own and never trusts the page's. */
export const SEAL_MARKS = [
  'e-thiq',
  'cndp',
  'cmi-payment',
  'fnem-member',
  // "vérifié", "موثق", "verified seller"…
  'verified-claim',
  // Thiqa's own badge or name drawn by the page, or a link to a certificate page.
  'thiqa-badge',
] as const;
export const sealMarkSchema = z.enum(SEAL_MARKS);
export type SealMark = z.infer<typeof sealMarkSchema>;

/** What law 31-08 asks a seller to say about itself, in the order the popup lists it. */
export const LEGAL_MENTIONS = [
  'seller-name',
  'address',
  'phone',
  'email',
  'rc',
  'ice',
  'prices-with-taxes',
  'withdrawal-right',
] as const;
export const legalMentionSchema = z.enum(LEGAL_MENTIONS);
export type LegalMention = z.infer<typeof legalMentionSchema>;

export const pageEvidenceSchema = z.strictObject({
  /** ICE numbers as the page writes them, digits only (15), valid or not, first five. */
  ices: z.array(z.string().regex(/^\d{15}$/)).max(5),
  /** Legal mentions found on the page or on the one same-site legal page read. */
  mentions: z.array(legalMentionSchema).max(LEGAL_MENTIONS.length),
  /** The path of the same-site legal page that was read, when one was. */
  legalPagePath: z.string().max(512).nullable(),
  /** Trust marks the page shows or claims. */
  seals: z.array(sealMarkSchema).max(SEAL_MARKS.length),
});
export type PageEvidence = z.infer<typeof pageEvidenceSchema>;

/** The popup's checklist: each mention law 31-08 asks for, in order, found or missing. */
export function legalChecklist(evidence: PageEvidence): Array<{ mention: LegalMention; present: boolean }> {
  const found = new Set(evidence.mentions);
  return LEGAL_MENTIONS.map((mention) => ({ mention, present: found.has(mention) }));
}
