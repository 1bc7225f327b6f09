import { describe, expect, it } from 'vitest';
import { reportedShop, reportRequestSchema, reportStatusViewSchema, visiblePublicReason } from './report-contract.ts';

describe('reportedShop: the shop a report names and the URL it keeps', () => {
  it.each([
    ['https://www.shop.ma/produit/12?ref=fb&utm_source=x#avis', 'shop.ma', 'https://www.shop.ma/produit/12'],
    ['http://shop.ma:8080/cart?session=abc', 'shop.ma', 'http://shop.ma:8080/cart'],
    ['shop.ma/cart?id=3#x', 'shop.ma', 'http://shop.ma/cart'],
    ['shop.ma', 'shop.ma', 'http://shop.ma/'],
    ['shop.ma:8080/cart?x=1', 'shop.ma', 'http://shop.ma/cart'],
    ['https://shop.test/p/12?utm=sms&phone=0612#reviews', 'shop.test', 'https://shop.test/p/12'],
    [
      'http://دار-أركان.test/منتج?x=1',
      'xn----rmckc0bnc8l2a.test',
      'http://xn----rmckc0bnc8l2a.test/%D9%85%D9%86%D8%AA%D8%AC',
    ],
    ['https://bazar.youcan.shop/p/1?order=77', 'bazar.youcan.shop', 'https://bazar.youcan.shop/p/1'],
  ])('%s is %s, kept as %s', (input, domain, url) => {
    expect(reportedShop(input)).toEqual({ ok: true, domain, url });
  });

  it.each([
    ['javascript:alert(1)', 'scheme'],
    ['chrome://newtab/', 'scheme'],
    ['https://user:pass@shop.test/', 'credentials'],
    ['https://youcan.shop/', 'public-suffix'],
    ['http://127.0.0.1/', 'ip-address'],
  ])('%s names no shop (%s)', (input, cause) => {
    expect(reportedShop(input)).toEqual({ ok: false, cause });
  });
});

describe('the report request', () => {
  const base = { url: 'https://shop.test/', reason: 'fraud', idempotencyKey: '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f' };

  it.each([
    [{ ...base }, null],
    [{ ...base, contact: '0612345678' }, 'contact'],
    [{ ...base, contact: '0612345678', consent: true }, null],
    [{ ...base, details: 'x'.repeat(2001) }, 'details'],
    [{ ...base, details: 'Payé\u202e à la livraison' }, 'details'],
    [{ ...base, url: 'https://shop.test/\u0000' }, 'url'],
    [{ ...base, extra: 1 }, ''],
  ])('%j: refused on %s', (body, field) => {
    const parsed = reportRequestSchema.safeParse(body);
    if (field === null) expect(parsed.success).toBe(true);
    else expect(parsed.error?.issues.map((issue) => String(issue.path[0] ?? ''))).toContain(field);
  });
});

describe('the status a shopper reads', () => {
  it('shows a public reason stored before the text policy with its hidden characters visible', () => {
    expect(visiblePublicReason('Aucun \u202eélément')).toBe('Aucun \\u{202E}élément');
    expect(visiblePublicReason(null)).toBeNull();
  });

  it('refuses an answer that is not a status', () => {
    expect(reportStatusViewSchema.safeParse({ receipt: 'x', status: 'lost' }).success).toBe(false);
  });
});
