import type { VerdictLevel } from '../directory/verdict.ts';
import type { MessageKey } from './locale-messages.ts';

export interface LevelLook {
  /** The level's shape, so it reads without colour (colour-blind shoppers, greyscale screens). */
  mark: string;
  /** The level's colour: text and border on `paper` or white, the background under white text. */
  ink: string;
  /** The light background the level's words sit on. */
  paper: string;
  /** The level in words: the popup's heading, the toolbar tooltip, the in-page badge's title. */
  words: MessageKey;
  tooltip: MessageKey;
  /** Null where the in-page badge never shows. */
  pageBadgeTitle: MessageKey | null;
}

/**
 * How each level looks and what it is called, on every screen: the toolbar badge, the
 * in-page badge and the popup. The colours keep WCAG AA contrast (4.5:1) for ink on paper,
 * ink on white and white on ink (verdict-levels.test.ts checks it).
 */
export const VERDICT_LEVELS: Readonly<Record<VerdictLevel, LevelLook>> = {
  verified: {
    mark: '✓',
    ink: '#116329',
    paper: '#dafbe1',
    words: 'level_verified',
    tooltip: 'tooltip_verified',
    pageBadgeTitle: 'pageBadge_verified',
  },
  caution: {
    mark: '!',
    ink: '#7d4e00',
    paper: '#fff8c5',
    words: 'level_caution',
    tooltip: 'tooltip_caution',
    pageBadgeTitle: 'pageBadge_caution',
  },
  danger: {
    mark: '✕',
    ink: '#a40e26',
    paper: '#ffebe9',
    words: 'level_danger',
    tooltip: 'tooltip_danger',
    pageBadgeTitle: 'pageBadge_danger',
  },
  unknown: {
    mark: '?',
    ink: '#424a53',
    paper: '#f6f8fa',
    words: 'level_unknown',
    tooltip: 'tooltip_unknown',
    pageBadgeTitle: 'pageBadge_unknown',
  },
  // A page that names no shop: the popup still explains why; the in-page badge never shows.
  none: {
    mark: '–',
    ink: '#424a53',
    paper: '#f6f8fa',
    words: 'level_none',
    tooltip: 'tooltip_none',
    pageBadgeTitle: null,
  },
};

/**
 * Every level's colours as CSS custom properties (`--danger-ink`, `--danger-paper`, …), set
 * on a screen's root element: the stylesheets say where ink and paper go, this table says
 * what they are.
 */
export function levelPalette(): Record<`--${VerdictLevel}-${'ink' | 'paper'}`, string> {
  const entries = Object.entries(VERDICT_LEVELS).flatMap(([level, { ink, paper }]) => [
    [`--${level}-ink`, ink],
    [`--${level}-paper`, paper],
  ]);
  return Object.fromEntries(entries);
}
