import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ClientRateLimiter, rateLimited } from './client-rate-limit.ts';

describe('ClientRateLimiter', () => {
  it('counts per client within a window and says how long to wait', () => {
    let now = new Date('2026-11-27T10:00:00Z');
    const limiter = new ClientRateLimiter({ max: 2, windowMs: 60_000 }, () => now);
    expect(limiter.take('203.0.113.1')).toEqual({ allowed: true });
    expect(limiter.take('203.0.113.1')).toEqual({ allowed: true });
    expect(limiter.take('2001:db8::1')).toEqual({ allowed: true });
    now = new Date('2026-11-27T10:00:15Z');
    expect(limiter.take('203.0.113.1')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    now = new Date('2026-11-27T10:01:00Z');
    expect(limiter.take('203.0.113.1')).toEqual({ allowed: true });
  });

  it('forgets every client when its secret changes at the start of a UTC day', () => {
    let now = new Date('2026-11-27T23:59:50Z');
    const limiter = new ClientRateLimiter({ max: 1, windowMs: 3_600_000 }, () => now);
    expect(limiter.take('203.0.113.1').allowed).toBe(true);
    expect(limiter.take('203.0.113.1').allowed).toBe(false);
    now = new Date('2026-11-28T00:00:05Z');
    expect(limiter.take('203.0.113.1').allowed).toBe(true);
  });
});

describe('rateLimited', () => {
  it('lets a client through until its allowance is spent, then refuses with Retry-After', async () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const limiter = new ClientRateLimiter({ max: 1, windowMs: 60_000 }, () => now);
    const app = new Hono();
    app.post(
      '/',
      rateLimited(limiter, (c, wait) => c.text(`wait ${wait}`, 429)),
      (c) => c.text('taken'),
    );
    // What @hono/node-server hands the app: the peer's socket.
    const from = (address: string) => ({ incoming: { socket: { remoteAddress: address, remotePort: 40000 } } });
    const first = await app.request('/', { method: 'POST' }, from('203.0.113.1'));
    expect(await first.text()).toBe('taken');
    const second = await app.request('/', { method: 'POST' }, from('203.0.113.1'));
    expect(second.status).toBe(429);
    expect(second.headers.get('Retry-After')).toBe('60');
    expect(await second.text()).toBe('wait 60');
    expect(await (await app.request('/', { method: 'POST' }, from('203.0.113.2'))).text()).toBe('taken');
  });
});
