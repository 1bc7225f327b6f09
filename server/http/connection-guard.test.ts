import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ServiceProcess, startServiceProcess } from '../../test/support/service-process.ts';
import { DEFAULT_CONNECTION_LIMITS } from './connection-guard.ts';

// The attack run's "one host takes every connection", against the real `thiqa serve`
// in its own process. Linux routes all of 127.0.0.0/8 to loopback, so a client bound to
// 127.0.0.2 is another address to the service than one bound to 127.0.0.1.

const ATTACKER = '127.0.0.1';
const SHOPPER = '127.0.0.2';

function openIdleSocket(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    // A connection the service refuses outright still counts as tried.
    socket.once('close', () => resolve(socket));
  });
}

function timedRequest(
  port: number,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: SHOPPER,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
        timeout: 5_000,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, text }));
      },
    );
    call.on('timeout', () => call.destroy(new Error(`${method} ${path}: no answer in 5 s`)));
    call.on('error', reject);
    call.end(body);
  });
}

describe('thiqa serve under one host holding thousands of idle sockets', () => {
  let dataDir: string;
  let service: ServiceProcess;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'thiqa-sockets-'));
    port = await freePort();
    service = await startServiceProcess({ dataDir, port });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await service?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps answering another address within 1 s, holding only a few of the attacker’s sockets', async () => {
    for (let batch = 0; batch < 10; batch++) {
      sockets.push(...(await Promise.all(Array.from({ length: 500 }, () => openIdleSocket(port, ATTACKER)))));
    }
    expect(sockets).toHaveLength(5_000);
    // The service closes what passes the cap as soon as it accepts it.
    await expect
      .poll(() => sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open').length, {
        timeout: 5_000,
        interval: 100,
      })
      .toBeLessThanOrEqual(DEFAULT_CONNECTION_LIMITS.maxPerAddress);

    const health = await timedRequest(port, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1_000);
    const report = await timedRequest(
      port,
      'POST',
      '/v1/reports',
      JSON.stringify({
        url: 'https://faux-souk.test/produit',
        reason: 'non-delivery',
        idempotencyKey: crypto.randomUUID(),
      }),
    );
    expect(report.status, report.text).toBe(201);
    expect(report.ms).toBeLessThan(1_000);
  });

  it('closes sockets that send nothing, or trickle their headers a byte at a second, within seconds', async () => {
    const silent = await Promise.all(Array.from({ length: 20 }, () => openIdleSocket(port, '127.0.0.3')));
    const slow = await openIdleSocket(port, '127.0.0.4');
    expect([...silent, slow].every((socket) => socket.readyState === 'open')).toBe(true);
    slow.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => slow.writable && slow.write('X'), 1_000);
    const stillOpen = () => [...silent, slow].filter((socket) => !socket.destroyed && socket.readyState === 'open');
    const deadline =
      Math.max(DEFAULT_CONNECTION_LIMITS.idleTimeoutMs, DEFAULT_CONNECTION_LIMITS.headersTimeoutMs) + 5_000;
    try {
      await expect.poll(() => stillOpen().length, { timeout: deadline, interval: 250 }).toBe(0);
    } finally {
      clearInterval(trickle);
      for (const socket of [...silent, slow]) socket.destroy();
    }
  }, 30_000);
});
