import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// Demo shops on loopback for the domain proof: one plain HTTP server answering for every
// shop name by its Host header, each shop a table of paths. The proof checker reaches it
// only through its explicit test-only setting (proofTestHosts).

export type ShopAnswer =
  | { status?: number; body: string | Buffer; headers?: Record<string, string> }
  | ((request: IncomingMessage, response: ServerResponse) => void);

export interface ProofShops {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Serves `answer` at `path` of the shop `host` (replacing what was there). */
  serve(host: string, path: string, answer: ShopAnswer): void;
  /** The test-only mapping of these shop names to this server. */
  testHosts(...hosts: string[]): Record<string, string>;
  /** Requests received, as `host path`. */
  requests: string[];
  close(): Promise<void>;
}

export async function openProofShops(): Promise<ProofShops> {
  const answers = new Map<string, ShopAnswer>();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const host = (request.headers.host ?? '').toLowerCase();
    requests.push(`${host} ${request.url}`);
    const answer = answers.get(`${host} ${request.url}`);
    if (!answer) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    if (typeof answer === 'function') {
      answer(request, response);
      return;
    }
    response.writeHead(answer.status ?? 200, { 'Content-Type': 'text/plain', ...answer.headers }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    serve: (host, path, answer) => answers.set(`${host} ${path}`, answer),
    testHosts: (...hosts) => Object.fromEntries(hosts.map((host) => [host, origin])),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
