import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HTMLInputElement, NodeFilter, parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE_PAGES, articleHtml } from '../../test/fixtures/articles/article-pages.ts';
import { isLiveShopPage, readPageFacts, shopSignals } from './shop-page-signals.ts';
import { isSocialSellerPage } from './social-page.ts';

// The page-load bench's article pages (news and blogs in Arabic and French, with links to
// shops, comment buttons and, for some, a price in dirhams) read by the same code the
// content script runs, linkedom standing in for the page: none may be taken for a shop,
// since that is what decides whether the badge shows.

const globals = globalThis as Record<string, unknown>;
const saved = { HTMLInputElement: globals.HTMLInputElement, NodeFilter: globals.NodeFilter };

beforeAll(() => {
  globals.HTMLInputElement = HTMLInputElement;
  globals.NodeFilter = NodeFilter;
});
afterAll(() => Object.assign(globals, saved));

function live(html: string, url: string) {
  const { document } = parseHTML(html);
  return { document, location: new URL(url) as unknown as Location };
}

describe('article fixture pages are no shops', () => {
  it('are twenty, half Arabic and half French, on hosts of their own', () => {
    expect(ARTICLE_PAGES).toHaveLength(20);
    expect(ARTICLE_PAGES.filter((article) => article.lang === 'ar')).toHaveLength(10);
    expect(new Set(ARTICLE_PAGES.map((article) => article.host)).size).toBe(20);
  });

  it.each(ARTICLE_PAGES.map((article) => [article.host, article] as const))('%s shows no badge', (_host, article) => {
    const url = `http://${article.host}${article.path}`;
    const { document, location } = live(articleHtml(article), url);
    const facts = readPageFacts(document, location);
    // The reader did read the page: its links, comment buttons and long text.
    expect(facts.controls.length).toBeGreaterThan(article.comments);
    expect(facts.text.length).toBeGreaterThan(3_000);
    // A price quoted in the news is one weak signal, never enough alone.
    expect(shopSignals(facts)).toEqual(article.quotesPrice ? ['dirham-price'] : []);
    expect(isSocialSellerPage(location) || isLiveShopPage(document, location)).toBe(false);
  });

  it('the same reading takes a fixture shop page for a shop', () => {
    const html = readFileSync(resolve(import.meta.dirname, '../../test/fixtures/shops/bazar-anfa.html'), 'utf8');
    const { document, location } = live(html, 'http://bazar-anfa.ma/produit');
    expect(isLiveShopPage(document, location)).toBe(true);
  });
});
