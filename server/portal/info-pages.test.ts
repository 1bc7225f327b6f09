import { readFileSync } from 'node:fs';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { MINIMUM_BROWSER_VERSIONS } from './info-pages.tsx';
import { publisherTextsDir } from './publisher-texts.ts';

// The information pages as a shopper's browser gets them: in each language, with the
// publisher's own texts when it wrote some, and never anything a text could run.

let service: TestService;
let configured: TestService;

beforeAll(async () => {
  [service, configured] = await Promise.all([
    openTestService(),
    openTestService({
      portal: {
        publisherName: 'Association Thiqa \u2014 ثقة',
        publisherContact: { text: 'dpo@thiqa.example', href: 'mailto:dpo@thiqa.example' },
        extensionChromeUrl: 'https://chromewebstore.google.com/detail/thiqa/abcdefghijklmnop',
        extensionFirefoxUrl: 'https://addons.mozilla.org/firefox/addon/thiqa/',
      },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([service.close(), configured.close()]);
});

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const text = (html: string) =>
  html.replace(/<[^>]+>/g, '').replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
const all = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}(?: [^>]*)?>(.*?)</${tag}>`, 'gs'))].map((match) => text(match[1] as string));
/** The main content only: the header and footer carry every section's name. */
const main = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));

async function page(path: string, from = service): Promise<{ status: number; html: string }> {
  const response = await from.send('GET', path);
  return { status: response.status, html: await response.text() };
}

const PAGES = {
  '/rights': {
    h1: {
      ar: 'حقوقك عند الشراء عبر الإنترنت',
      fr: 'Vos droits quand vous achetez en ligne',
      en: 'Your rights as an online shopper',
    },
    h2: {
      ar: 'إذا غيّرت رأيك: 7 أيام للتراجع',
      fr: 'Changer d’avis : 7 jours pour vous rétracter',
      en: 'Changing your mind: 7 days to withdraw',
    },
  },
  '/privacy': {
    h1: { ar: 'الخصوصية والمعطيات الشخصية', fr: 'Vie privée et données personnelles', en: 'Privacy and personal data' },
    h2: { ar: 'حقوقك', fr: 'Vos droits', en: 'Your rights' },
  },
  '/accessibility': {
    h1: { ar: 'بيان إمكانية الوصول', fr: 'Déclaration d’accessibilité', en: 'Accessibility statement' },
    h2: { ar: 'حدود معروفة', fr: 'Limites connues', en: 'Known limitations' },
  },
  '/extension': {
    h1: { ar: 'إضافة ثقة للمتصفح', fr: 'L’extension Thiqa pour le navigateur', en: 'The Thiqa browser extension' },
    h2: { ar: 'خصوصيتك', fr: 'Votre vie privée', en: 'Your privacy' },
  },
} as const;

const CASES = Object.entries(PAGES).flatMap(([path, expected]) =>
  (['ar', 'fr', 'en'] as const).map((lang) => ({ path, lang, h1: expected.h1[lang], h2: expected.h2[lang] })),
);

describe('the information pages', () => {
  it.each(CASES)('$path in $lang: language, direction, title and sections', async ({ path, lang, h1, h2 }) => {
    const { status, html } = await page(`${path}?lang=${lang}`);
    expect(status).toBe(200);
    expect(html).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
    expect(all(html, 'h1')).toEqual([h1]);
    expect(all(main(html), 'h2')).toContain(h2);
    expect(all(html, 'title')).toEqual([`${h1} — ${lang === 'ar' ? 'ثقة' : 'Thiqa'}`]);
  });

  it.each([
    ['/rights', '/rights'],
    ['/extension', '/extension'],
    ['/privacy', null],
    ['/accessibility', null],
  ])('%s marks its section in the header', async (path, current) => {
    const { html } = await page(`${path}?lang=en`);
    const marked = [...html.matchAll(/<a href="([^"?]*)[^"]*" aria-current="page">/g)].map((match) => match[1]);
    expect(marked).toEqual(current ? [current] : []);
  });

  it('says on the rights page that it is not legal advice, and links to the report form in the language read', async () => {
    for (const [lang, words] of [
      ['ar', 'هذا الملخص ليس استشارة قانونية'],
      ['fr', 'Ce résumé n’est pas un conseil juridique'],
      ['en', 'This summary is not legal advice'],
    ] as const) {
      const { html } = await page(`/rights?lang=${lang}`);
      expect(text(main(html))).toContain(words);
      expect(main(html)).toContain(`href="/report?lang=${lang}"`);
      expect(main(html)).toContain('5757');
      expect(main(html)).toContain('href="https://www.cndp.ma/"');
    }
  });
});

describe("the publisher's texts", () => {
  const dir = () => publisherTextsDir(service.dataDir);

  it('serves the override, the next version when it changes, and the shipped text when it is removed', async () => {
    await mkdir(dir(), { recursive: true });
    const file = join(dir(), 'rights.fr.md');
    await writeFile(file, '## Nos engagements\n\nTexte de **l’éditeur**.\n');
    await utimes(file, 1_700_000_000, 1_700_000_000);
    let { html } = await page('/rights?lang=fr');
    expect(all(main(html), 'h2')).toEqual(['Nos engagements']);
    expect(main(html)).toContain('<p>Texte de <strong>l’éditeur</strong>.</p>');
    // The other languages keep the shipped text.
    expect(all(main((await page('/rights?lang=en')).html), 'h2')).toContain('Changing your mind: 7 days to withdraw');

    await writeFile(file, '## Nos engagements, revus\n');
    await utimes(file, 1_700_000_060, 1_700_000_060);
    ({ html } = await page('/rights?lang=fr'));
    expect(all(main(html), 'h2')).toEqual(['Nos engagements, revus']);

    await rm(file);
    ({ html } = await page('/rights?lang=fr'));
    expect(all(main(html), 'h2')).toContain('Changer d’avis : 7 jours pour vous rétracter');
  });

  it('renders a hostile override inert', async () => {
    await mkdir(dir(), { recursive: true });
    const file = join(dir(), 'privacy.en.md');
    await writeFile(
      file,
      [
        '## Data <script>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
        '[Click me](javascript:alert(document.cookie)) [or me](//evil.example/) [\u202Eam.vog](https://x.example/)',
        '<a href="https://evil.example/">raw link</a>',
      ].join('\n\n'),
    );
    const response = await service.send('GET', '/privacy?lang=en');
    const html = main(await response.text());
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    expect(html).not.toMatch(/<(script|img|iframe)/);
    expect(html).not.toContain('href="javascript:');
    expect(html).not.toContain('evil.example/"');
    expect(html).not.toContain('\u202E');
    expect(all(html, 'h2')[0]).toBe('Data <script>alert(1)</script>');
    expect(text(html)).toContain('[Click me](javascript:alert(document.cookie))');
    expect(html).toContain('<a href="https://x.example/"><bdi dir="ltr">am.vog</bdi></a>');
    await rm(file);
  });

  it('falls back to the shipped text when the override is too big, and says so once in the log', async () => {
    await mkdir(dir(), { recursive: true });
    const file = join(dir(), 'accessibility.ar.md');
    await writeFile(file, `## كبير\n\n${'أ'.repeat(40_000)}`);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (let times = 0; times < 2; times++) {
        const { status, html } = await page('/accessibility?lang=ar');
        expect(status).toBe(200);
        expect(all(main(html), 'h2')).toContain('حدود معروفة');
        expect(html).not.toContain('كبير');
      }
      expect(errors.mock.calls).toEqual([[`portal: ${file} is larger than 64 KB; serving the shipped text instead`]]);
    } finally {
      errors.mockRestore();
      await rm(file);
    }
  });
});

