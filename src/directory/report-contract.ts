import { z } from 'zod';
import { reportReasonSchema, shopKeySchema } from './schemas.ts';
import { DEFAULT_PLATFORM_SUFFIXES, type NoIdentityCause, resolveShopIdentity } from './shop-identity.ts';
import { socialShopUrl } from './social-identity.ts';
import { checkTextPolicy, multilineText, personText, replaceRefusedCharacters } from './text-policy.ts';

// The report API's contract, declared once: what a client sends to report a shop and to
// amend its report, what the service answers, the limits, and which URL a report keeps.
// The service validates with these schemas and documents them in its OpenAPI document;
// the extension's outbox reads the answers with them; test fakes are built from them.

export const REPORTS_PATH = '/v1/reports';
export const reportPath = (receipt: string) => `${REPORTS_PATH}/${encodeURIComponent(receipt)}`;

export const MAX_REPORT_BODY_BYTES = 16 * 1024;
export const MAX_REPORT_URL_LENGTH = 2048;
/** The longest free text a report may carry; the extension's text box stops there too. */
export const MAX_DETAILS_LENGTH = 2000;
export const MAX_CONTACT_LENGTH = 200;
/** Why a moderator rejected a report, as the shopper reads it. */
export const MAX_PUBLIC_REASON_LENGTH = 500;

export const reportStatusSchema = z.enum(['received', 'under-review', 'accepted', 'rejected', 'withdrawn']);
export type ReportStatus = z.infer<typeof reportStatusSchema>;

/** 128 random bits in base64url: what the shopper keeps to follow a report. */
export const receiptSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, { message: 'not a report receipt' });
/** The parameters of a report's path, `…/reports/{receipt}` (public and admin routes alike). */
export const receiptParamsSchema = z.object({ receipt: receiptSchema });

/**
 * The URL a report keeps: scheme, host and path of the shop's page. The query and the
 * fragment never leave, as they may hold the shopper's own data (an order number, an
 * e-mail address). A social seller's report keeps its canonical profile address instead
 * (`https://instagram.com/atlas.electro`, `https://wa.me/212612345678`): the number in
 * `api.whatsapp.com/send?phone=` is the shop, while the rest (`&text=` with the order) is
 * the shopper's. Null when the address names no shop.
 */
export function reportedShop(
  input: string,
  platforms: readonly string[] = DEFAULT_PLATFORM_SUFFIXES,
): { ok: true; domain: string; url: string } | { ok: false; cause: NoIdentityCause } {
  const resolved = resolveShopIdentity(input, platforms);
  if (!resolved.ok) return { ok: false, cause: resolved.cause };
  return { ok: true, domain: resolved.identity.domain, url: keptShopUrl(input, resolved.identity) };
}

/** The URL a report keeps of `input`, once its shop is known: for a social seller, its canonical profile. */
export function keptShopUrl(
  input: string,
  identity: { kind: 'domain' | 'social'; domain: string; host: string },
): string {
  return identity.kind === 'social' ? socialShopUrl(identity.domain) : keptReportUrl(input, identity.host);
}

/** The URL a report keeps of `input`, once its shop's `host` is known. */
export function keptReportUrl(input: string, host: string): string {
  try {
    const url = new URL(input);
    if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.origin}${url.pathname}`;
  } catch {
    // A bare host name such as `shop.ma/cart` has no scheme.
  }
  const path = /^[^/?#]*(\/[^?#]*)?/.exec(input.replace(/^\/\//, ''))?.[1] ?? '/';
  return `http://${host}${path}`;
}

/**
 * A URL keeps its own shape (no trimming), but the text policy holds: a moderator reads
 * it, and a raw ESC or RLO in a bare `shop.ma/path` would be kept as typed. Whether it
 * names a shop is the service's check (`reportedShop`), made once when the report is
 * taken.
 */
const reportUrlSchema = z.string().min(1).max(MAX_REPORT_URL_LENGTH).superRefine(checkTextPolicy('line'));

export const reportRequestSchema = z
  .strictObject({
    url: reportUrlSchema,
    reason: reportReasonSchema,
    // Free text over several lines, read by moderators.
    details: multilineText(MAX_DETAILS_LENGTH).optional(),
    // An empty contact (a form field left blank) means none; a phone number or an address is one line.
    contact: personText(MAX_CONTACT_LENGTH).optional(),
    consent: z.boolean().optional(),
    /**
     * The shopper lets the merchant read the details and the contact. Without it the
     * merchant reads the category, the page and the moderator's summary, never what the
     * shopper typed.
     */
    shareWithMerchant: z.boolean().optional(),
    idempotencyKey: z.uuid(),
    lang: z.enum(['ar', 'fr', 'en']).optional(),
    clientVersion: z
      .string()
      .regex(/^[0-9A-Za-z.+-]{1,32}$/, { message: 'must be a version like 1.2.0' })
      .optional(),
  })
  .superRefine((report, ctx) => {
    if (report.contact && report.contact.length < 3) {
      ctx.addIssue({ code: 'custom', path: ['contact'], message: 'too short to reach anyone' });
    }
    if (report.contact && report.consent !== true) {
      ctx.addIssue({ code: 'custom', path: ['contact'], message: 'contact details are kept only with consent: true' });
    }
  });
