import { PORTAL_PATHS, portalAddress } from '../directory/portal-address.ts';
import { keptShopUrl } from '../directory/report-contract.ts';
import type { VerdictLevel } from '../directory/verdict.ts';
import { reasonWords } from '../ui/verdict-words.ts';
import type { CheckoutWarning } from './messages.ts';
import type { SiteChoice } from './setting-values.ts';
import type { Judgement } from './shop-judge.ts';
import type { MessageKey, Translator } from './translator.ts';

const TITLES: Partial<Record<VerdictLevel, MessageKey>> = {
  unknown: 'checkout_titleUnknown',
  caution: 'checkout_titleCaution',
  danger: 'checkout_titleDanger',
};

/**
 * Whether the content script warns on this site's checkout forms, and in what words.
 * Unknown, caution and danger shops warn; a verified one never does. "I trust this shop"
 * and "Continue" silence it, except in danger: a flag is news the shopper must hear at
 * every order form, whatever they chose before.
 */
export function checkoutWarningFor(
  judgement: Judgement,
  site: SiteChoice,
  translator: Translator,
  portalUrl: string,
  pageUrl: string | undefined,
): CheckoutWarning {
  const { t, lang } = translator;
  const { level, reasons } = judgement.verdict;
  const title = TITLES[level];
  const silenced = level !== 'danger' && (site.trusted || site.checkoutContinued);
  const first = reasons[0];
  const identity = judgement.identity;
  const reportUrl = (() => {
    if (!identity || !pageUrl) return null;
    const address = new URL(portalAddress(portalUrl, PORTAL_PATHS.report, lang));
    address.searchParams.set('url', keptShopUrl(pageUrl, identity));
    return address.toString();
  })();
  return {
    warn: title !== undefined && !silenced,
    title: title ? t(title) : '',
    detail: first ? reasonWords(first, translator) : '',
    checkHeading: t('checkout_checkHeading'),
    tips: [t('checkout_tipInspect'), t('checkout_tipNoDeposit'), t('checkout_tipCard')],
    continueLabel: t(level === 'danger' ? 'checkout_continueAnyway' : 'checkout_continue'),
    reportUrl,
    reportLabel: t('checkout_report'),
    regionLabel: t('checkout_region'),
  };
}
