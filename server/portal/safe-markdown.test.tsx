/** @jsxImportSource hono/jsx */
import { describe, expect, it } from 'vitest';
import type { PortalLanguage } from './portal-words.ts';
import { parseSafeMarkdown, SafeMarkdown, safeLinkTarget } from './safe-markdown.tsx';

// The publisher's texts are rendered by our own small Markdown reader: whatever a file
// holds, the page gets headings, paragraphs, lists, bold and safe links, and nothing
// that runs, loads or lies about its order.

function render(source: string, lang: PortalLanguage = 'en'): string {
  return String(<SafeMarkdown blocks={parseSafeMarkdown(source)} lang={lang} />);
}

/** Every tag the output holds, with its attributes. */
function tags(html: string): string[] {
  return [...html.matchAll(/<[a-z0-9]+(?:\s[^>]*)?>/g)].map((match) => match[0]);
}

describe('the Markdown subset', () => {
  it.each([
    ['## Rights', '<div class="prose"><h2>Rights</h2></div>'],
    ['## Rights\n### Withdrawal ##', '<div class="prose"><h2>Rights</h2><h3>Withdrawal</h3></div>'],
    ['one\ntwo\n\nthree', '<div class="prose"><p>one two</p><p>three</p></div>'],
    ['- a\n- b\n  still b\n\n- c', '<div class="prose"><ul><li>a</li><li>b still b</li><li>c</li></ul></div>'],
    ['* a\n+ b', '<div class="prose"><ul><li>a</li><li>b</li></ul></div>'],
    ['1. a\n2) b', '<div class="prose"><ol><li>a</li><li>b</li></ol></div>'],
    ['3. c\n4. d', '<div class="prose"><ol start="3"><li>c</li><li>d</li></ol></div>'],
    ['- a\n1. b\npara', '<div class="prose"><ul><li>a</li></ul><ol><li>b para</li></ol></div>'],
    ['- a\n\npara', '<div class="prose"><ul><li>a</li></ul><p>para</p></div>'],
    ['a **bold** b', '<div class="prose"><p>a <strong>bold</strong> b</p></div>'],
    [
      '[the CNDP](https://www.cndp.ma/) and [report](/report)',
      '<div class="prose"><p><a href="https://www.cndp.ma/">the CNDP</a> and <a href="/report?lang=en">report</a></p></div>',
    ],
    [
      '**see [this](/merchants?q=atlas#top)**',
      '<div class="prose"><p><strong>see <a href="/merchants?q=atlas&amp;lang=en#top">this</a></strong></p></div>',
    ],
    ['[**bold link**](/)', '<div class="prose"><p><a href="/?lang=en"><strong>bold link</strong></a></p></div>'],
    ['[keeps its own](/rights?lang=fr)', '<div class="prose"><p><a href="/rights?lang=fr">keeps its own</a></p></div>'],
  ])('%j renders as %s', (source, html) => {
    expect(render(source)).toBe(html);
  });

  it('gives site links the language of the page', () => {
    expect(render('[أبلغ](/report)', 'ar')).toContain('<a href="/report?lang=ar">أبلغ</a>');
  });

  it('never skips a heading level after the page title, and leaves other headings as text', () => {
    expect(render('### first\n## second\n### third')).toBe(
      '<div class="prose"><h2>first</h2><h2>second</h2><h3>third</h3></div>',
    );
    expect(render('# one\n\n#### four\n\n##nospace')).toBe(
      '<div class="prose"><p># one</p><p>#### four</p><p>##nospace</p></div>',
    );
  });

  it('reads nothing from an empty or blank text', () => {
    expect(parseSafeMarkdown('')).toEqual([]);
    expect(parseSafeMarkdown(' \n\t\n\r\n')).toEqual([]);
    expect(parseSafeMarkdown('##   \n')).toEqual([]);
  });
});

