import { createHmac, randomBytes } from 'node:crypto';

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
