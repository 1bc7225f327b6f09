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
    // Addresses the URL parser rewrites into a network's host: the quick test must not drop them.
    ['HTTPS://WWW.INSTAGRAM.COM/Atlas.Electro/', true],
    ['https://www.instagr%61m.com/atlas.electro/', true],
    ['https://www.\uff49\uff4e\uff53\uff54\uff41\uff47\uff52\uff41\uff4d.com/atlas.electro/', true],
    ['https://www.insta\tgram.com/atlas.electro/', true],
    ['https://news.example/2026/11/%D9%85%D9%82%D8%A7%D9%84', false],
  ])('%s → %s', (href, expected) => {
    expect(isSocialSellerPage({ href })).toBe(expected);
  });
});