describe('hostile text renders inert', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    [
      '## <iframe src="https://evil.example">',
      '&lt;iframe src=&quot;<bdi dir="ltr">https://evil.example</bdi>&quot;&gt;',
    ],
    ['- <a href="javascript:alert(1)">x</a>', '&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;'],
    ['<!-- hidden --> &lt;b&gt; &#x3C;', '&lt;!-- hidden --&gt; &amp;lt;b&amp;gt; &amp;#x3C;'],
    ['<style>body{display:none}</style>', '&lt;style&gt;body{display:none}&lt;/style&gt;'],
  ])('raw HTML %j is shown as text', (source, shown) => {
    const html = render(source);
    expect(html).toContain(shown);
    expect(tags(html).every((tag) => /^<(div class="prose"|p|h2|ul|li|bdi dir="ltr")>$/.test(tag))).toBe(true);
  });

  it.each([
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](vbscript:msgbox(1))',
    '[click](data:text/html;base64,PHNjcmlwdD4=)',
    '[click](mailto:someone@example.ma)',
    '[click](//evil.example/path)',
    '[click](/\\evil.example/path)',
    '[click](\\\\evil.example)',
    '[click](https://bank.ma@evil.example/)',
    '[click](https://user:pass@evil.example/)',
    '[click](ftp://files.example/)',
    '[click](https://)',
    '[click]( https://spaced.example/)',
    '[click](https://a.example/ "title")',
    '[](https://empty.example/)',
    '[   ](https://blank.example/)',
  ])('the link %j is kept as the text written', (source) => {
    const html = render(source);
    expect(html).not.toContain('<a');
    expect(html).toContain('[');
  });

  it('keeps a link target in its attribute, quotes and all', () => {
    const html = render(`[x](https://ok.example/"onmouseover="alert'<) [y](/a"onclick="alert'>)`);
    expect(tags(html).filter((tag) => tag.startsWith('<a'))).toEqual([
      '<a href="https://ok.example/%22onmouseover=%22alert&#39;%3C">',
      '<a href="/a%22onclick=%22alert&#39;%3E?lang=en">',
    ]);
  });

  it('drops bidi overrides, isolates, controls and invisible characters', () => {
    const hostile =
      '## Pay \u202Eevil.ma\u202C now\n\n[\u2066gov.ma\u2069](https://x.example/) a\u0000b\u001b[2Jc\u200Bd\u061Ce\u2028f\uFEFF';
    const html = render(hostile);
    expect(html).toBe(
      '<div class="prose"><h2>Pay <bdi dir="ltr">evil.ma</bdi> now</h2><p><a href="https://x.example/"><bdi dir="ltr">gov.ma</bdi></a> ab[2Jcdef</p></div>',
    );
    expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
  });

  it('isolates addresses left to right, so an Arabic sentence cannot reorder them', () => {
    expect(render('قدّم شكاية عبر **khidmat-almostahlik.ma**، أو على e-blagh.dgsn.ma.', 'ar')).toBe(
      '<div class="prose"><p>قدّم شكاية عبر <strong><bdi dir="ltr">khidmat-almostahlik.ma</bdi></strong>، أو على <bdi dir="ltr">e-blagh.dgsn.ma</bdi>.</p></div>',
    );
    expect(render('راسل dpo@thiqa.example أو https://thiqa.example/contact?x=1).')).toBe(
      '<div class="prose"><p>راسل <bdi dir="ltr">dpo@thiqa.example</bdi> أو <bdi dir="ltr">https://thiqa.example/contact?x=1</bdi>).</p></div>',
    );
    expect(render('WCAG 2.2, 4.5 to 1, law 31-08, 31.08, Node.js')).toBe(
      '<div class="prose"><p>WCAG 2.2, 4.5 to 1, law 31-08, 31.08, <bdi dir="ltr">Node.js</bdi></p></div>',
    );
  });

  it('keeps the joiners a script needs', () => {
    expect(render('می\u200Cخواهم')).toContain('می\u200Cخواهم');
  });

  it('shows a 10 KB word whole, in one paragraph', () => {
    const word = 'ثقة'.repeat(3_500);
    expect(render(`${word}\n- ${word}`)).toBe(`<div class="prose"><p>${word}</p><ul><li>${word}</li></ul></div>`);
  });

  it.each([
    ['nested list markers', `${'- '.repeat(20_000)}x`],
    ['nested numbered markers', `${'1. '.repeat(15_000)}x`],
    ['quote markers', `${'> '.repeat(20_000)}x`],
    ['stars', '*'.repeat(60_000)],
    ['bold markers', `${'**'.repeat(30_000)}x`],
    ['unclosed bold', `**${'a'.repeat(60_000)}`],
    ['brackets', `${'['.repeat(30_000)}x${']'.repeat(30_000)}(/a)`],
    ['unclosed links', '[a'.repeat(30_000)],
    ['long link texts', `[${'a'.repeat(999)}`.repeat(60)],
    ['hashes', `${'#'.repeat(60_000)} x`],
    ['many lines', '- a\n'.repeat(16_000)],
  ])('renders %s (64 KB) quickly and without nesting', (_name, source) => {
    const started = performance.now();
    const html = render(source);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(html.startsWith('<div class="prose">')).toBe(true);
    expect(html).not.toMatch(/<(ul|ol)>(<li>)?<(ul|ol)>/);
    expect(html).not.toMatch(/<strong>[^/]*<strong>/);
  });
});

describe('safeLinkTarget', () => {
  it.each([
    ['https://www.cndp.ma', { href: 'https://www.cndp.ma/', internal: false }],
    ['HTTP://Example.MA/a', { href: 'http://example.ma/a', internal: false }],
    ['/report', { href: '/report', internal: true }],
    ['/merchants?q=a#b', { href: '/merchants?q=a#b', internal: true }],
    ['/../../etc/passwd', { href: '/etc/passwd', internal: true }],
    ['javascript:alert(1)', null],
    ['//evil.example', null],
    ['/\\evil.example', null],
    ['/a\\b', null],
    ['report', null],
    ['#top', null],
    ['https://a@b.example', null],
  ])('%s → %j', (target, expected) => {
    expect(safeLinkTarget(target)).toEqual(expected);
  });
});
