import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Snapshot } from '../../src/directory/schemas.ts';

// The demo's shop pages: one product page per shop of the demo directory, served on
// loopback under the shops' own host names (Chromium maps them here). They carry the
// signals a real shop page has: schema.org Product data, a price in dirhams and an
// add-to-cart button, in French or Arabic.

export interface DemoShop {
  host: string;
  /** The name shown on the page. */
  title: string;
  lang: 'fr' | 'ar';
}

const PRODUCTS = {
  fr: {
    product: 'Téléviseur 55 pouces 4K',
    price: '4 999,00 DH',
    cart: 'Ajouter au panier',
    note: 'Paiement à la livraison partout au Maroc.',
  },
  ar: {
    product: 'زيت أركان أصلي 250 مل',
    price: '249 درهم',
    cart: 'أضف إلى السلة',
    note: 'الدفع عند الاستلام في جميع أنحاء المغرب.',
  },
} as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);

/** Every shop of the demo directory, plus one that the directory does not know. */
export function demoShopsOf(snapshot: Snapshot): DemoShop[] {
  const shops: DemoShop[] = [];
  for (const merchant of snapshot.state.merchants) {
    for (const host of merchant.domains) {
      const arabic = /[\u0600-\u06ff]/.test(merchant.tradeNames[0] ?? merchant.legalName);
      shops.push({ host, title: merchant.tradeNames[0] ?? merchant.legalName, lang: arabic ? 'ar' : 'fr' });
    }
  }
  for (const flag of snapshot.state.flagged) shops.push({ host: flag.domain, title: flag.domain, lang: 'fr' });
  for (const entry of snapshot.state.domainComplaints)
    shops.push({ host: entry.domain, title: entry.domain, lang: 'fr' });
  shops.push({ host: 'boutique-inconnue.test', title: 'Boutique inconnue', lang: 'fr' });
  return shops;
}

export function demoShopPage(shop: DemoShop): string {
  const words = PRODUCTS[shop.lang];
  const productData = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: words.product,
    offers: { '@type': 'Offer', price: shop.lang === 'fr' ? '4999.00' : '249.00', priceCurrency: 'MAD' },
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${shop.lang}" dir="${shop.lang === 'ar' ? 'rtl' : 'ltr'}">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(shop.title)} — ${escapeHtml(words.product)}</title>
    <script type="application/ld+json">${productData}</script>
    <style>body { font-family: sans-serif; margin: 2rem; } main { max-width: 40rem; }</style>
  </head>
  <body>
    <header><strong>${escapeHtml(shop.title)}</strong></header>
    <main>
      <h1>${escapeHtml(words.product)}</h1>
      <p class="price">${escapeHtml(words.price)}</p>
      <p>${escapeHtml(words.note)}</p>
      <button type="button">${escapeHtml(words.cart)}</button>
    </main>
  </body>
</html>
`;
}

export interface DemoShopServer {
  port: number;
  urlFor(host: string): string;
  close(): Promise<void>;
}

export async function startDemoShopServer(shops: readonly DemoShop[]): Promise<DemoShopServer> {
  const pages = new Map(shops.map((shop) => [shop.host, demoShopPage(shop)]));
  const server: Server = createServer((request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const page = pages.get(host);
    if (!page || request.method !== 'GET') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not a demo shop');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(page);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    urlFor: (host) => `http://${host}:${port}/produit/42`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
