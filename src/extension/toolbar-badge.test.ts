import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import type { VerdictLevel } from '../directory/verdict.ts';
import { VERDICT_LEVELS } from '../ui/verdict-levels.ts';
import { createRepaintTurns, paintToolbarBadge, type ToolbarAction } from './toolbar-badge.ts';

const LEVELS = Object.keys(VERDICT_LEVELS) as VerdictLevel[];

describe('the toolbar badge', () => {
  it.each(LEVELS)('%s: paints the mark in white on the ink, and says the level in the tooltip', async (level) => {
    const painted: Record<string, string> = {};
    const action: ToolbarAction = {
      async setBadgeText({ text }) {
        painted.text = text;
      },
      async setBadgeBackgroundColor({ color }) {
        painted.background = color;
      },
      async setBadgeTextColor({ color }) {
        painted.color = color;
      },
      async setTitle({ title }) {
        painted.title = title;
      },
    };
    const translator = localeTranslator('fr');
    const identity =
      level === 'none'
        ? null
        : { kind: 'domain' as const, domain: 'shop.test', display: 'shop.test', host: 'shop.test' };
    await paintToolbarBadge(
      action,
      7,
      { identity, verdict: { level, reasons: [] }, entry: null, meta: null },
      translator,
    );
    const look = VERDICT_LEVELS[level];
    expect(painted).toEqual({
      // A page that is no shop keeps a quiet icon.
      text: level === 'none' ? '' : look.mark,
      background: look.ink,
      color: '#ffffff',
      title: translator.t(look.tooltip, ['shop.test']),
    });
  });
});

describe('repaint turns', () => {
  /** A tab's repaint as the background runs it: judge (awaited), then paint if still the latest. */
  function painter() {
    const turns = createRepaintTurns();
    const painted = new Map<number, string>();
    const repaint = async (tabId: number, judged: Promise<string>) => {
      const latest = turns.begin(tabId);
      const mark = await judged;
      if (latest()) painted.set(tabId, mark);
    };
    return { turns, painted, repaint };
  }
  const deferred = () => {
    let resolve: (mark: string) => void = () => {};
    const promise = new Promise<string>((done) => {
      resolve = done;
    });
    return { promise, resolve };
  };

  it('keeps the newer judgement when the older one finishes last (a navigation judged before a sync, painted after it)', async () => {
    const { painted, repaint } = painter();
    const beforeSync = deferred();
    const afterSync = deferred();
    const first = repaint(3, beforeSync.promise);
    const second = repaint(3, afterSync.promise);
    afterSync.resolve('✓');
    await second;
    beforeSync.resolve('');
    await first;
    expect(painted.get(3)).toBe('✓');
  });

  it('paints each tab on its own: a repaint of one tab does not cancel another’s', async () => {
    const { painted, repaint } = painter();
    const one = deferred();
    const other = deferred();
    const first = repaint(1, one.promise);
    const second = repaint(2, other.promise);
    other.resolve('!');
    one.resolve('✓');
    await Promise.all([first, second]);
    expect(Object.fromEntries(painted)).toEqual({ 1: '✓', 2: '!' });
  });

  it('forgets a closed tab, and a tab id used again starts afresh', async () => {
    const { turns, painted, repaint } = painter();
    const stale = turns.begin(5);
    turns.forget(5);
    expect(stale()).toBe(false);
    await repaint(5, Promise.resolve('?'));
    expect(painted.get(5)).toBe('?');
  });
});
