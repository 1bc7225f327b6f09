import { describe, expect, it } from 'vitest';
import { hasDirhamPrice, isShopPage, type PageFacts, shopSignals } from './shop-page-signals.ts';

const blank: PageFacts = { jsonLd: [], itemTypes: [], ogType: null, controls: [], text: '', path: '/' };
const page = (facts: Partial<PageFacts>): PageFacts => ({ ...blank, ...facts });

describe('shop page signals', () => {
  it.each<[string, Partial<PageFacts>, boolean]>([
    ['JSON-LD Product', { jsonLd: ['{"@context":"https://schema.org","@type":"Product","name":"x"}'] }, true],
    ['JSON-LD Offer inside @graph', { jsonLd: ['{"@graph":[{"@type":"WebPage"},{"@type":["Thing","Offer"]}]}'] }, true],
    ['microdata Product', { itemTypes: ['https://schema.org/Product'] }, true],
    ['og:type product', { ogType: 'product' }, true],
    ['Arabic buy button and price in درهم', { controls: ['أضف إلى السلة'], text: 'السعر: 249 درهم' }, true],
    ['French buy button and price in DH', { controls: ['Ajouter au panier'], text: 'Prix : 1 299,00 DH' }, true],
    ['English checkout and MAD price', { controls: ['Checkout'], text: 'Total MAD 80' }, true],
    ['cart path and a price', { path: '/panier', text: '99 Dhs' }, true],
    [
      'Arabic cart path (encoded) and button',
      { path: '/%D8%A7%D9%84%D8%B3%D9%84%D8%A9', controls: ['اطلب الآن'] },
      true,
    ],
    ['a news article quoting a price', { text: 'Le prix du pain passe à 1,50 DH' }, false],
    ['a word containing DH is not a price', { text: 'Adhésion 2024 DHL 3 colis' }, false],
    ['broken JSON-LD', { jsonLd: ['{"@type":"Product"'] }, false],
    ['JSON-LD of an article', { jsonLd: ['{"@type":"NewsArticle"}'] }, false],
    ['nothing', {}, false],
  ])('%s', (_name, facts, expected) => {
    expect(isShopPage(shopSignals(page(facts)))).toBe(expected);
  });
});

describe('a price in dirhams, read without a regular expression', () => {
  it.each<[string, boolean]>([
    ['249 MAD', true],
    ['1 299,00 DH', true],
    ['1\u00a0299,00\u202fDH.', true],
    ['99 Dhs', true],
    ['150 درهم', true],
    ['السعر 150 د.م.', true],
    ['Total MAD 80', true],
    ['DH99', true],
    ['99DH', true],
    ['MAD  80', false],
    ['99 DHs', false],
    ['99 DHL', false],
    ['Adhésion 2024 DHL 3 colis', false],
    ['2024 dhikr', false],
    ['12345678901234567 DH', true],
    ['1                 DH', false],
    ['prix: DH', false],
    ['', false],
  ])('%s → %s', (text, expected) => {
    expect(hasDirhamPrice(text)).toBe(expected);
  });
});
