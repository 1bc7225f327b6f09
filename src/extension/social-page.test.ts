import { describe, expect, it } from 'vitest';
import { isSocialSellerPage } from './social-page.ts';

describe('social seller pages', () => {
  it.each([
    ['https://www.instagram.com/atlas.electro/', true],
    ['http://www.instagram.com:41234/atlas.electro', true],
    ['https://www.facebook.com/profile.php?id=100089123456789', true],
    ['https://www.tiktok.com/@atlas.electro', true],
    ['https://api.whatsapp.com/send?phone=212612345678', true],
    ['https://www.instagram.com/', false],
    ['https://www.instagram.com/p/Cx12AbC/', false],
    ['https://www.facebook.com/groups/123456789', false],
    ['https://www.atlas-electro.test/', false],
  ])('%s → %s', (href, expected) => {
    expect(isSocialSellerPage({ href })).toBe(expected);
  });
});
