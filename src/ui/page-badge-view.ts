import type { PageBadge } from '../extension/messages.ts';
import { element, withProperties } from './dom-build.ts';
import { levelPalette, VERDICT_LEVELS } from './verdict-levels.ts';

/**
 * The in-page badge. Verified is a small quiet pill; caution, danger and unknown say
 * what is wrong. The mark repeats the level in shape, not only in colour.
 */
export function pageBadgeElement(doc: Document, badge: PageBadge, onDismiss: () => void): HTMLElement {
  const quiet = badge.level === 'verified';
  const dismiss = element(
    doc,
    'button',
    { type: 'button', class: 'thiqa-badge__dismiss', 'aria-label': badge.dismissLabel, title: badge.dismissLabel },
    '×',
  );
  dismiss.addEventListener('click', onDismiss);
  const aside = element(
    doc,
    'aside',
    {
      class: `thiqa-badge thiqa-badge--${badge.level}`,
      lang: badge.lang,
      dir: badge.dir,
      'aria-label': `${badge.brand}: ${badge.title}`,
      'data-level': badge.level,
    },
    element(doc, 'span', { class: 'thiqa-badge__mark', 'aria-hidden': 'true' }, VERDICT_LEVELS[badge.level].mark),
    element(
      doc,
      'span',
      { class: 'thiqa-badge__words' },
      element(doc, 'strong', { class: 'thiqa-badge__title' }, `${badge.brand} · ${badge.title}`),
      !quiet && element(doc, 'span', { class: 'thiqa-badge__detail' }, badge.detail),
      badge.certificateUrl &&
        element(
          doc,
          'a',
          {
            class: 'thiqa-badge__certificate',
            href: badge.certificateUrl,
            target: '_blank',
            rel: 'noopener noreferrer',
          },
          badge.certificateLabel,
        ),
    ),
    dismiss,
  );
  return withProperties(aside, levelPalette());
}

/** The host follows the page's direction, so the logical corner in the CSS is the page's. */
export function placeBadgeHost(host: HTMLElement, pageDirection: 'ltr' | 'rtl'): void {
  host.setAttribute('dir', pageDirection);
}
