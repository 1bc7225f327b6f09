import type { Server } from 'node:http';
import type { Socket } from 'node:net';

// One host must not be able to hold every connection the process can open: idle and
// slow sockets are closed within seconds, and each client address may hold only so many
// connections at once. Node's own defaults (a 60 s header timeout checked every 30 s, no
// idle timeout, no cap) let a single address exhaust the file descriptors.

export interface ConnectionLimits {
  /** Time a client has to send a request's complete headers. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included. */
  requestTimeoutMs: number;
  /** A socket that neither sends nor receives for this long is closed. */
  idleTimeoutMs: number;
  /** Time a kept-alive connection waits for its next request. */
  keepAliveTimeoutMs: number;
  /** Connections one client address may hold open at once; more are closed at once. */
  maxPerAddress: number;
  /** Connections the whole process holds open at once. */
  maxTotal: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxPerAddress: 64,
  maxTotal: 8_000,
};

/** How often Node checks header and request timeouts (a `createServer` option). */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

/** Applies the limits to a server that has not accepted connections yet. */
export function guardConnections(server: Server, limits: ConnectionLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxTotal;
  // Without a 'timeout' listener Node destroys the socket once it has been idle this long.
  server.setTimeout(limits.idleTimeoutMs);

  const openByAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    // The address lives in this map only while its connections are open, and is
    // never logged or stored.
    const address = socket.remoteAddress ?? 'unknown';
    const open = openByAddress.get(address) ?? 0;
    if (open >= limits.maxPerAddress) {
      socket.destroy();
      return;
    }
    openByAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (openByAddress.get(address) ?? 1) - 1;
      if (left <= 0) openByAddress.delete(address);
      else openByAddress.set(address, left);
    });
  });
}
