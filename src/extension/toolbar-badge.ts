import { VERDICT_LEVELS } from '../ui/verdict-levels.ts';
import type { Judgement } from './shop-judge.ts';
import type { Translator } from './translator.ts';

/** The part of `browser.action` (or MV2 `browserAction`) the badge uses. */
export interface ToolbarAction {
  setBadgeText(details: { text: string; tabId: number }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string; tabId: number }): Promise<void>;
  setTitle(details: { title: string; tabId: number }): Promise<void>;
  setBadgeTextColor?: (details: { color: string; tabId: number }) => Promise<void>;
}

export function toolbarTooltip(judgement: Judgement, translator: Translator): string {
  return translator.t(VERDICT_LEVELS[judgement.verdict.level].tooltip, [judgement.identity?.display ?? '']);
}

export async function paintToolbarBadge(
  action: ToolbarAction,
  tabId: number,
  judgement: Judgement,
  translator: Translator,
): Promise<void> {
  const { level } = judgement.verdict;
  const look = VERDICT_LEVELS[level];
  await Promise.all([
    // A page that is no shop gets no badge: the icon stays quiet there.
    action.setBadgeText({ tabId, text: level === 'none' ? '' : look.mark }),
    action.setBadgeBackgroundColor({ tabId, color: look.ink }),
    action.setBadgeTextColor?.({ tabId, color: '#ffffff' }),
    action.setTitle({ tabId, title: toolbarTooltip(judgement, translator) }),
  ]);
}

/**
 * Which repaint of a tab is the latest. Judging a tab awaits storage, so two repaints (its
 * navigation, then a directory update) may finish out of order: the older one, judged on the
 * directory as it was, must not paint over the newer. `begin` is called when a repaint
 * starts; the function it returns says, just before painting, whether none began since.
 */
export function createRepaintTurns() {
  const latest = new Map<number, number>();
  let counter = 0;
  return {
    begin(tabId: number): () => boolean {
      const turn = ++counter;
      latest.set(tabId, turn);
      return () => latest.get(tabId) === turn;
    },
    /** A closed tab's turns go with it. */
    forget(tabId: number): void {
      latest.delete(tabId);
    },
  };
}
