/** @jsxImportSource hono/jsx */
import type { Merchant, MerchantStatus } from '../../src/directory/schemas.ts';
import { type ShopIdentity, shopIdentity } from '../../src/directory/shop-identity.ts';
import { type Verdict, type VerdictLevel, verdictFor } from '../../src/directory/verdict.ts';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import { formatDate } from '../../src/ui/verdict-words.ts';
import type { PortalKey, PortalWords } from './portal-words.ts';
import type { PortalDirectory } from './published-directory.ts';

// A merchant's status as the merchant pages show it: in words, with the verdict levels'
// marks and colours (suspended and revoked are the extension's danger), and the date of
// the change when the registry recorded it.

/** The verdict level whose colours a status wears. */
export const STATUS_LEVEL: Record<MerchantStatus, VerdictLevel> = {
  verified: 'verified',
  suspended: 'danger',
  revoked: 'danger',
};

const TAG_CLASS: Partial<Record<VerdictLevel, string>> = {
  verified: 'tag tag--verified',
  caution: 'tag tag--caution',
  danger: 'tag tag--danger',
};

const STATUS_WORDS: Record<MerchantStatus, { plain: PortalKey; dated: PortalKey }> = {
  verified: { plain: 'merchants_statusVerified', dated: 'merchants_statusVerified' },
  suspended: { plain: 'merchants_statusSuspended', dated: 'merchants_statusSuspendedOn' },
  revoked: { plain: 'merchants_statusRevoked', dated: 'merchants_statusRevokedOn' },
};

/** A date the registry recorded (an instant), as the calendar day it fell on. */
export function statusDay(since: string, lang: string): string {
  return formatDate(since.slice(0, 10), lang);
}

/** "Verified", "Suspended on 3 March 2026", "Revoked": the status in a few words. */
export function statusWords(words: PortalWords, status: MerchantStatus, since: string | null): string {
  const keys = STATUS_WORDS[status];
  return since === null || status === 'verified'
    ? words.p(keys.plain)
    : words.p(keys.dated, [statusDay(since, words.lang)]);
}

export function StatusTag(props: { words: PortalWords; status: MerchantStatus; since: string | null }) {
  const { words, status, since } = props;
  const level = STATUS_LEVEL[status];
  return (
    <span class={TAG_CLASS[level]} data-status={status}>
      <span aria-hidden="true">{VERDICT_LEVELS[level].mark} </span>
      {statusWords(words, status, since)}
    </span>
  );
}

/** A verified merchant the extension still warns about (complaints, an expired label, an old check). */
export function CautionTag(props: { words: PortalWords }) {
  const { words } = props;
  return (
    <span class={TAG_CLASS.caution} data-level="caution">
      <span aria-hidden="true">{VERDICT_LEVELS.caution.mark} </span>
      {words.t(VERDICT_LEVELS.caution.words)}
    </span>
  );
}

/** The merchant's first domain: the shop the badge and the verdict speak of. */
export function mainDomain(merchant: Merchant): string {
  return merchant.domains[0] as string;
}

/** A domain as the directory holds it (already a canonical shop identity: nothing to parse), with its Unicode form. */
export function publishedShop(domain: string): ShopIdentity {
  const display = domain.includes('xn--') ? (shopIdentity(domain)?.display ?? domain) : domain;
  return { kind: 'domain', domain, display, host: domain };
}

// A verdict changes with the publication (a new merchant object) or the day (a label
// expires, a verification grows old): a results page judges twenty shops, once a day each.
const verdicts = new WeakMap<Merchant, { day: string; verdict: Verdict }>();

/** What the extension says on the merchant's main shop, so the pages agree with it. */
export function mainShopVerdict(merchant: Merchant, directory: PortalDirectory, now: Date): Verdict {
  const day = now.toISOString().slice(0, 10);
  const known = verdicts.get(merchant);
  if (known?.day === day) return known.verdict;
  const verdict = verdictFor(publishedShop(mainDomain(merchant)), directory.index, now);
  verdicts.set(merchant, { day, verdict });
  return verdict;
}
