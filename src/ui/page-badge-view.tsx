import type { PageBadge } from '../extension/messages.ts';

const MARK: Record<PageBadge['level'], string> = { verified: '✓', caution: '!', danger: '✕', unknown: '?', none: '' };

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
    >
      <span class="thiqa-badge__mark" aria-hidden="true">
        {MARK[badge.level]}
      </span>
      <span class="thiqa-badge__words">
        <strong class="thiqa-badge__title">
          {brand} · {badge.title}
        </strong>
        {quiet ? null : <span class="thiqa-badge__detail">{badge.detail}</span>}
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

/**
 * Fixed to the end corner of the page's writing direction: out of the flow, so the page
 * never moves when the badge appears; logical sides, so an Arabic page has it at the
 * bottom left and a French one at the bottom right. Inline and important, because WXT
 * resets the host with `all: initial !important` and the page's own CSS may target it.
 */
export function placeBadgeHost(host: HTMLElement, pageDirection: 'ltr' | 'rtl'): void {
  host.setAttribute('dir', pageDirection);
  const placement: Record<string, string> = {
    position: 'fixed',
    'inset-block-end': '16px',
    'inset-inline-end': '16px',
    'z-index': '2147483646',
    display: 'block',
    'max-inline-size': 'min(360px, calc(100vw - 32px))',
  };
  for (const [property, value] of Object.entries(placement)) host.style.setProperty(property, value, 'important');
}
