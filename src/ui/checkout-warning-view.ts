import type { CheckoutKind, PageBadge } from '../extension/messages.ts';
import { element, withProperties } from './dom-build.ts';
import { levelPalette, VERDICT_LEVELS } from './verdict-levels.ts';

/**
 * The warning above a checkout or order form of a shop nobody verified, in caution or in
 * danger. It never blocks: the form stays as the shop made it; "continue" only hides this.
 * Announced once as an alert; its buttons are ordinary focusable controls. On a card form
 * the card advice comes first.
 */
export function checkoutWarningElement(
  doc: Document,
  badge: PageBadge,
  kind: CheckoutKind,
  onContinue: () => void,
): HTMLElement {
  const warning = badge.checkout;
  const [inspect, noDeposit, card] = warning.tips;
  const tips = (kind === 'card-payment' ? [card, noDeposit, inspect] : [inspect, noDeposit, card]).filter(
    (tip): tip is string => Boolean(tip),
  );
  const continueButton = element(
    doc,
    'button',
    { type: 'button', class: 'thiqa-checkout__continue' },
    warning.continueLabel,
  );
  continueButton.addEventListener('click', onContinue);
  const section = element(
    doc,
    'section',
    {
      class: `thiqa-checkout thiqa-checkout--${badge.level}`,
      role: 'alert',
      'aria-label': warning.regionLabel,
      lang: badge.lang,
      dir: badge.dir,
      'data-level': badge.level,
      'data-kind': kind,
    },
    element(
      doc,
      'p',
      { class: 'thiqa-checkout__head' },
      element(doc, 'span', { class: 'thiqa-checkout__mark', 'aria-hidden': 'true' }, VERDICT_LEVELS[badge.level].mark),
      element(doc, 'strong', { class: 'thiqa-checkout__title' }, `${badge.brand} · ${warning.title}`),
    ),
    warning.detail && element(doc, 'p', { class: 'thiqa-checkout__detail' }, warning.detail),
    element(doc, 'p', { class: 'thiqa-checkout__heading' }, warning.checkHeading),
    element(doc, 'ul', { class: 'thiqa-checkout__tips' }, ...tips.map((tip) => element(doc, 'li', {}, tip))),
    element(
      doc,
      'p',
      { class: 'thiqa-checkout__actions' },
      continueButton,
      warning.reportUrl &&
        element(
          doc,
          'a',
          { class: 'thiqa-checkout__report', href: warning.reportUrl, target: '_blank', rel: 'noopener noreferrer' },
          warning.reportLabel,
        ),
    ),
  );
  return withProperties(section, levelPalette());
}
