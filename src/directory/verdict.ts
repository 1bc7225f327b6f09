import { type DirectoryLookup, openComplaintCount } from './directory-index.ts';
import type { FlagReason, LabelKind } from './schemas.ts';
import { type NoIdentityCause, resolveShopIdentity, type ShopIdentity } from './shop-identity.ts';

export type VerdictLevel = 'verified' | 'caution' | 'danger' | 'unknown' | 'none';

/** A reason is a code with parameters; the UI turns codes into sentences in each language. */
export type VerdictReason =
  | { code: 'no-shop-identity'; cause: NoIdentityCause | 'unknown' }
  | { code: 'not-in-directory' }
  | { code: 'flagged'; reason: FlagReason; since: string }
  | { code: 'lookalike'; of: string }
  | { code: 'merchant-revoked' }
  | { code: 'merchant-suspended' }
  | { code: 'complaints-open'; open: number; threshold: number }
  | { code: 'label-expired'; kind: LabelKind; validUntil: string }
  | { code: 'verification-stale'; verifiedAt: string; maxAgeDays: number }
  | { code: 'merchant-verified'; verifiedAt: string; methods: string[] };

export interface Verdict {
  level: VerdictLevel;
  reasons: VerdictReason[];
}

const DAY_MS = 86_400_000;

function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The verdict for one shop identity. Danger: a flagged domain, a revoked or suspended
 * merchant, an unknown shop whose name imitates a verified merchant's. Caution: open complaints at or above the policy threshold, an expired
 * label, a verification older than the policy allows. Verified: a verified merchant with
 * none of those. Unknown: not in the directory. None: no shop identity.
 */
export function verdictFor(identity: ShopIdentity | null, directory: DirectoryLookup, now: Date): Verdict {
  if (identity === null) return { level: 'none', reasons: [{ code: 'no-shop-identity', cause: 'unknown' }] };
  const { merchant, flag, domainComplaints } = directory.entryFor(identity.domain);
  const { policy } = directory;
  const danger: VerdictReason[] = [];
  const caution: VerdictReason[] = [];

  if (flag) danger.push({ code: 'flagged', reason: flag.reason, since: flag.since });
  const imitated = merchant || identity.kind === 'social' ? null : (directory.lookalikeOf?.(identity.domain) ?? null);
  if (imitated) danger.push({ code: 'lookalike', of: imitated });
  if (merchant?.status === 'revoked') danger.push({ code: 'merchant-revoked' });
  if (merchant?.status === 'suspended') danger.push({ code: 'merchant-suspended' });

  const open = openComplaintCount(merchant ? merchant.complaints : domainComplaints);
  if (open >= policy.complaintCautionThreshold) {
    caution.push({ code: 'complaints-open', open, threshold: policy.complaintCautionThreshold });
  }
  if (merchant) {
    const today = isoDay(now);
    for (const label of merchant.labels) {
      if (label.validUntil !== null && label.validUntil < today) {
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

/** Resolves the identity of a URL or host under the directory's platforms, then judges it. */
export function verdictForInput(
  input: string,
  directory: DirectoryLookup,
  now: Date,
): { identity: ShopIdentity | null; verdict: Verdict } {
  const resolved = resolveShopIdentity(input, directory.platforms);
  if (!resolved.ok) {
    return {
      identity: null,
      verdict: { level: 'none', reasons: [{ code: 'no-shop-identity', cause: resolved.cause }] },
    };
  }
  return { identity: resolved.identity, verdict: verdictFor(resolved.identity, directory, now) };
}
