import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ClientRateLimiter, rateLimited, rateLimitSubject } from './client-rate-limit.ts';

describe('ClientRateLimiter', () => {
  it('counts per client within a window and says how long to wait', async () => {
    let now = new Date('2026-11-27T10:00:00Z');
    const limiter = new ClientRateLimiter({ max: 2, windowMs: 60_000 }, () => now);
    expect(await limiter.take('203.0.113.1')).toEqual({ allowed: true });
    expect(await limiter.take('203.0.113.1')).toEqual({ allowed: true });
    expect(await limiter.take('2001:db8::1')).toEqual({ allowed: true });
    now = new Date('2026-11-27T10:00:15Z');
    expect(await limiter.take('203.0.113.1')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    now = new Date('2026-11-27T10:01:00Z');
    expect(await limiter.take('203.0.113.1')).toEqual({ allowed: true });
  });

  it('forgets every client when its secret changes at the start of a UTC day', async () => {
    let now = new Date('2026-11-27T23:59:50Z');
    const limiter = new ClientRateLimiter({ max: 1, windowMs: 3_600_000 }, () => now);
    expect((await limiter.take('203.0.113.1')).allowed).toBe(true);
    expect((await limiter.take('203.0.113.1')).allowed).toBe(false);
    now = new Date('2026-11-28T00:00:05Z');
    expect((await limiter.take('203.0.113.1')).allowed).toBe(true);
  });
});

describe('rateLimitSubject', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
    ['1:2:3', '1:2:3'],
  ])('%s counts as %s', (address, subject) => {
    expect(rateLimitSubject(address)).toBe(subject);
  });

  it('gives one IPv6 subscriber one allowance, whichever address of its /64 it sends from', async () => {
    const limiter = new ClientRateLimiter({ max: 2, windowMs: 60_000 }, () => new Date('2026-11-27T10:00:00Z'));
    expect((await limiter.take('2001:db8:a:b::1')).allowed).toBe(true);
    expect((await limiter.take('2001:db8:a:b::2')).allowed).toBe(true);
    expect((await limiter.take('2001:db8:a:b:ffff:1:2:3')).allowed).toBe(false);
    expect((await limiter.take('2001:db8:a:c::1')).allowed).toBe(true);
  });

  it('stays bounded under a flood of new clients and still counts a returning one', async () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const limiter = new ClientRateLimiter({ max: 1, windowMs: 60_000 }, () => now);
    expect((await limiter.take('203.0.113.1')).allowed).toBe(true);
    for (let i = 0; i < 210_000; i++) await limiter.take(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(200_001);
    // The latest clients are still counted; room was made from the oldest.
    expect((await limiter.take('10.3.52.79')).allowed).toBe(false);
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
