import { createHmac, randomBytes } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';

// Rate limiting per client without keeping who the client is: the key is an HMAC of
// the address under a secret that lives in memory only and changes every UTC day, so
// yesterday's keys cannot be linked to today's, nor reversed to an address.

export interface RateLimitPolicy {
  /** Requests a client may make per window. */
  max: number;
  windowMs: number;
}

export const DEFAULT_REPORT_RATE_LIMIT: RateLimitPolicy = { max: 10, windowMs: 60_000 };

interface Window {
  start: number;
  count: number;
}

export class ClientRateLimiter {
  private secret = randomBytes(32);
  private secretDay = '';
  private windows = new Map<string, Window>();

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly clock: () => Date,
  ) {}

  private keyFor(address: string, now: Date): string {
    const day = now.toISOString().slice(0, 10);
    if (day !== this.secretDay) {
      this.secret = randomBytes(32);
      this.secretDay = day;
      this.windows.clear();
    }
    return createHmac('sha256', this.secret).update(address).digest('base64url');
  }

  /** Counts one request; the answer says whether it may go on, or how long to wait. */
  take(address: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.clock();
    const key = this.keyFor(address, now);
    const time = now.getTime();
    let window = this.windows.get(key);
    if (!window || time - window.start >= this.policy.windowMs) {
      window = { start: time, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 100_000) this.dropExpired(time);
    }
    window.count += 1;
    if (window.count <= this.policy.max) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.policy.windowMs - time) / 1000)),
    };
  }

  private dropExpired(time: number): void {
    for (const [key, window] of this.windows) {
      if (time - window.start >= this.policy.windowMs) this.windows.delete(key);
    }
  }
}

/** The peer address, used only to derive the rate-limit key and then forgotten. */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Takes one request from the client's allowance; past it, answers with `refuse` (a
 * problem for the API, a page for the portal) and `Retry-After`. The API and the portal
 * share one limiter, so a client has one allowance whichever way it reports.
 */
export function rateLimited(
  limiter: ClientRateLimiter,
  refuse: (c: Context, retryAfterSeconds: number) => Response | Promise<Response>,
): MiddlewareHandler {
  return async (c, next) => {
    const verdict = limiter.take(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      return refuse(c, verdict.retryAfterSeconds);
    }
    await next();
  };
}
