import { describe, expect, it } from 'vitest';
import { reportedUrl } from './report-desk.ts';

describe('reportedUrl', () => {
  it.each([
    ['https://www.shop.ma/produit/12?ref=fb&utm_source=x#avis', 'www.shop.ma', 'https://www.shop.ma/produit/12'],
    ['http://shop.ma:8080/cart?session=abc', 'shop.ma', 'http://shop.ma:8080/cart'],
    ['shop.ma/cart?id=3#x', 'shop.ma', 'http://shop.ma/cart'],
    ['shop.ma', 'shop.ma', 'http://shop.ma/'],
    ['shop.ma:8080/cart?x=1', 'shop.ma', 'http://shop.ma/cart'],
  ])('keeps %s as %s → %s', (input, host, kept) => {
    expect(reportedUrl(input, host)).toBe(kept);
  });
});
