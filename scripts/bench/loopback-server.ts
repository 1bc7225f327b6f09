import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

// The service's app served in the bench's own process, on a free loopback port.

export interface LoopbackServer {
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function serveOnLoopback(app: { fetch: Parameters<typeof serve>[0]['fetch'] }): Promise<LoopbackServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
