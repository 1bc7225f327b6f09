import { describe, expect, it } from 'vitest';
import { BUNDLED_HELP_PATH, helpAddress } from './help-link.ts';

describe('the popup help link', () => {
  it.each([
    [true, 'https://thiqa.ma', 'ar', 'https://thiqa.ma/rights?lang=ar'],
    [true, 'https://fdec.ma/thiqa/', 'fr', 'https://fdec.ma/thiqa/rights?lang=fr'],
    [false, 'https://thiqa.ma', 'ar', BUNDLED_HELP_PATH],
    [false, 'https://thiqa.ma', 'en', '/help.html'],
  ])('online %s, portal %s, %s → %s', (online, portalUrl, lang, expected) => {
    expect(helpAddress(online, portalUrl, lang)).toBe(expected);
  });
});