describe('what the publisher configures', () => {
  it('names the publisher and its contact on the privacy and accessibility pages', async () => {
    for (const path of ['/privacy', '/accessibility']) {
      const { html } = await page(`${path}?lang=fr`, configured);
      expect(main(html)).toContain('Ce service est édité par : <bdi>Association Thiqa — ثقة</bdi>');
      expect(main(html)).toContain('<a href="mailto:dpo@thiqa.example" dir="ltr">dpo@thiqa.example</a>');
    }
  });

  it('says plainly when the publisher gave no contact', async () => {
    const { html } = await page('/privacy?lang=en');
    expect(text(main(html))).toContain('The publisher has not given a contact address on this site yet.');
    expect(main(html)).not.toContain('This service is published by:');
  });

  it('links the extension’s store pages when they are configured', async () => {
    const { html } = await page('/extension?lang=en', configured);
    expect(main(html)).toContain(
      '<a class="button" href="https://chromewebstore.google.com/detail/thiqa/abcdefghijklmnop">Install for Chrome</a>',
    );
    expect(main(html)).toContain(
      '<a class="button" href="https://addons.mozilla.org/firefox/addon/thiqa/">Install for Firefox</a>',
    );
    expect(text(main(html))).toContain('Firefox for Android accepts add-ons.');
    expect(text(main(html))).not.toContain('has not published the extension');
  });

  it('says the extension is not published yet, and offers the check page, when no store is configured', async () => {
    const { html } = await page('/extension?lang=ar');
    expect(main(html)).not.toContain('class="button" href="https');
    expect(text(main(html)).split('لم ينشر ناشر هذه الخدمة الإضافةَ لهذا المتصفح بعد').length - 1).toBe(3);
    expect(main(html)).toContain('<a class="button button--secondary" href="/?lang=ar">تحقق من متجر الآن</a>');
    expect(text(main(html))).toContain(`تتطلب كروم ${MINIMUM_BROWSER_VERSIONS.chrome} أو أحدث.`);
  });

  it('states the browser versions the manifest asks for', () => {
    const config = readFileSync(new URL('../../wxt.config.ts', import.meta.url), 'utf8');
    expect(config).toContain(`minimum_chrome_version: '${MINIMUM_BROWSER_VERSIONS.chrome}'`);
    expect(config).toContain(`strict_min_version: '${MINIMUM_BROWSER_VERSIONS.firefox}.0'`);
  });
});
