import { PORTAL_PATHS, portalAddress } from '../directory/portal-address.ts';
import { shopIdentity } from '../directory/shop-identity.ts';
import { VERDICT_LEVELS } from '../ui/verdict-levels.ts';
import { reasonWords } from '../ui/verdict-words.ts';
import { checkoutWarningFor } from './checkout-warning.ts';
import type { PageBadge } from './messages.ts';
import type { SiteChoice } from './setting-values.ts';
import type { Judgement } from './shop-judge.ts';
import type { Translator } from './translator.ts';

/**
 * What the in-page badge says, or that it stays hidden: on pages without a shop
 * identity, on sites where the shopper hid it, and on trusted shops unless in danger
 * (a flag raised after the shopper trusted a shop must still reach them).
 */
export function pageBadgeFor(
  judgement: Judgement,
  site: SiteChoice,
  translator: Translator,
  portalUrl: string,
  pageUrl?: string,
): PageBadge {
  const { level, reasons } = judgement.verdict;
  const hidden = level === 'none' || site.hideBadge || (site.trusted && level !== 'danger');
  const first = reasons[0];
  const title = VERDICT_LEVELS[level].pageBadgeTitle;
  return {
    show: !hidden,
    level,
    lang: translator.lang,
    dir: translator.dir,
    brand: translator.t('extensionShortName'),
    title: title ? translator.t(title) : '',
    detail: level === 'verified' || !first ? translator.t('pageBadge_more') : reasonWords(first, translator),
    dismissLabel: translator.t('pageBadge_dismiss'),
    ...certificateLink(judgement, translator, portalUrl),
    checkout: checkoutWarningFor(judgement, site, translator, portalUrl, pageUrl),
  };
}

/**
 * The merchant's own certificate; on a look-alike, the certificate of the verified shop
 * it looks like, named, so the shopper can go to the real one.
 */
function certificateLink(judgement: Judgement, translator: Translator, portalUrl: string) {
  const merchant = judgement.entry?.merchant ?? null;
  if (merchant) {
    return {
      certificateUrl: portalAddress(portalUrl, PORTAL_PATHS.certificate(merchant.id), translator.lang),
      certificateLabel: translator.t('pageBadge_certificate'),
    };
  }
  const lookalike = judgement.verdict.reasons.find((reason) => reason.code === 'lookalike');
  if (lookalike?.code === 'lookalike') {
    return {
      certificateUrl: portalAddress(portalUrl, PORTAL_PATHS.certificate(lookalike.merchantId), translator.lang),
      certificateLabel: translator.t('lookalike_certificateLink', [
        shopIdentity(lookalike.of)?.display ?? lookalike.of,
      ]),
    };
  }
  return { certificateUrl: null, certificateLabel: translator.t('pageBadge_certificate') };
}
