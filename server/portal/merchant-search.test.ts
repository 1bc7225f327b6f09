import { describe, expect, it } from 'vitest';
import { foldForSearch } from './merchant-search.ts';

// What a shopper types and what the directory holds meet in one folded form.

describe('foldForSearch', () => {
  it.each([
    ['Atlas Électro SARL', 'atlas electro sarl'],
    ['FÈS  cuir', 'fes cuir'],
    ['Œuvre d’Art', 'oeuvre d art'],
    ['atlas-electro.test', 'atlas electro test'],
    // Harakat, shadda and tatweel go; hamza forms of alef become bare alef.
    ['دَارُ أَرْكَانْ', 'دار اركان'],
    ['التجار الموثَّقون', 'التجار الموثقون'],
    ['مـــراكش', 'مراكش'],
    ['إدريس آمنة ٱلمغرب', 'ادريس امنه المغرب'],
    // Alef maqsura and yeh, teh marbuta and heh, Persian letters typed on other keyboards.
    ['مصطفى', 'مصطفي'],
    ['تعاونية', 'تعاونيه'],
    ['کتبی', 'كتبي'],
    // Arabic-Indic and Persian digits are digits.
    ['٠٠٢٦ ۱۰۰۰', '0026 1000'],
    // Presentation forms (copied from old PDFs) are the letters they show.
    ['ﺩﺍﺭ', 'دار'],
    // Invisible and bidi characters never split or hide a word.
    ['Dar\u200bArgan \u202eRabat', 'darargan rabat'],
    ['  <script>alert("x")</script>  ', 'script alert x script'],
    ['', ''],
  ])('%j folds to %j', (text, folded) => {
    expect(foldForSearch(text)).toBe(folded);
  });
});
