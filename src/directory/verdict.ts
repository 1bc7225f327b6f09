import { type DirectoryLookup, openComplaintCount } from './directory-index.ts';
import { isValidIce } from './ice.ts';
import type { PageEvidence, SealMark } from './page-evidence.ts';
import type { FlagReason, LabelKind, Merchant } from './schemas.ts';
import { type IdentityResult, type NoIdentityCause, resolveShopIdentity, type ShopIdentity } from './shop-identity.ts';

export type VerdictLevel = 'verified' | 'caution' | 'danger' | 'unknown' | 'none';

/** A reason is a code with parameters; the UI turns codes into sentences in each language. */
export type VerdictReason =
  | { code: 'no-shop-identity'; cause: NoIdentityCause | 'unknown' }
  | { code: 'not-in-directory' }
  | { code: 'flagged'; reason: FlagReason; since: string }
  | { code: 'lookalike'; of: string; merchantId: string }
  | { code: 'merchant-revoked' }
  | { code: 'merchant-suspended' }
  | { code: 'complaints-open'; open: number; threshold: number }
  | { code: 'label-expired'; kind: LabelKind; validUntil: string }
  | { code: 'verification-stale'; verifiedAt: string; maxAgeDays: number }
  | { code: 'merchant-verified'; verifiedAt: string; methods: string[] }
  // From what the page says about itself (page-evidence.ts), never from the page alone.
  | { code: 'ice-impersonation'; ice: string; merchant: string; merchantId: string }
  | { code: 'forged-seal'; marks: SealMark[] }
  | { code: 'ice-invalid'; ice: string };

export interface Verdict {
  level: VerdictLevel;
  reasons: VerdictReason[];
}

export interface VerdictOptions {
  /** The shopper said this site is not an imitation: its look-alike warning is left out. */
  readonly lookalikeDismissed?: boolean;
  /** What the page says about itself (page-evidence.ts), when the content script read it. */
  readonly evidence?: PageEvidence | null;
}

const DAY_MS = 86_400_000;

function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The verdict for one shop identity. Danger: a flagged domain, a revoked or suspended
 * merchant. Caution: an unknown shop whose name looks like a verified merchant's (a
 * warning, not a condemnation: unless the shopper said it is no imitation), open complaints
 * at or above the policy threshold, an expired label, a verification older than the policy
 * allows. Verified: a verified merchant with none of those. Unknown: not in the directory.
 * None: no shop identity.
 */
export function verdictFor(
  identity: ShopIdentity | null,
  directory: DirectoryLookup,
  now: Date,
  options: VerdictOptions = {},
): Verdict {
  if (identity === null) return { level: 'none', reasons: [{ code: 'no-shop-identity', cause: 'unknown' }] };
  const { merchant, flag, domainComplaints } = directory.entryFor(identity.domain);
  const { policy } = directory;
  const danger: VerdictReason[] = [];
  const caution: VerdictReason[] = [];

  if (flag) danger.push({ code: 'flagged', reason: flag.reason, since: flag.since });
  const imitated =
    merchant || identity.kind === 'social' || options.lookalikeDismissed
      ? null
      : (directory.lookalikeOf?.(identity) ?? null);
  if (imitated) caution.push({ code: 'lookalike', of: imitated.domain, merchantId: imitated.merchantId });
  if (merchant?.status === 'revoked') danger.push({ code: 'merchant-revoked' });
  if (merchant?.status === 'suspended') danger.push({ code: 'merchant-suspended' });
  // On a social network the page is the network's: other people's comments and posts sit
  // beside the seller's words, so what the page says is no claim of the seller's.
  if (options.evidence && identity.kind !== 'social') {
    const claims = pageClaimReasons(identity.domain, merchant, directory, options.evidence);
    danger.push(...claims.danger);
    caution.push(...claims.caution);
  }

  const open = openComplaintCount(merchant ? merchant.complaints : domainComplaints);
  if (open >= policy.complaintCautionThreshold) {
    caution.push({ code: 'complaints-open', open, threshold: policy.complaintCautionThreshold });
  }
  if (merchant) {
    let today: string | undefined;
    for (const label of merchant.labels) {
      if (label.validUntil === null) continue;
      // Most labels never expire: the day is written out only for one that does.
      today ??= isoDay(now);
      if (label.validUntil < today) {
        caution.push({ code: 'label-expired', kind: label.kind, validUntil: label.validUntil });
      }
    }
    const ageDays = Math.floor((now.getTime() - Date.parse(merchant.verification.at)) / DAY_MS);
    if (ageDays > policy.maxVerificationAgeDays) {
      caution.push({
        code: 'verification-stale',
        verifiedAt: merchant.verification.at,
        maxAgeDays: policy.maxVerificationAgeDays,
      });
    }
  }

  const reasons = [...danger, ...caution];
  if (!merchant) reasons.push({ code: 'not-in-directory' });
  else if (merchant.status === 'verified') {
    reasons.push({
      code: 'merchant-verified',
      verifiedAt: merchant.verification.at,
      methods: [...merchant.verification.methods],
    });
  }
  const level: VerdictLevel =
    danger.length > 0 ? 'danger' : caution.length > 0 ? 'caution' : merchant ? 'verified' : 'unknown';
  return { level, reasons };
}

