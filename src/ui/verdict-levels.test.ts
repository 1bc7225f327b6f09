import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import type { VerdictLevel } from '../directory/verdict.ts';
import { levelPalette, VERDICT_LEVELS } from './verdict-levels.ts';

// The one table of levels: every screen takes its mark, colours and words from here, so
// it must be complete, readable without colour, and readable in colour.

const LEVELS = Object.keys(VERDICT_LEVELS) as VerdictLevel[];

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe('the levels', () => {
  it('are the verdict levels, each with its own mark', () => {
    expect(LEVELS.sort()).toEqual(['caution', 'danger', 'none', 'unknown', 'verified']);
    const marks = LEVELS.map((level) => VERDICT_LEVELS[level].mark);
    expect(new Set(marks).size).toBe(LEVELS.length);
    for (const mark of marks) expect(mark.trim()).not.toBe('');
  });

  it.each(LEVELS)('%s: ink on paper and ink on white (or white on ink) keep 4.5:1', (level) => {
    const { ink, paper } = VERDICT_LEVELS[level];
    expect(contrast(ink, paper)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(ink, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it.each(['ar', 'fr', 'en'] as const)('have their words in %s', (lang) => {
    const { t } = localeTranslator(lang);
    for (const level of LEVELS) {
      const { words, tooltip, pageBadgeTitle } = VERDICT_LEVELS[level];
      for (const key of [words, tooltip, pageBadgeTitle]) {
        if (key === null) continue;
        expect(t(key, ['shop.test']).trim(), `${lang}: ${level} ${key}`).not.toBe('');
      }
    }
  });

  it('give the stylesheets every colour by name', () => {
    expect(levelPalette()).toMatchObject({ '--danger-ink': '#a40e26', '--caution-paper': '#fff8c5' });
    expect(Object.keys(levelPalette())).toHaveLength(LEVELS.length * 2);
  });
});
