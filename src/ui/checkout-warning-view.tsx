import type { CheckoutKind, PageBadge } from '../extension/messages.ts';
import { levelPalette, VERDICT_LEVELS } from './verdict-levels.ts';

/**
 * The warning above a checkout or order form of a shop nobody verified, in caution or in
 * danger. It never blocks: the form stays as the shop made it; "continue" only hides this.
 * Announced once as an alert; its buttons are ordinary focusable controls. On a card form
 * the card advice comes first.
 */
export function CheckoutWarningView(props: { badge: PageBadge; kind: CheckoutKind; onContinue: () => void }) {
  const { badge, kind, onContinue } = props;
  const warning = badge.checkout;
  const [inspect, noDeposit, card] = warning.tips;
  const tips = (kind === 'card-payment' ? [card, noDeposit, inspect] : [inspect, noDeposit, card]).filter(
    (tip): tip is string => Boolean(tip),
  );
  return (
    <section
      class={`thiqa-checkout thiqa-checkout--${badge.level}`}
      role="alert"
      aria-label={warning.regionLabel}
      lang={badge.lang}
      dir={badge.dir}
      data-level={badge.level}
      data-kind={kind}
      style={levelPalette()}
    >
      <p class="thiqa-checkout__head">
        <span class="thiqa-checkout__mark" aria-hidden="true">
          {VERDICT_LEVELS[badge.level].mark}
        </span>
        <strong class="thiqa-checkout__title">
          {badge.brand} · {warning.title}
        </strong>
      </p>
      {warning.detail ? <p class="thiqa-checkout__detail">{warning.detail}</p> : null}
      <p class="thiqa-checkout__heading">{warning.checkHeading}</p>
      <ul class="thiqa-checkout__tips">
        {tips.map((tip) => (
          <li key={tip}>{tip}</li>
        ))}
      </ul>
      <p class="thiqa-checkout__actions">
        <button type="button" class="thiqa-checkout__continue" onClick={onContinue}>
          {warning.continueLabel}
        </button>
        {warning.reportUrl ? (
          <a class="thiqa-checkout__report" href={warning.reportUrl} target="_blank" rel="noopener noreferrer">
            {warning.reportLabel}
          </a>
        ) : null}
      </p>
    </section>
  );
}
