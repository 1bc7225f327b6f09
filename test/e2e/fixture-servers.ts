import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../../server/app.ts';
import type { Publication } from '../../src/directory/publication.ts';
import {
  REPORTS_PATH,
  type ReportAmendment,
  type ReportRequest,
  type ReportStatus,
  reportAmendmentSchema,
  reportCreatedSchema,
  reportRequestSchema,
  reportStatusViewSchema,
} from '../../src/directory/report-contract.ts';
import { ARTICLE_PAGES, articleHtml } from '../fixtures/articles/article-pages.ts';
import { HUGE_PAGE, PAGE_CLAIM_SHOPS } from '../fixtures/page-claim-shops.ts';
import { hugeShopPage } from '../fixtures/shops/huge-page.ts';
import { openTestRegistry } from '../support/test-registry.ts';

// Loopback servers for the browser tests: fixture shop pages by host name, and a
// directory host that serves published files and the real report service, recording
// every request it receives.

const SHOPS = resolve(import.meta.dirname, '../fixtures/shops');

/** Shop host → fixture page. Hosts reach this server through --host-resolver-rules. */
export const SHOP_PAGES: Record<string, string> = {
  'atlas-electro.test': 'atlas-electro.html',
  'xn----rmckc0bnc8l2a.test': 'dar-argan.html',
  'souk-bladi.youcan.shop': 'souk-bladi.html',
  'marrakech-mode.test': 'marrakech-mode.html',
  'promo-iphone-maroc.test': 'promo-iphone.html',
  'boutique-inconnue.ma': 'boutique-inconnue.html',
  'actualites-souss.ma': 'actualites.html',
  // Checkout warning: order forms of an unknown shop (French, form added after load; Arabic),
  // a card payment page of a shop in caution, a verified merchant's checkout.
  'montres-cod.ma': 'cod-landing-fr.html',
  'hanout-darna.ma': 'cod-arabe.html',
  'paiement.souk-bladi.youcan.shop': 'checkout-carte.html',
  'paiement.atlas-electro.test': 'checkout-verifie.html',
  // A page at a bare IP address: no shop identity at all.
  '127.0.0.1': 'actualites.html',
  // What shops say about themselves (law 31-08, ICEs, trust marks): test/fixtures/page-claim-shops.ts.
  ...Object.fromEntries(PAGE_CLAIM_SHOPS.map((shop) => [shop.host, shop.page])),
};

/** Other pages of a shop, by host and path (the legal page a shop page links to). */
export const SHOP_SUBPAGES: Record<string, string> = Object.fromEntries(
  PAGE_CLAIM_SHOPS.flatMap((shop) =>
    Object.entries(shop.subpages ?? {}).map(([path, page]) => [`${shop.host}${path}`, page]),
  ),
);

/** Pages made when served rather than kept as files. */
const GENERATED_PAGES: Record<string, () => string> = { [HUGE_PAGE]: hugeShopPage };

/** News and blog pages that are no shops (test/fixtures/articles), by host; served at any path. */
const ARTICLES_BY_HOST = new Map(ARTICLE_PAGES.map((article) => [article.host, article]));
const articleCache = new Map<string, string>();

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    request.on('error', fail);
  });
}

