import type { PageBadge } from './messages.ts';
import type { SiteChoice } from './setting-values.ts';
import type { Judgement } from './shop-judge.ts';
import type { MessageKey, Translator } from './translator.ts';
import { reasonWords } from './verdict-words.ts';

const TITLE: Record<Exclude<PageBadge['level'], 'none'>, MessageKey> = {
  verified: 'pageBadge_verified',
  caution: 'pageBadge_caution',
  danger: 'pageBadge_danger',
  unknown: 'pageBadge_unknown',
};

/**
 * What the in-page badge says, or that it stays hidden: on pages without a shop
 * identity, on sites where the shopper hid it, and on trusted shops unless in danger
 * (a flag raised after the shopper trusted a shop must still reach them).
 */
export function pageBadgeFor(judgement: Judgement, site: SiteChoice, translator: Translator): PageBadge {
  const { level, reasons } = judgement.verdict;
  const hidden = level === 'none' || site.hideBadge || (site.trusted && level !== 'danger');
  const first = reasons[0];
  return {
    show: !hidden,
    level,
    lang: translator.lang,
    dir: translator.dir,
    brand: translator.t('extensionShortName'),
    title: level === 'none' ? '' : translator.t(TITLE[level]),
    detail: level === 'verified' || !first ? translator.t('pageBadge_more') : reasonWords(first, translator),
    dismissLabel: translator.t('pageBadge_dismiss'),
  };
}
