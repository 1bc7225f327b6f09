import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';
import { importMerchantRecords, newMerchant } from '../../test/support/merchant-records.ts';

// `/badge/<id>.svg`: the image merchants embed on their own sites, from the demo's
// registry plus two merchants whose names are hard to draw: markup and quotes, and a long
// Arabic name.

const HOSTILE_NAME = `Bazar "A&B" <script>alert('x')</script>`;
const LONG_ARABIC_NAME = 'تعاونية النساء القرويات لإنتاج زيت الأركان والمنتجات المحلية';
const GREEN = VERDICT_LEVELS.verified.ink;
const RED = VERDICT_LEVELS.danger.ink;

/**
 * Fails unless `xml` is well-formed: one root, every tag closed in order, every attribute
 * quoted, no `<` in text or attribute values, every `&` an entity. Returns the text of
 * each `<text>` element, entities decoded.
 */
function parseStrictXml(xml: string): string[] {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const token = /<\/([a-zA-Z][\w:-]*)>|<([a-zA-Z][\w:-]*)((?:\s+[a-zA-Z][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const decode = (text: string) =>
    text
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&quot;', '"')
      .replaceAll('&apos;', "'")
      .replaceAll('&amp;', '&');
  const open: string[] = [];
  const texts: string[] = [];
  let roots = 0;
  while (token.lastIndex < body.length) {
    const at = token.lastIndex;
    const match = token.exec(body);
    if (!match) throw new Error(`not well-formed at ${at}: ${body.slice(at, at + 40)}`);
    const [, closing, opening, attributes = '', selfClosing, text] = match;
    if (text !== undefined) {
      if (entity.test(text)) throw new Error(`bare & in text: ${text}`);
      if (open.length === 0 && text.trim() !== '') throw new Error('text outside the root');
      if (open.at(-1) === 'text') texts.push(decode(text));
    } else if (opening) {
      if (entity.test(attributes)) throw new Error(`bare & in attributes: ${attributes}`);
      if (open.length === 0) roots++;
      if (!selfClosing) open.push(opening);
    } else if (open.pop() !== closing) {
      throw new Error(`</${closing}> closes nothing open`);
    }
  }
  if (open.length > 0 || roots !== 1) throw new Error('not one closed root');
  return texts;
}

describe('the merchant badge', () => {
  let service: DemoService;
  beforeAll(async () => {
    // Behind a proxy that ends TLS: the snippet must name the public address.
    service = await openDemoService({ portal: { publicOrigin: 'https://thiqa.example' } });
    await importMerchantRecords(
      service.registry,
      [
        newMerchant(1, { legalName: HOSTILE_NAME, tradeNames: [] }),
        newMerchant(2, { legalName: LONG_ARABIC_NAME, tradeNames: [] }),
      ],
      '2026-11-26T09:00:00Z',
    );
    await service.publish();
  }, 120_000);
  afterAll(async () => service.close());

  async function badge(path: string) {
    const response = await service.send('GET', path);
    return { status: response.status, headers: response.headers, svg: await response.text() };
  }

  it('is an SVG image other sites may embed, cached five minutes, that runs nothing', async () => {
    const { status, headers, svg } = await badge('/badge/atlas-electro.svg?lang=fr');
    expect(status).toBe(200);
    expect(headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
    expect(headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect(headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(headers.get('Content-Security-Policy')).toBe("default-src 'none'");
    // The same image for everyone: no cookie set, nothing that varies by visitor.
    expect(headers.get('Set-Cookie')).toBeNull();
    expect(headers.get('Vary')).toBeNull();
    expect(svg).not.toMatch(/<script|<style|<foreignObject|\son\w+=|href=|javascript:/i);
    parseStrictXml(svg);
  });

  it('says "verified by Thiqa", in Arabic and French by default, in the verified colours', async () => {
    const { svg } = await badge('/badge/atlas-electro.svg');
    expect(parseStrictXml(svg)).toEqual(['موثَّق من طرف ثقة', 'Vérifié par Thiqa', 'Atlas Électro']);
    expect(svg).toContain('data-status="verified"');
    expect(svg).toContain(`stroke="${GREEN}"`);
    expect(svg).toContain('width="300" height="84"');
  });

  it.each([
    ['casa-deals', 'revoked', ['ثقة: التوثيق مسحوب', 'Thiqa : vérification retirée', 'Casa Deals']],
    ['fes-cuir', 'suspended', ['ثقة: التوثيق معلَّق', 'Thiqa : vérification suspendue', 'Fès Cuir']],
  ])('of a %s merchant says it is %s, in the danger colours, never "verified"', async (id, status, texts) => {
    const { status: code, svg } = await badge(`/badge/${id}.svg`);
    expect(code).toBe(200);
    expect(parseStrictXml(svg)).toEqual(texts);
    expect(svg).toContain(`data-status="${status}"`);
    expect(svg).toContain(`stroke="${RED}"`);
    expect(svg).not.toContain(GREEN);
    expect(svg).not.toMatch(/Vérifié par|Verified by|موثَّق من طرف/);
  });

  it('escapes a name holding markup, quotes and ampersands: the image stays well-formed XML', async () => {
    const { status, svg } = await badge('/badge/test-shop-001.svg');
    expect(status).toBe(200);
    const texts = parseStrictXml(svg);
    expect(texts.at(-1)).toBe(`Bazar "A&B" <script>alert('x'…`);
    expect(svg).toContain('Bazar &quot;A&amp;B&quot; &lt;script&gt;alert(&apos;x');
    expect(svg).not.toContain('<script');
    // The title carries the whole name, escaped.
    expect(svg).toContain('&lt;/script&gt;</title>');
  });

  it('gives the certificate page a snippet at the public address, its alt text escaped HTML, the name inert', async () => {
    const html = await (await service.send('GET', '/merchants/test-shop-001?lang=en')).text();
    expect(html).not.toContain('<script>alert');
    const code = /<code>([^<]*)<\/code>/.exec(html)?.[1] ?? '';
    // What the merchant copies: the page's text, entities decoded once.
    const copied = code
      .replaceAll('&quot;', '"')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&#39;', "'")
      .replaceAll('&amp;', '&');
    expect(copied).toContain('<a href="https://thiqa.example/merchants/test-shop-001">');
    expect(copied).toContain('<img src="https://thiqa.example/badge/test-shop-001.svg"');
    expect(copied).toContain(
      'alt="Thiqa certificate: Bazar &quot;A&amp;B&quot; &lt;script&gt;alert(\'x\')&lt;/script&gt;" width="300"',
    );
    expect(copied.match(/</g)).toHaveLength(3);
  });

  it('cuts a long name with an ellipsis, and draws an Arabic name right to left', async () => {
    const { svg } = await badge('/badge/test-shop-002.svg?lang=ar');
    const name = parseStrictXml(svg).at(-1) ?? '';
    expect(name.endsWith('…')).toBe(true);
    expect([...name].length).toBeLessThanOrEqual(30);
    expect(LONG_ARABIC_NAME.startsWith(name.slice(0, -1))).toBe(true);
    expect(svg).toMatch(/<text [^>]*direction="rtl" unicode-bidi="embed"[^>]*>تعاونية/);
    const latin = (await badge('/badge/atlas-electro.svg')).svg;
    expect(latin).toMatch(/<text [^>]*direction="ltr"[^>]*>Atlas Électro<\/text>/);
  });

  it('speaks one language when asked, with the mark on the reading side', async () => {
    const english = await badge('/badge/dar-argan.svg?lang=en');
    expect(parseStrictXml(english.svg)).toEqual(['Verified by Thiqa', 'دار أركان']);
    expect(english.svg).toContain('width="300" height="64"');
    expect(english.svg).toContain('<circle cx="30"');
    const arabic = await badge('/badge/dar-argan.svg?lang=ar');
    expect(parseStrictXml(arabic.svg)).toEqual(['موثَّق من طرف ثقة', 'دار أركان']);
    expect(arabic.svg).toContain('<circle cx="270"');
    const unknownLanguage = await badge('/badge/dar-argan.svg?lang=xx');
    expect(parseStrictXml(unknownLanguage.svg)).toHaveLength(3);
  });

  it.each(['/badge/no-such-merchant.svg', '/badge/ATLAS-ELECTRO.svg', '/badge/..svg', '/badge/atlas-electro.png'])(
    'answers %s with a 404 image that names no merchant',
    async (path) => {
      const { status, headers, svg } = await badge(path);
      expect(status).toBe(404);
      expect(headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
      expect(headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
      expect(parseStrictXml(svg)).toEqual(['ثقة: تاجر غير معروف', 'Thiqa : commerçant inconnu']);
      expect(svg).toContain('data-status="unknown"');
    },
  );

  it('leaves other addresses under /badge/ to the portal’s 404 page, with the pages’ headers', async () => {
    for (const path of ['/badge/', '/badge/atlas-electro/x.svg']) {
      const response = await service.send('GET', `${path}?lang=en`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('<h1>Page not found</h1>');
      expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    }
  });
});
