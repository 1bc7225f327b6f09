import type { VerdictLevel } from '../directory/verdict.ts';
import type { Judgement } from './shop-judge.ts';
import type { MessageKey, Translator } from './translator.ts';

/** The part of `browser.action` (or MV2 `browserAction`) the badge uses. */
export interface ToolbarAction {
  setBadgeText(details: { text: string; tabId: number }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string; tabId: number }): Promise<void>;
  setTitle(details: { title: string; tabId: number }): Promise<void>;
  setBadgeTextColor?: (details: { color: string; tabId: number }) => Promise<void>;
}

/**
 * Each level has its own mark, so the badge reads without colour (colour-blind
 * shoppers, greyscale screens); the colour only repeats it.
 */
export const TOOLBAR_BADGE: Record<VerdictLevel, { text: string; color: string }> = {
  verified: { text: '✓', color: '#1a7f37' },
  caution: { text: '!', color: '#9a6700' },
  danger: { text: '✕', color: '#b3261e' },
  unknown: { text: '?', color: '#57606a' },
  none: { text: '', color: '#57606a' },
};

const TOOLTIP: Record<VerdictLevel, MessageKey> = {
  verified: 'tooltip_verified',
  caution: 'tooltip_caution',
  danger: 'tooltip_danger',
  unknown: 'tooltip_unknown',
  none: 'tooltip_none',
};

export function toolbarTooltip(judgement: Judgement, translator: Translator): string {
  return translator.t(TOOLTIP[judgement.verdict.level], [judgement.identity?.display ?? '']);
}

export async function paintToolbarBadge(
  action: ToolbarAction,
  tabId: number,
  judgement: Judgement,
  translator: Translator,
): Promise<void> {
  const badge = TOOLBAR_BADGE[judgement.verdict.level];
  await Promise.all([
    action.setBadgeText({ tabId, text: badge.text }),
    action.setBadgeBackgroundColor({ tabId, color: badge.color }),
    action.setBadgeTextColor?.({ tabId, color: '#ffffff' }),
    action.setTitle({ tabId, title: toolbarTooltip(judgement, translator) }),
  ]);
}
