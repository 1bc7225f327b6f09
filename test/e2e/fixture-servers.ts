import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Publication } from '../../src/directory/publication.ts';
import { reportReasonSchema } from '../../src/directory/schemas.ts';

// Loopback servers for the browser tests: fixture shop pages by host name, and a
// directory host that serves published files and implements just the reports contract,
// recording every request it receives.

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
  // A page at a bare IP address: no shop identity at all.
  '127.0.0.1': 'actualites.html',
};

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
    const page = SHOP_PAGES[host];
    if (!page || request.method !== 'GET') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(await readFile(resolve(SHOPS, page)));
  });
  const port = await listen(server);
  return {
    port,
    urlFor: (host, path = '/') => `http://${host}:${port}${path}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

const reportSchema = z.strictObject({
  url: z
    .string()
    .url()
    .refine((url) => !url.includes('?') && !url.includes('#'), 'no query or fragment'),
  reason: reportReasonSchema,
  details: z.string().max(2000).optional(),
  contact: z.string().optional(),
  consent: z.boolean().optional(),
  idempotencyKey: z.uuid(),
  lang: z.string().min(2).max(10),
  clientVersion: z.string().min(1),
});
const amendmentSchema = z.strictObject({
  reason: reportReasonSchema.optional(),
  details: z.string().max(2000).optional(),
});

export interface StoredFixtureReport {
  receipt: string;
  editToken: string;
  status: 'received' | 'under-review' | 'accepted' | 'rejected';
  body: z.infer<typeof reportSchema>;
  amendments: Array<z.infer<typeof amendmentSchema>>;
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

  async function handleReports(request: IncomingMessage, response: ServerResponse, path: string, body: string) {
    if (reportsDown) {
      request.socket.destroy();
      return;
    }
    if (request.method === 'POST' && path === '/v1/reports') {
      let parsed: z.ZodSafeParseResult<z.infer<typeof reportSchema>>;
      try {
        parsed = reportSchema.safeParse(JSON.parse(body));
      } catch {
        return json(response, 400, { error: 'not JSON' });
      }
      if (!parsed.success) return json(response, 400, { error: parsed.error.message });
      const existing = reports.get(parsed.data.idempotencyKey);
      if (existing)
        return json(response, 200, {
          receipt: existing.receipt,
          status: existing.status,
          editToken: existing.editToken,
        });
      const stored: StoredFixtureReport = {
        receipt: `R-${String(reports.size + 1).padStart(6, '0')}`,
        editToken: randomUUID(),
        status: 'received',
        body: parsed.data,
        amendments: [],
      };
      reports.set(parsed.data.idempotencyKey, stored);
      return json(response, 201, { receipt: stored.receipt, status: stored.status, editToken: stored.editToken });
    }
    const receipt = /^\/v1\/reports\/([^/]+)$/.exec(path)?.[1];
    const stored = [...reports.values()].find((report) => report.receipt === receipt);
    if (!stored) return json(response, 404, { error: 'no such report' });
    if (request.method === 'GET') return json(response, 200, { receipt: stored.receipt, status: stored.status });
    if (request.method === 'PATCH') {
      if (request.headers.authorization !== `Bearer ${stored.editToken}`)
        return json(response, 401, { error: 'bad token' });
      const change = amendmentSchema.safeParse(JSON.parse(body || '{}'));
      if (!change.success) return json(response, 400, { error: change.error.message });
      stored.amendments.push(change.data);
      return json(response, 200, { receipt: stored.receipt, status: stored.status });
    }
    return json(response, 405, { error: 'method not allowed' });
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
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
