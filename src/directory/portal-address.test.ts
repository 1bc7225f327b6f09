import { describe, expect, it } from 'vitest';
import { PORTAL_PATHS, portalAddress } from './portal-address.ts';

describe('portal addresses', () => {
  it.each([
    [
      'https://thiqa.ma',
      PORTAL_PATHS.certificate('atlas-electro'),
      'ar',
      'https://thiqa.ma/merchants/atlas-electro?lang=ar',
    ],
    ['https://thiqa.ma/', PORTAL_PATHS.rights, 'fr', 'https://thiqa.ma/rights?lang=fr'],
    ['https://fdec.ma/thiqa', PORTAL_PATHS.rights, 'en', 'https://fdec.ma/thiqa/rights?lang=en'],
    ['http://127.0.0.1:8787', PORTAL_PATHS.home, 'fr', 'http://127.0.0.1:8787/?lang=fr'],
  ])('%s + %s in %s', (base, path, lang, expected) => {
    expect(portalAddress(base, path, lang)).toBe(expected);
  });

  it('keeps a merchant id inside its path segment', () => {
    expect(portalAddress('https://thiqa.ma', PORTAL_PATHS.certificate('../admin?x=1'), 'fr')).toBe(
      'https://thiqa.ma/merchants/..%2Fadmin%3Fx%3D1?lang=fr',
    );
  });
});
