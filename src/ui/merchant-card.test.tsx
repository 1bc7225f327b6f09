import { parseHTML } from 'linkedom';
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { localeTranslator } from '../../test/support/locale-fixtures.ts';
import type { AnswerRecord, ComplaintCounts } from '../directory/schemas.ts';
import { answerRecordWords } from './answer-words.ts';
import { ComplaintList } from './merchant-card.tsx';
import { TranslatorContext } from './translator-context.ts';

// The popup's complaints section with the merchant's answer record: the sentence the
// shopper reads, in each language, with the numbers as that language writes them.

const COUNTS: ComplaintCounts = { open: { 'non-delivery': 1 }, resolved: { overcharge: 9 } };

/** The section as the popup renders it, in a DOM of its own (Preact renders into linkedom's). */
function renderComplaints(lang: 'ar' | 'fr' | 'en', answers: AnswerRecord | undefined): Element {
  const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
  const root = document.getElementById('root') as unknown as Element;
  const previous = globalThis.document;
  // Preact creates elements through the global document.
  globalThis.document = document as unknown as Document;
  try {
    render(
      <TranslatorContext.Provider value={localeTranslator(lang)}>
        <ComplaintList complaints={COUNTS} answers={answers} />
      </TranslatorContext.Provider>,
      root,
    );
  } finally {
    globalThis.document = previous;
  }
  return root;
}

const text = (element: Element | null) => element?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

describe('the merchant card says how the merchant answers complaints', () => {
  it.each([
    [
      'en',
      { sent: 10, answered: 9, medianDays: 3 },
      'This merchant answered 9 of the 10 complaints Thiqa sent it, typically within 3 days.',
    ],
    [
      'fr',
      { sent: 10, answered: 9, medianDays: 2.5 },
      'Ce marchand a répondu à 9 des 10 plaintes que Thiqa lui a transmises, en général sous 2,5 jours.',
    ],
    [
      'ar',
      { sent: 10, answered: 9, medianDays: 3 },
      'ردّ هذا التاجر على 9 من أصل 10 شكاوى أرسلتها إليه ثقة، عادةً في غضون 3 أيام.',
    ],
  ] as const)('in %s', (lang, answers, sentence) => {
    const root = renderComplaints(lang, answers);
    expect(text(root.querySelector('[data-answers]'))).toBe(sentence);
    expect(root.querySelector('[data-category="non-delivery"]')).not.toBeNull();
  });

  it('says nothing when no complaint was ever sent to the merchant', () => {
    expect(renderComplaints('en', undefined).querySelector('[data-answers]')).toBeNull();
    expect(
      renderComplaints('fr', { sent: 0, answered: 0, medianDays: null }).querySelector('[data-answers]'),
    ).toBeNull();
  });
});

describe('answer record words', () => {
  // Arabic has six plural forms; each case lands in a different one.
  it.each([
    [{ sent: 1, answered: 0, medianDays: null }, 'لم يردّ هذا التاجر على الشكوى التي أرسلتها إليه ثقة.'],
    [
      { sent: 2, answered: 2, medianDays: 2 },
      'ردّ هذا التاجر على الشكويين اللتين أرسلتهما إليه ثقة، عادةً في غضون يومين.',
    ],
    [{ sent: 12, answered: 1, medianDays: 11 }, 'ردّ هذا التاجر على 1 من أصل 12 شكوى أرسلتها إليه ثقة، خلال 11 يومًا.'],
    [
      { sent: 150, answered: 150, medianDays: 0.4 },
      'ردّ هذا التاجر على جميع الشكاوى الـ150 التي أرسلتها إليه ثقة، عادةً في غضون يوم واحد.',
    ],
  ] as const)('Arabic %j', (record, sentence) => {
    expect(answerRecordWords(record, localeTranslator('ar'))).toBe(sentence);
  });

  it.each([
    [{ sent: 1, answered: 1, medianDays: 4 }, 'This merchant answered the one complaint Thiqa sent it, in 4 days.'],
    [{ sent: 3, answered: 0, medianDays: null }, 'This merchant has answered none of the 3 complaints Thiqa sent it.'],
    [
      { sent: 1200, answered: 1100, medianDays: 1 },
      'This merchant answered 1,100 of the 1,200 complaints Thiqa sent it, typically within a day.',
    ],
  ] as const)('English %j', (record, sentence) => {
    expect(answerRecordWords(record, localeTranslator('en'))).toBe(sentence);
  });

  it('French says "1,5 jour" in the singular, as French counts below two', () => {
    expect(answerRecordWords({ sent: 4, answered: 4, medianDays: 1.5 }, localeTranslator('fr'))).toBe(
      'Ce marchand a répondu aux 4 plaintes que Thiqa lui a transmises, en général sous 1,5 jour.',
    );
  });
});
