import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import type { VerdictLevel } from '../directory/verdict.ts';
import { VERDICT_LEVELS } from '../ui/verdict-levels.ts';
import { paintToolbarBadge, type ToolbarAction } from './toolbar-badge.ts';

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
