import { readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveShopIdentity, shopIdentity } from './shop-identity.ts';

describe('shopIdentity', () => {
  it.each([
    ['https://www.atlas-electro.test/produit?id=1#avis', 'atlas-electro.test', 'atlas-electro.test'],
    ['HTTPS://WWW.Atlas-Electro.TEST./', 'atlas-electro.test', 'atlas-electro.test'],
    ['atlas-electro.test:8443/panier', 'atlas-electro.test', 'atlas-electro.test'],
    ['//boutique.shop.ma/x', 'shop.ma', 'shop.ma'],
    ['x.co.ma', 'x.co.ma', 'x.co.ma'],
    ['a.myshopify.com', 'a.myshopify.com', 'a.myshopify.com'],
    ['b.myshopify.com', 'b.myshopify.com', 'b.myshopify.com'],
    ['https://bazar.youcan.shop/p/1', 'bazar.youcan.shop', 'bazar.youcan.shop'],
    ['www.bazar.youcan.store', 'bazar.youcan.store', 'bazar.youcan.store'],
    ['موقع.المغرب', 'xn--4gbrim.xn--mgbc0a9azcg', 'موقع.المغرب'],
    ['https://متجر.موقع.المغرب/سلة', 'xn--4gbrim.xn--mgbc0a9azcg', 'موقع.المغرب'],
    ['xn--4gbrim.xn--mgbc0a9azcg', 'xn--4gbrim.xn--mgbc0a9azcg', 'موقع.المغرب'],
    ['دار-أركان.test', 'xn----rmckc0bnc8l2a.test', 'دار-أركان.test'],
  ])('%s → %s', (input, domain, display) => {
    expect(shopIdentity(input)).toMatchObject({ domain, display });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['http://', 'invalid-host'],
    ['javascript:alert(1)', 'scheme'],
    ['data:text/html,<script>alert(1)</script>', 'scheme'],
    ['mailto:contact@shop.ma', 'scheme'],
    ['ftp://shop.ma/', 'scheme'],
    ['chrome://settings', 'scheme'],
    ['https://user:secret@shop.ma/', 'credentials'],
    ['http://127.0.0.1:8080/', 'ip-address'],
    ['http://0x7f.1/', 'ip-address'],
    ['http://[::1]/', 'ip-address'],
    ['localhost', 'single-label'],
    ['http://intranet/', 'single-label'],
    ['com', 'single-label'],
    ['co.ma', 'public-suffix'],
    ['youcan.shop', 'public-suffix'],
    ['www.youcan.shop', 'public-suffix'],
    ['xn--zz', 'invalid-host'],
    [`${'a'.repeat(64)}.ma`, 'invalid-host'],
    [`${'a'.repeat(10_240)}.ma`, 'too-long'],
    [`${'abc.'.repeat(70)}ma`, 'too-long'],
    ['.com', 'invalid-host'],
    ['shop..ma', 'invalid-host'],
    ['shop.ma..', 'invalid-host'],
  ])('%j has no shop identity (%s)', (input, cause) => {
    expect(resolveShopIdentity(input)).toEqual({ ok: false, cause });
  });

  it('takes platform suffixes from the directory', () => {
    expect(shopIdentity('tenant.newplatform.ma')?.domain).toBe('newplatform.ma');
    expect(shopIdentity('tenant.newplatform.ma', ['newplatform.ma'])?.domain).toBe('tenant.newplatform.ma');
    expect(shopIdentity('newplatform.ma', ['newplatform.ma'])).toBeNull();
  });

  it('takes a platform suffix only at a label boundary', () => {
    const platforms = ['newplatform.ma'];
    expect(shopIdentity('https://notnewplatform.ma/', platforms)?.domain).toBe('notnewplatform.ma');
    expect(shopIdentity('https://wwwxnewplatform.ma/', platforms)?.domain).toBe('wwwxnewplatform.ma');
    expect(shopIdentity('https://shop.abcdnewplatform.ma/', platforms)?.domain).toBe('abcdnewplatform.ma');
    expect(shopIdentity('https://www.newplatform.ma/', platforms)).toBeNull();
    expect(shopIdentity('https://www.tenant.newplatform.ma/', platforms)?.domain).toBe('tenant.newplatform.ma');
  });

  // Only hosts under a network's registrable domain have their path read as a profile.
  it.each([
    ['https://m.instagram.com/atlas.electro/', 'instagram.com/atlas.electro'],
    ['https://mbasic.facebook.com/atlas.electro', 'facebook.com/atlas.electro'],
    ['https://m.fb.com/atlas.electro', 'facebook.com/atlas.electro'],
    ['https://m.tiktok.com/@atlas.electro', 'tiktok.com/@atlas.electro'],
    ['https://www.wa.me/212612345678', 'wa.me/212612345678'],
    ['https://api.whatsapp.com/send?phone=212612345678', 'wa.me/212612345678'],
  ])('%s is the seller %s', (input, key) => {
    expect(shopIdentity(input)).toMatchObject({ kind: 'social', domain: key });
  });

  it.each([
    ['https://instagram.com.atlas-electro.test/atlas.electro', 'atlas-electro.test'],
    ['https://wa.me.pay-now.ma/212612345678', 'pay-now.ma'],
    ['https://my-instagram.com/atlas.electro', 'my-instagram.com'],
  ])('%s, a network name in another domain, is the shop %s', (input, domain) => {
    expect(shopIdentity(input)).toMatchObject({ kind: 'domain', domain });
  });
});