export interface ShopServer {
  port: number;
  urlFor(host: string, path?: string): string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startShopServer(): Promise<ShopServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    requests.push({
      method: request.method ?? '',
      path: `${host}${request.url}`,
      headers: request.headers,
      body: '',
      at: Date.now(),
    });
    const path = new URL(request.url ?? '/', 'http://shop').pathname;
    const page = SHOP_SUBPAGES[`${host}${path}`] ?? SHOP_PAGES[host];
    const article = ARTICLES_BY_HOST.get(host);
    if (article && request.method === 'GET') {
      const html = articleCache.get(host) ?? articleHtml(article);
      articleCache.set(host, html);
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(html);
      return;
    }
    if (!page || request.method !== 'GET') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    const generated = GENERATED_PAGES[page];
    response.end(generated ? generated() : await readFile(resolve(SHOPS, page)));
  });
  const port = await listen(server);
  return {
    port,
    urlFor: (host, path = '/') => `http://${host}:${port}${path}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** A report as the extension sent it, and what the real service answered and kept. */
export interface StoredFixtureReport {
  receipt: string;
  editToken: string;
  status: ReportStatus;
  /** The request body exactly as the extension sent it (what left the browser). */
  body: ReportRequest;
  /** Each amendment the service accepted, as sent. */
  amendments: ReportAmendment[];
}

export interface DirectoryServer {
  port: number;
  directoryUrl: string;
  requests: RecordedRequest[];
  reports: Map<string, StoredFixtureReport>;
  /** While down, report requests fail at the network level (socket closed), like an unreachable host. */
  setReportsDown(down: boolean): void;
  /** While down, the directory files answer 503 (a host in trouble, not a network cut). */
  setDirectoryDown(down: boolean): void;
  publish(publication: Publication): void;
  close(): Promise<void>;
}

export async function startDirectoryServer(): Promise<DirectoryServer> {
  const requests: RecordedRequest[] = [];
  const reports = new Map<string, StoredFixtureReport>();
  const files = new Map<string, { bytes: Uint8Array; type: string }>();
  let etag = '';
  let reportsDown = false;
  let directoryDown = false;

  const json = (response: ServerResponse, status: number, value: unknown) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(value));
  };

  // The report routes are the real service (its app on an in-memory PGlite database):
  // the extension talks to what it talks to in production, not to a copy of the contract.
  const registry = await openTestRegistry();
  const app = await createApp({
    db: registry.db,
    dataDir: await mkdtemp(join(tmpdir(), 'thiqa-fixture-')),
    adminToken: undefined,
    reportRateLimit: { max: 10_000, windowMs: 60_000 },
  });

  async function handleReports(request: IncomingMessage, response: ServerResponse, path: string, body: string) {
    if (reportsDown) {
      request.socket.destroy();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const method = request.method ?? 'GET';
    const answer = await app.request(
      path,
      { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) },
      { incoming: request },
    );
    const text = await answer.text();
    if (method === 'POST' && path === REPORTS_PATH && answer.status === 201) {
      const sent = reportRequestSchema.parse(JSON.parse(body));
      const created = reportCreatedSchema.parse(JSON.parse(text));
      if (!reports.has(sent.idempotencyKey)) {
        reports.set(sent.idempotencyKey, { ...created, body: sent, amendments: [] });
      }
    }
    if (method === 'PATCH' && answer.status === 200) {
      const view = reportStatusViewSchema.parse(JSON.parse(text));
      const stored = [...reports.values()].find((report) => report.receipt === view.receipt);
      stored?.amendments.push(reportAmendmentSchema.parse(JSON.parse(body)));
    }
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(text);
  }

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const path = request.url ?? '/';
    requests.push({ method: request.method ?? '', path, headers: request.headers, body, at: Date.now() });
    if (path.startsWith('/v1/reports')) return handleReports(request, response, path, body);
    const name = path.startsWith('/v1/directory/') ? path.slice('/v1/directory/'.length) : null;
    if (request.method !== 'GET' || name === null) return json(response, 404, { error: 'not found' });
    if (directoryDown) return json(response, 503, { error: 'down for maintenance' });
    if (name === 'manifest.json') {
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, { ETag: etag }).end();
        return;
      }
      const manifest = files.get(name);
      if (!manifest) return json(response, 404, { error: 'nothing published' });
      response.writeHead(200, { 'Content-Type': manifest.type, ETag: etag, 'Cache-Control': 'no-cache' });
      response.end(manifest.bytes);
      return;
    }
    const file = files.get(name);
    if (!file) return json(response, 404, { error: 'not found' });
    response.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=31536000, immutable' });
    response.end(file.bytes);
  });
  const port = await listen(server);
  return {
    port,
    directoryUrl: `http://127.0.0.1:${port}/v1/directory/`,
    requests,
    reports,
    setReportsDown(down) {
      reportsDown = down;
    },
    setDirectoryDown(down) {
      directoryDown = down;
    },
    publish(publication) {
      files.clear();
      files.set('manifest.json', { bytes: Buffer.from(publication.manifestText), type: 'application/json' });
      for (const file of publication.files) files.set(file.path, { bytes: file.bytes, type: 'application/gzip' });
      etag = `"v${publication.manifest.version}"`;
    },
    close: async () => {
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
      await registry.close();
    },
  };
}
