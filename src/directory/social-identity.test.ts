import { describe, expect, it } from 'vitest';
import { identityOfKey, isCanonicalShopKey, resolveShopIdentity, shopIdentity } from './shop-identity.ts';
import { socialKeyOf, whatsappNumber } from './social-identity.ts';

describe('social sellers: identity from the address alone', () => {
  it.each([
    ['https://www.instagram.com/Atlas.Electro/', 'instagram.com/atlas.electro', '@atlas.electro · Instagram'],
    ['instagram.com/atlas.electro?igsh=abc#x', 'instagram.com/atlas.electro', '@atlas.electro · Instagram'],
    ['http://m.instagram.com/atlas_electro/reels/', 'instagram.com/atlas_electro', '@atlas_electro · Instagram'],
    ['http://www.instagram.com:8080/atlas.electro', 'instagram.com/atlas.electro', '@atlas.electro · Instagram'],
    ['https://www.facebook.com/AtlasElectroMaroc', 'facebook.com/atlaselectromaroc', 'atlaselectromaroc · Facebook'],
    ['https://web.facebook.com/atlas.electro/posts/123', 'facebook.com/atlas.electro', 'atlas.electro · Facebook'],
    ['https://m.facebook.com/atlas.electro', 'facebook.com/atlas.electro', 'atlas.electro · Facebook'],
    ['https://fb.com/atlas.electro', 'facebook.com/atlas.electro', 'atlas.electro · Facebook'],
    [
      'https://www.facebook.com/profile.php?id=100089123456789&sk=about',
      'facebook.com/100089123456789',
      '100089123456789 · Facebook',
    ],
    ['https://www.facebook.com/100089123456789', 'facebook.com/100089123456789', '100089123456789 · Facebook'],
    ['https://www.facebook.com/pages/Atlas-Electro/123456789', 'facebook.com/123456789', '123456789 · Facebook'],
    [
      'https://www.facebook.com/people/Atlas-Electro/100089123456789/',
      'facebook.com/100089123456789',
      '100089123456789 · Facebook',
    ],
    [
      'https://www.facebook.com/p/Atlas-Electro-100089123456789/',
      'facebook.com/100089123456789',
      '100089123456789 · Facebook',
    ],
    ['https://www.tiktok.com/@Atlas.Electro', 'tiktok.com/@atlas.electro', '@atlas.electro · TikTok'],
    [
      'https://www.tiktok.com/@atlas_electro/video/7301234567890',
      'tiktok.com/@atlas_electro',
      '@atlas_electro · TikTok',
    ],
    ['https://wa.me/212612345678', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://wa.me/212612345678?text=Salam', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://wa.me/c/212612345678', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://wa.me/0612345678', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://wa.me/+212612345678', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://api.whatsapp.com/send?phone=212612345678&text=x', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://api.whatsapp.com/send/?phone=%2B212612345678', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://api.whatsapp.com/send?phone=+212612345678', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://api.whatsapp.com/send?phone=00212612345678', 'wa.me/212612345678', '+212 6 12 34 56 78 · WhatsApp'],
    ['https://web.whatsapp.com/send?phone=0661234567', 'wa.me/212661234567', '+212 6 61 23 45 67 · WhatsApp'],
    ['https://wa.me/33612345678', 'wa.me/33612345678', '+33 6 12 34 56 78 · WhatsApp'],
  ])('%s → %s', (input, key, display) => {
    const identity = shopIdentity(input);
    expect(identity).toMatchObject({ kind: 'social', domain: key, display });
    // The key is canonical: it names itself, and never passes for a domain.
    expect(isCanonicalShopKey(key)).toBe(true);
    expect(identityOfKey(key)).toMatchObject({ kind: 'social', domain: key, display });
    expect(shopIdentity(`https://${key}`)?.domain).toBe(key);
  });

  it.each([
    ['https://www.instagram.com/', 'social-platform'],
    ['https://www.instagram.com/explore/tags/promo/', 'social-platform'],
    ['https://www.instagram.com/p/Cx12AbC/', 'social-platform'],
    ['https://www.instagram.com/reel/Cx12AbC/', 'social-platform'],
    ['https://www.instagram.com/accounts/login/', 'social-platform'],
    ['https://about.instagram.com/', 'social-platform'],
    ['https://www.facebook.com/', 'social-platform'],
    ['https://www.facebook.com/groups/123456789', 'social-platform'],
    ['https://www.facebook.com/watch/?v=1', 'social-platform'],
    ['https://www.facebook.com/marketplace/item/123456789/', 'social-platform'],
    ['https://www.facebook.com/share/abcDEF/', 'social-platform'],
    ['https://www.facebook.com/login/', 'social-platform'],
    ['https://www.facebook.com/help/', 'social-platform'],
    ['https://www.facebook.com/profile.php', 'social-platform'],
    ['https://www.facebook.com/profile.php?id=abc', 'social-platform'],
    ['https://business.facebook.com/atlas', 'social-platform'],
    ['https://www.tiktok.com/', 'social-platform'],
    ['https://www.tiktok.com/foryou', 'social-platform'],
    ['https://wa.me/', 'social-platform'],
    ['https://wa.me/message/ABCDEF123', 'social-platform'],
    ['https://api.whatsapp.com/send?text=hello', 'social-platform'],
    ['https://www.whatsapp.com/', 'social-platform'],
    // Hostile or impossible handles.
    [`https://www.instagram.com/${'a'.repeat(31)}`, 'invalid-social-handle'],
    ['https://www.instagram.com/atlas..electro', 'invalid-social-handle'],
    ['https://www.instagram.com/atlas.electro.', 'invalid-social-handle'],
    ['https://www.instagram.com/atlas-electro', 'invalid-social-handle'],
    ['https://www.instagram.com/%D9%85%D8%AA%D8%AC%D8%B1', 'invalid-social-handle'],
    ['https://www.instagram.com/atlas\u202Eelectro', 'invalid-social-handle'],
    ['https://www.instagram.com/аtlas', 'invalid-social-handle'],
    ['https://www.facebook.com/abc', 'invalid-social-handle'],
    [`https://www.facebook.com/${'a'.repeat(51)}`, 'invalid-social-handle'],
    ['https://www.facebook.com/atlas_electro', 'invalid-social-handle'],
    ['https://www.tiktok.com/@', 'invalid-social-handle'],
    [`https://www.tiktok.com/@${'a'.repeat(25)}`, 'invalid-social-handle'],
    ['https://www.tiktok.com/@atlas%00', 'invalid-social-handle'],
    ['https://wa.me/12', 'invalid-social-handle'],
    ['https://wa.me/2126123', 'invalid-social-handle'],
    ['https://wa.me/0012', 'invalid-social-handle'],
    ['https://wa.me/%E0%A4%A', 'invalid-social-handle'],
    ['https://wa.me/%FF', 'invalid-social-handle'],
    [`https://wa.me/${'9'.repeat(40)}`, 'invalid-social-handle'],
    ['https://api.whatsapp.com/send?phone=<script>', 'invalid-social-handle'],
    ['https://api.whatsapp.com/send?phone=0000000000', 'invalid-social-handle'],
  ])('%s has no identity (%s)', (input, cause) => {
    expect(resolveShopIdentity(input)).toEqual({ ok: false, cause });
  });

  it('leaves domain shops as they were', () => {
    expect(shopIdentity('https://www.atlas-electro.test/x')).toEqual({
      kind: 'domain',
      domain: 'atlas-electro.test',
      display: 'atlas-electro.test',
      host: 'www.atlas-electro.test',
    });
    expect(isCanonicalShopKey('atlas-electro.test')).toBe(true);
    expect(isCanonicalShopKey('instagram.com')).toBe(false);
  });

  it.each([
    'Instagram.com/atlas.electro',
    'instagram.com/Atlas.Electro',
    'instagram.com/atlas.electro/',
    'www.instagram.com/atlas.electro',
    'wa.me/0612345678',
    'wa.me/+212612345678',
    'tiktok.com/atlas',
    'facebook.com/profile.php?id=1234567',
    'evil.test/instagram.com/atlas',
    'instagram.com/p',
  ])('%s is not a canonical key', (key) => {
    expect(isCanonicalShopKey(key)).toBe(false);
    expect(identityOfKey(key)).toBeNull();
  });
});

describe('WhatsApp numbers to E.164', () => {
  it.each([
    ['+212612345678', '212612345678'],
    ['+212 6 12 34 56 78', '212612345678'],
    ['+212-612-345-678', '212612345678'],
    ['(+212) 612 345 678', '212612345678'],
    ['00212612345678', '212612345678'],
    ['00 212 6 12 34 56 78', '212612345678'],
    ['0612345678', '212612345678'],
    ['06 12 34 56 78', '212612345678'],
    ['06.12.34.56.78', '212612345678'],
    ['0712345678', '212712345678'],
    ['0522123456', '212522123456'],
    ['212612345678', '212612345678'],
    ['+2120612345678', '212612345678'],
    ['+33612345678', '33612345678'],
  ])('%s → %s', (written, digits) => {
    expect(whatsappNumber(written)?.digits).toBe(digits);
  });

  it.each(['', '06123', '+212', '+21261234567890', '061234567x', '٠٦١٢٣٤٥٦٧٨', '+0612345678', '1'.repeat(21)])(
    '%j is no number',
    (written) => {
      expect(whatsappNumber(written)).toBeNull();
    },
  );
});

describe('merchant social entries to keys', () => {
  it.each([
    ['instagram', 'atlas.electro', 'instagram.com/atlas.electro'],
    ['instagram', '@Atlas.Electro', 'instagram.com/atlas.electro'],
    ['instagram', 'https://www.instagram.com/atlas.electro/', 'instagram.com/atlas.electro'],
    ['facebook', 'AtlasElectroMaroc', 'facebook.com/atlaselectromaroc'],
    ['facebook', 'https://www.facebook.com/profile.php?id=100089123456789', 'facebook.com/100089123456789'],
    ['tiktok', '@atlas.electro', 'tiktok.com/@atlas.electro'],
    ['tiktok', 'atlas.electro', 'tiktok.com/@atlas.electro'],
    ['whatsapp', '+212 6 12 34 56 78', 'wa.me/212612345678'],
    ['whatsapp', '0612345678', 'wa.me/212612345678'],
    ['whatsapp', 'https://wa.me/212612345678', 'wa.me/212612345678'],
  ])('%s %s → %s', (network, handle, key) => {
    expect(socialKeyOf(network, handle)).toBe(key);
  });

  it.each([
    ['instagram', 'atlas electro'],
    ['instagram', 'https://www.facebook.com/atlas.electro'],
    ['instagram', 'explore'],
    ['tiktok', '@'],
    ['whatsapp', '0612'],
    ['youtube', 'atlas'],
    ['x', 'atlas'],
    ['instagram', 'javascript:alert(1)'],
    ['instagram', `${'a'.repeat(300)}`],
  ])('%s %j names no seller', (network, handle) => {
    expect(socialKeyOf(network, handle)).toBeNull();
  });
});