/** The trust marks the directory gives a merchant: its labels, and "verified" while it is. */
function heldMarks(merchant: Merchant | null): Set<SealMark> {
  const held = new Set<SealMark>();
  if (!merchant) return held;
  for (const label of merchant.labels) if (label.kind !== 'other') held.add(label.kind);
  if (merchant.status === 'verified') {
    held.add('verified-claim');
    held.add('thiqa-badge');
  }
  return held;
}

/**
 * What a page's own claims add: an ICE of a verified merchant on a domain that merchant
 * does not hold (impersonation) and a trust mark the directory does not give this domain
 * (a forged seal) are danger; an ICE failing its check digits is caution. Missing legal
 * mentions add nothing here: they are the popup's checklist (docs/verdict-rules.md).
 */
function pageClaimReasons(
  domain: string,
  merchant: Merchant | null,
  directory: DirectoryLookup,
  evidence: PageEvidence,
): { danger: VerdictReason[]; caution: VerdictReason[] } {
  const danger: VerdictReason[] = [];
  const caution: VerdictReason[] = [];
  for (const ice of evidence.ices) {
    if (!isValidIce(ice)) {
      caution.push({ code: 'ice-invalid', ice });
      continue;
    }
    // A merchant of the directory is known by its own ICE: an ICE on its page that is not its
    // own may be a customer's review or a partner's name, not an impersonation.
    const owner = merchant ? null : (directory.merchantByIce?.(ice) ?? null);
    if (owner && owner.status === 'verified' && !owner.domains.includes(domain)) {
      danger.push({
        code: 'ice-impersonation',
        ice,
        merchant: owner.tradeNames[0] ?? owner.legalName,
        merchantId: owner.id,
      });
    }
  }
  const held = heldMarks(merchant);
  const forged = evidence.seals.filter((mark) => !held.has(mark));
  // On an unknown shop a trust mark is a lie to the shopper: danger. A merchant of the
  // directory was checked by people; its page may also carry what others write (reviews,
  // comments), so a mark it does not hold is a caution the shopper reads, not a condemnation.
  if (forged.length > 0) (merchant ? caution : danger).push({ code: 'forged-seal', marks: forged });
  return { danger, caution };
}

/** Resolves the identity of a URL or host under the directory's platforms, then judges it. */
export function verdictForInput(
  input: string,
  directory: DirectoryLookup,
  now: Date,
  options: VerdictOptions = {},
): { identity: ShopIdentity | null; verdict: Verdict } {
  return verdictForResolved(resolveShopIdentity(input, directory.platforms), directory, now, options);
}

/**
 * verdictForInput for an input already resolved under `directory.platforms` (the extension
 * resolves a tab's URL once, to know which records to read, and judges that same answer).
 */
export function verdictForResolved(
  resolved: IdentityResult,
  directory: DirectoryLookup,
  now: Date,
  options: VerdictOptions = {},
): { identity: ShopIdentity | null; verdict: Verdict } {
  if (!resolved.ok) {
    return {
      identity: null,
      verdict: { level: 'none', reasons: [{ code: 'no-shop-identity', cause: resolved.cause }] },
    };
  }
  return { identity: resolved.identity, verdict: verdictFor(resolved.identity, directory, now, options) };
}
