import type { PageBadge } from '../extension/messages.ts';
import { levelPalette, VERDICT_LEVELS } from './verdict-levels.ts';

/**
 * The in-page badge. Verified is a small quiet pill; caution, danger and unknown say
 * what is wrong. The mark repeats the level in shape, not only in colour.
 */
export function PageBadgeView(props: { badge: PageBadge; onDismiss: () => void }) {
  const { badge, onDismiss } = props;
  const brand = badge.brand;
  const quiet = badge.level === 'verified';
  return (
    <aside
      class={`thiqa-badge thiqa-badge--${badge.level}`}
      lang={badge.lang}
      dir={badge.dir}
      aria-label={`${brand}: ${badge.title}`}
      data-level={badge.level}
      style={levelPalette()}
    >
      <span class="thiqa-badge__mark" aria-hidden="true">
        {VERDICT_LEVELS[badge.level].mark}
      </span>
      <span class="thiqa-badge__words">
        <strong class="thiqa-badge__title">
          {brand} · {badge.title}
        </strong>
        {quiet ? null : <span class="thiqa-badge__detail">{badge.detail}</span>}
        {badge.certificateUrl ? (
          <a class="thiqa-badge__certificate" href={badge.certificateUrl} target="_blank" rel="noopener noreferrer">
            {badge.certificateLabel}
          </a>
        ) : null}
      </span>
      <button
        type="button"
        class="thiqa-badge__dismiss"
        aria-label={badge.dismissLabel}
        title={badge.dismissLabel}
        onClick={onDismiss}
      >
        ×
      </button>
    </aside>
  );
}

/** The host follows the page's direction, so the logical corner in the CSS is the page's. */
export function placeBadgeHost(host: HTMLElement, pageDirection: 'ltr' | 'rtl'): void {
  host.setAttribute('dir', pageDirection);
}
