import { describe, expect, it } from 'vitest';
import { ClientRateLimiter } from './client-rate-limit.ts';

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
