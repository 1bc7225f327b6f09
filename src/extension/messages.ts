import { z } from 'zod';
import type { LegalMention, PageEvidence } from '../directory/page-evidence.ts';
import { MAX_DETAILS_LENGTH, reporterRatingSchema } from '../directory/report-contract.ts';
import type { ComplaintCounts, FlaggedDomain, Merchant } from '../directory/schemas.ts';
import { reportReasonSchema, shopKeySchema } from '../directory/schemas.ts';
import { multilineText } from '../directory/text-policy.ts';
import type { Verdict, VerdictLevel } from '../directory/verdict.ts';
import type { SyncError } from './database.ts';
import { PAGE_HINTS_MAX, PAGE_LINK_HREF_MAX, PAGE_LINKS_MAX, PAGE_TEXT_MAX } from './page-fact-limits.ts';
import type { StoredReport } from './report-outbox.ts';
import { type LanguageChoice, languageSchema, type SiteChoice, type SiteChoices } from './setting-values.ts';

export type { CheckoutKind } from './checkout-forms.ts';
export { NO_SITE_CHOICE } from './setting-values.ts';
// The screens (src/ui) know the extension through the types of this module only (and
// the report limits).
export type { LanguageChoice, SiteChoice, SiteChoices };

// The one protocol between the extension's parts. Every request is parsed with its
// schema in the background before anything acts on it; a content script may send only
// the requests about its own tab, and only the extension's own pages the others.

const tabId = z.int().min(0);

/**
 * What a content script hands over from a page (ClaimFacts, src/extension/page-claims.ts),
 * within the bounds its reader keeps (page-reader.ts): the background reads it for claims
 * and keeps only what it found (PageEvidence), never the text. Nothing of it leaves the browser.
 */
export const pageFactsSchema = z.strictObject({
  text: z.string().max(PAGE_TEXT_MAX),
  hints: z.array(z.string().max(200)).max(PAGE_HINTS_MAX).readonly(),
  links: z
    .array(z.strictObject({ href: z.string().max(PAGE_LINK_HREF_MAX), text: z.string().max(200) }))
    .max(PAGE_LINKS_MAX)
    .readonly(),
});

export const requestSchema = z.discriminatedUnion('type', [
  // From the content script: about the sender's own tab only, so no tab id is taken.
  z.strictObject({ type: z.literal('getPageBadge') }),
  z.strictObject({ type: z.literal('hidePageBadge') }),
  // "Continue" on the checkout warning, for the sender's own site.
  z.strictObject({ type: z.literal('continueCheckout') }),
  // What the page shows (its text, image words and links, bounded), read by the background
  // for law 31-08 mentions, ICEs and trust marks: evidence only. `legalPagePath` names the
  // shop's legal page when these are its facts, null for the page itself.
  z.strictObject({
    type: z.literal('reportPageFacts'),
    facts: pageFactsSchema,
    legalPagePath: z.string().max(512).nullable(),
  }),
  // From the popup and options pages.
  z.strictObject({ type: z.literal('getTabView'), tabId }),
  z.strictObject({ type: z.literal('submitReport'), tabId, shareWithMerchant: z.boolean().optional() }),
  z.strictObject({
    type: z.literal('amendReport'),
    idempotencyKey: z.uuid(),
    reason: reportReasonSchema,
    // The service's own rule, checked here so the popup says which character before anything is queued.
    details: multilineText(MAX_DETAILS_LENGTH).nullable(),
  }),
  z.strictObject({ type: z.literal('listReports'), refresh: z.boolean() }),
  // Once the merchant answered: "solved", a rating, or both (the service's own rule).
  z
    .strictObject({
      type: z.literal('reportOutcome'),
      idempotencyKey: z.uuid(),
      resolved: z.literal(true).optional(),
      rating: reporterRatingSchema.optional(),
    })
    .refine((request) => request.resolved !== undefined || request.rating !== undefined, {
      message: 'give resolved, rating or both',
    }),
  z.strictObject({ type: z.literal('withdrawReport'), idempotencyKey: z.uuid() }),
  z.strictObject({ type: z.literal('getDirectoryStatus') }),
  z.strictObject({ type: z.literal('syncDirectory') }),
  z.strictObject({ type: z.literal('getSettings') }),
  z.strictObject({ type: z.literal('setLanguage'), language: languageSchema }),
  z.strictObject({
    type: z.literal('setSiteChoice'),
    // A domain or a social seller's key: a shopper may trust or hide the badge on either.
    domain: shopKeySchema,
    trusted: z.boolean().optional(),
    hideBadge: z.boolean().optional(),
    lookalikeDismissed: z.boolean().optional(),
    checkoutContinued: z.boolean().optional(),
  }),
]);
export type Request = z.infer<typeof requestSchema>;
export type RequestType = Request['type'];