describe('Public Suffix List test vectors', () => {
  const lines = readFileSync(new URL('../../test/fixtures/psl-tests.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => /^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);/.exec(line.trim()))
    .filter((match) => match !== null);
  const unquote = (value: string) => (value === 'null' ? null : value.slice(1, -1));

  it('reads every vector', () => {
    expect(lines.length).toBeGreaterThanOrEqual(75);
  });

  it.each(lines.map((match) => [unquote(match[1] as string), unquote(match[2] as string)]))(
    '%s → %s',
    (input, expected) => {
      const identity = input === null ? null : shopIdentity(input, []);
      const expectedAscii = expected === null ? null : domainToASCII(expected);
      expect(identity?.domain ?? null).toBe(expectedAscii);
    },
  );
});

describe('identity properties', () => {
  const label = fc
    .stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/)
    .filter((value) => !value.startsWith('xn--'));
  const suffix = fc.constantFrom('ma', 'co.ma', 'com', 'test', 'youcan.shop', 'myshopify.com', 'xn--mgbc0a9azcg');
  // A generated name may itself be a public suffix (`ac.ma`, `co.com`): such a name is
  // no shop, and `www.` before it makes one, so the property is about shop names only.
  const shopHost = fc
    .tuple(label, suffix)
    .map(([name, tld]) => `${name}.${tld}`)
    .filter((host) => shopIdentity(host)?.domain === host);
  const noisyUrl = fc
    .record({
      host: shopHost,
      sub: fc.option(label, { nil: undefined }),
      www: fc.boolean(),
      upper: fc.boolean(),
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      path: fc.webPath(),
      query: fc.option(fc.webQueryParameters(), { nil: undefined }),
      fragment: fc.option(fc.webFragments(), { nil: undefined }),
      trailingDot: fc.boolean(),
      scheme: fc.constantFrom('http://', 'https://', ''),
    })
    .map((parts) => {
      let host = parts.host;
      if (parts.sub && !parts.host.endsWith('youcan.shop')) host = `${parts.sub}.${host}`;
      if (parts.www) host = `www.${host}`;
      if (parts.trailingDot) host = `${host}.`;
      if (parts.upper) host = host.toUpperCase();
      const port = parts.port === undefined ? '' : `:${parts.port}`;
      const query = parts.query === undefined ? '' : `?${parts.query}`;
      const fragment = parts.fragment === undefined ? '' : `#${parts.fragment}`;
      return { base: parts.host, url: `${parts.scheme}${host}${port}${parts.path}${query}${fragment}` };
    });

  it('is insensitive to case, www., port, path, query, fragment and trailing dot', () => {
    fc.assert(
      fc.property(noisyUrl, ({ base, url }) => {
        expect(shopIdentity(url)?.domain).toBe(shopIdentity(base)?.domain);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent: the identity of an identity is itself', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          noisyUrl.map(({ url }) => url),
          fc.string(),
          fc.webUrl(),
        ),
        (input) => {
          const identity = shopIdentity(input);
          if (identity) {
            expect(shopIdentity(identity.domain)?.domain).toBe(identity.domain);
            expect(shopIdentity(identity.display)?.domain).toBe(identity.domain);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
        expect(() => resolveShopIdentity(input)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