export type ReportRequest = z.infer<typeof reportRequestSchema>;

export const reportAmendmentSchema = z
  .strictObject({
    reason: reportReasonSchema.optional(),
    details: multilineText(MAX_DETAILS_LENGTH).optional(),
  })
  .refine((amendment) => amendment.reason !== undefined || amendment.details !== undefined, {
    message: 'give reason, details or both',
  });
export type ReportAmendment = z.infer<typeof reportAmendmentSchema>;

/** The answer to a new report (201, also for a repeated idempotency key with the same body). */
export const reportCreatedSchema = z.object({
  receipt: receiptSchema,
  status: reportStatusSchema,
  /** The shopper's secret to amend the report: `Authorization: Bearer <editToken>` on PATCH. */
  editToken: z.string().min(1).max(200),
});
export type ReportCreated = z.infer<typeof reportCreatedSchema>;

/** Where an accepted report's complaint is with the merchant. */
export const complaintStageSchema = z.enum(['accepted', 'sent', 'read', 'answered', 'closed']);
export type ComplaintStage = z.infer<typeof complaintStageSchema>;
/** How a closed complaint ended. */
export const complaintOutcomeSchema = z.enum(['resolved', 'unanswered', 'unfounded']);
export type ComplaintOutcome = z.infer<typeof complaintOutcomeSchema>;
/** What the merchant says: it commits to act, it disputes the complaint, or the shop is not its. */
export const merchantAnswerKindSchema = z.enum(['will-act', 'disputes', 'not-ours']);
export type MerchantAnswerKind = z.infer<typeof merchantAnswerKindSchema>;
export const reporterRatingSchema = z.enum(['satisfied', 'neutral', 'not-satisfied']);
export type ReporterRating = z.infer<typeof reporterRatingSchema>;
/** The longest answer a merchant writes for the shopper. */
export const MAX_ANSWER_LENGTH = 2000;

/** The complaint a report became, as its shopper follows it. */
export const complaintProgressSchema = z.object({
  /** The complaint's number, as the merchant and the staff name it. */
  id: z.int().min(1),
  stage: complaintStageSchema,
  /** False when the shop is no listed merchant: nobody is asked to answer. */
  merchantListed: z.boolean(),
  sentAt: z.iso.datetime({ offset: true }).nullable(),
  readAt: z.iso.datetime({ offset: true }).nullable(),
  answeredAt: z.iso.datetime({ offset: true }).nullable(),
  answer: z.object({ kind: merchantAnswerKindSchema, text: z.string().max(MAX_ANSWER_LENGTH) }).nullable(),
  closedAt: z.iso.datetime({ offset: true }).nullable(),
  outcome: complaintOutcomeSchema.nullable(),
  /** This shopper's rating of the answer, once given. */
  rating: reporterRatingSchema.nullable(),
});
export type ComplaintProgress = z.infer<typeof complaintProgressSchema>;

/**
 * What the shopper says once the merchant answered, with the report's edit token:
 * `POST /v1/reports/{receipt}/outcome`. `resolved: true` closes the complaint as resolved.
 */
export const reporterOutcomeSchema = z
  .strictObject({ resolved: z.boolean().optional(), rating: reporterRatingSchema.optional() })
  .refine((outcome) => outcome.resolved !== undefined || outcome.rating !== undefined, {
    message: 'give resolved, rating or both',
  });
export type ReporterOutcome = z.infer<typeof reporterOutcomeSchema>;
export const reportOutcomePath = (receipt: string) => `${reportPath(receipt)}/outcome`;
/** `DELETE` on the report's path with its edit token withdraws it: its details are erased. */
export const reportWithdrawalPath = reportPath;

/** What anyone holding the receipt may read of a report: never its details or contact. */
export const reportStatusViewSchema = z.object({
  receipt: receiptSchema,
  status: reportStatusSchema,
  reason: reportReasonSchema,
  /** The shop key: a domain, or a social seller's key such as `wa.me/212612345678`. */
  domain: shopKeySchema,
  /**
   * Why a moderator rejected the report, in words meant for the shopper. Written under the
   * text policy; a reader shows what a row from before the policy holds with
   * `visiblePublicReason`.
   */
  publicReason: z.string().max(MAX_PUBLIC_REASON_LENGTH).nullable(),
  receivedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  /** The complaint the report became, once accepted (absent from services before issue 13). */
  complaint: complaintProgressSchema.nullable().optional(),
});
export type ReportStatusView = z.infer<typeof reportStatusViewSchema>;

/** A public reason with any character the text policy refuses shown as its code point. */
export function visiblePublicReason(reason: string | null): string | null {
  if (reason === null) return null;
  return replaceRefusedCharacters(reason, 'line', (character) => {
    const code = (character.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
    return `\\u{${code}}`;
  });
}