/** Requests a content script may make; every other one needs an extension page. */
export const CONTENT_SCRIPT_REQUESTS: ReadonlySet<RequestType> = new Set([
  'getPageBadge',
  'hidePageBadge',
  'continueCheckout',
  'reportPageFacts',
]);

export interface DirectoryStatus {
  version: number;
  publishedAt: string;
  expiresAt: string;
  lastSyncAt: string | null;
  lastError: SyncError | null;
  source: 'bundled' | 'synced';
  /** Past `expiresAt`: the verdicts may be out of date. */
  expired: boolean;
}

/** A report as pages see it: the edit token stays in the background. */
export type ReportView = Omit<StoredReport, 'editToken'>;

export interface TabView {
  tabId: number;
  identity: { domain: string; display: string } | null;
  verdict: Verdict;
  merchant: Merchant | null;
  flag: FlaggedDomain | null;
  domainComplaints: ComplaintCounts | null;
  directory: DirectoryStatus | null;
  site: SiteChoice;
  /** The URL a report would name (no query, no fragment), or null when the tab cannot be reported. */
  reportUrl: string | null;
  /** The shopper's latest report on this page in the last day: the popup shows it instead of a second button. */
  recentReport: ReportView | null;
  /** What the page said about itself, when the content script read it (shop pages only). */
  page: PageView | null;
}

/** The page's own claims as the popup lists them: law 31-08's checklist. */
export interface PageView {
  evidence: PageEvidence;
  checklist: Array<{ mention: LegalMention; present: boolean }>;
}

/** The badge judged with what the page said, and the shop's legal page to read next, if it links one (same origin). */
export interface PageFactsAnswer {
  badge: PageBadge;
  legalPage: string | null;
}

/** What the content script shows; the words come in the shopper's chosen language. */
export interface PageBadge {
  show: boolean;
  level: VerdictLevel;
  lang: string;
  dir: 'ltr' | 'rtl';
  brand: string;
  title: string;
  detail: string;
  dismissLabel: string;
  /** The merchant's certificate page on the portal, when the shop is a merchant of the directory. */
  certificateUrl: string | null;
  certificateLabel: string;
  /** What the page says above a checkout or order form (src/extension/checkout-warning.ts). */
  checkout: CheckoutWarning;
}

/** The warning above a checkout, payment or cash-on-delivery order form. */
export interface CheckoutWarning {
  /** False on verified shops, pages without a shop, and sites the shopper trusts or continued on (unless danger). */
  warn: boolean;
  title: string;
  /** Why: the verdict's first reason. */
  detail: string;
  checkHeading: string;
  tips: string[];
  continueLabel: string;
  /** The portal's report form naming this page (no query, no fragment), opened only on the shopper's click. */
  reportUrl: string | null;
  reportLabel: string;
  regionLabel: string;
}

export interface ResponseMap {
  getPageBadge: PageBadge;
  hidePageBadge: SiteChoice;
  continueCheckout: SiteChoice;
  reportPageFacts: PageFactsAnswer;
  getTabView: TabView;
  submitReport: ReportView;
  amendReport: ReportView;
  listReports: ReportView[];
  reportOutcome: ReportView;
  withdrawReport: ReportView;
  getDirectoryStatus: DirectoryStatus | null;
  syncDirectory: DirectoryStatus | null;
  getSettings: { language: LanguageChoice; siteChoices: SiteChoices };
  setLanguage: LanguageChoice;
  setSiteChoice: SiteChoice;
}

/** The sending side: the background answers each request with its typed value. */
export type SendRequest = <R extends Request>(request: R) => Promise<ResponseMap[R['type']]>;

export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

export function toReportView(report: StoredReport): ReportView {
  const { editToken: _editToken, ...view } = report;
  return view;
}
