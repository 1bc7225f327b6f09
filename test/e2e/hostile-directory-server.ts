import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Publication } from '../../src/directory/publication.ts';

// A directory host on loopback that serves an honest publication until told to lie:
// any file (the manifest included) can be replaced by other bytes, an HTTP error, a
// captive portal's page, silence, a body that never ends, or a connection cut halfway.
// It logs what it sent, so a test can tell how far a download went before the client
// hung up.

export type HostileAnswer =
  /** These bytes, with a correct Content-Length. */
  | { kind: 'bytes'; bytes: Uint8Array; type: string }
  /** A status with a body, as a failing host or a captive portal sends it. */
  | { kind: 'status'; status: number; body: string; type: string; headers?: Record<string, string> }
  /** Accepts the request and never answers. */
  | { kind: 'silent' }
  /** 200 and a body that never ends (no Content-Length), sent as fast as the client reads. */
  | { kind: 'endless' }
  /** Announces the full length of `bytes`, sends the first `sent` of them, then drops the connection. */
  | { kind: 'cut'; bytes: Uint8Array; sent: number };

export interface ServedRequest {
  path: string;
  ifNoneMatch: string | undefined;
  status: number | null;
  bytesSent: number;
  /** The client closed the connection before the server finished (or, for `endless`, at all). */
  clientHungUp: boolean;
  at: number;
}

export interface HostileDirectoryServer {
  port: number;
  directoryUrl: string;
  log: ServedRequest[];
  /** Serves this publication honestly from now on, dropping every lie told so far. */
  publish(publication: Publication): void;
  /** Serves `answer` for one file name (`manifest.json` or a path the manifest names). */
  lie(name: string, answer: HostileAnswer): void;
  close(): Promise<void>;
}

const ENDLESS_CHUNK = new Uint8Array(64 * 1024).fill(0x1f);

function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;
}

export async function startHostileDirectoryServer(): Promise<HostileDirectoryServer> {
  const log: ServedRequest[] = [];
  let honest = new Map<string, HostileAnswer>();
  const lies = new Map<string, HostileAnswer>();

  const sendEndless = (response: ServerResponse, entry: ServedRequest) => {
    response.writeHead(200, { 'Content-Type': 'application/gzip' });
    // Writes only as fast as the client reads (backpressure), so the count of bytes sent
    // says how far the client let the download go before it hung up.
    const pump = () => {
      while (!response.destroyed) {
        entry.bytesSent += ENDLESS_CHUNK.length;
        if (!response.write(ENDLESS_CHUNK)) {
          response.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };

  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    const entry: ServedRequest = {
      path,
      ifNoneMatch: request.headers['if-none-match'],
      status: null,
      bytesSent: 0,
      clientHungUp: false,
      at: Date.now(),
    };
    log.push(entry);
    response.on('close', () => {
      entry.clientHungUp = !response.writableFinished;
    });
    const name = path.startsWith('/v1/directory/') ? path.slice('/v1/directory/'.length) : null;
    const answer = name === null ? undefined : (lies.get(name) ?? honest.get(name));
    if (request.method !== 'GET' || !answer) {
      entry.status = 404;
      response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    switch (answer.kind) {
      case 'bytes': {
        const etag = etagOf(answer.bytes);
        if (name === 'manifest.json' && entry.ifNoneMatch === etag) {
          entry.status = 304;
          response.writeHead(304, { ETag: etag }).end();
          return;
        }
        entry.status = 200;
        entry.bytesSent = answer.bytes.length;
        response.writeHead(200, {
          'Content-Type': answer.type,
          'Content-Length': answer.bytes.length,
          ...(name === 'manifest.json' ? { ETag: etag, 'Cache-Control': 'no-cache' } : {}),
        });
        response.end(answer.bytes);
        return;
      }
      case 'status':
        entry.status = answer.status;
        response.writeHead(answer.status, { 'Content-Type': answer.type, ...answer.headers }).end(answer.body);
        return;
      case 'silent':
        return;
      case 'endless':
        entry.status = 200;
        sendEndless(response, entry);
        return;
      case 'cut':
        entry.status = 200;
        entry.bytesSent = answer.sent;
        response.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': answer.bytes.length });
        response.write(answer.bytes.subarray(0, answer.sent), () => response.destroy());
        return;
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    directoryUrl: `http://127.0.0.1:${port}/v1/directory/`,
    log,
    publish(publication) {
      lies.clear();
      honest = new Map([
        ['manifest.json', { kind: 'bytes', bytes: Buffer.from(publication.manifestText), type: 'application/json' }],
        ...publication.files.map((file): [string, HostileAnswer] => [
          file.path,
          { kind: 'bytes', bytes: file.bytes, type: 'application/gzip' },
        ]),
      ]);
    },
    lie(name, answer) {
      lies.set(name, answer);
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
