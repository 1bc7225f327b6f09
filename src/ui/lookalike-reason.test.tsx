import { parseHTML } from 'linkedom';
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import { LookalikeReason } from './lookalike-reason.tsx';
import { TranslatorContext } from './translator-context.ts';

// The popup's look-alike reason: the verified shop it looks like (as the shopper reads its
// name), a link to that merchant's certificate page in their language, and the button
// that dismisses the warning for the site.

const REASON = { code: 'lookalike', of: 'xn----rmckc0bnc8l2a.test', merchantId: 'dar-argan' } as const;

function renderReason(lang: 'ar' | 'fr' | 'en', onDismiss: () => void): Element {
  const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
  const root = document.getElementById('root') as unknown as Element;
  const previous = globalThis.document;
  globalThis.document = document as unknown as Document; // Preact creates elements through it
  try {
    render(
      <TranslatorContext.Provider value={localeTranslator(lang)}>
        <LookalikeReason reason={REASON} portalUrl="https://thiqa.example.ma" onDismiss={onDismiss} />
      </TranslatorContext.Provider>,
      root,
    );
  } finally {
    globalThis.document = previous;
  }
  return root;
}

describe('the look-alike reason in the popup', () => {
  it.each([
    [
      'en',
      'Looks like دار-أركان.test, a verified shop, but this is another site.',
      'Certificate of دار-أركان.test',
      'This is not an imitation',
    ],
    [
      'fr',
      'Ressemble à دار-أركان.test, boutique vérifiée, mais c’est un autre site.',
      'Certificat de دار-أركان.test',
      'Ce n’est pas une imitation',
    ],
    ['ar', 'يشبه دار-أركان.test، وهو متجر موثّق، لكن هذا موقع آخر.', 'شهادة دار-أركان.test', 'هذا ليس تقليدًا'],
  ] as const)(
    'in %s: says what it looks like, links the certificate, offers the dismissal',
    (lang, words, link, button) => {
      let dismissed = 0;
      const root = renderReason(lang, () => dismissed++);
      expect(root.textContent).toContain(words);
      const anchor = root.querySelector('a[data-lookalike-certificate="dar-argan"]');
      expect(anchor?.textContent).toBe(link);
      expect(anchor?.getAttribute('href')).toBe(`https://thiqa.example.ma/merchants/dar-argan?lang=${lang}`);
      const dismiss = root.querySelector('button.lookalike__dismiss') as unknown as HTMLButtonElement;
      expect(dismiss.textContent).toBe(button);
      dismiss.click();
      expect(dismissed).toBe(1);
    },
  );
});
