import { createHmac, randomBytes } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { SharedRateLimitStore } from './shared-rate-limit-store.ts';

// Rate limiting per client without keeping who the client is: the key is an HMAC of
// the address under a secret that lives in memory only and changes every UTC day, so
// yesterday's keys cannot be linked to today's, nor reversed to an address.

export interface RateLimitPolicy {
  /** Requests a client may make per window. */
  max: number;
  windowMs: number;
}

export type Allowance = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counting in the database instead of this process's memory, for several `thiqa serve`
 * on one PostgreSQL: `scope` keeps each limiter's counts apart (reports, sign-ins).
 */
export interface SharedRateLimits {
  store: SharedRateLimitStore;
  scope: string;
}

export const DEFAULT_REPORT_RATE_LIMIT: RateLimitPolicy = { max: 10, windowMs: 60_000 };

interface Window {
  start: number;
  count: number;
}

/** Clients counted at once; past it the oldest windows go first, so memory stays bounded. */
const MAX_WINDOWS = 200_000;

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const bare = address.split('%')[0] as string;
  const halves = bare.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string | undefined) => {
    if (part === undefined || part === '') return [];
    return part.split(':').flatMap((group) => {
      // An IPv4 address written in the last two groups.
      if (group.includes('.')) {
        const bytes = group.split('.').map(Number);
        return [((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0), ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)];
      }
      return /^[0-9a-f]{1,4}$/i.test(group) ? [Number.parseInt(group, 16)] : [Number.NaN];
    });
  };
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.some(Number.isNaN) ? null : groups;
}

/**
 * Who a request counts against: an IPv4 address as it is (an IPv4-mapped IPv6 address
 * too), and an IPv6 address by its /64 network, since one subscriber gets a whole /64 and
 * could otherwise take a fresh allowance from each of its 2^64 addresses.
 */
export function rateLimitSubject(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

export class ClientRateLimiter {
  private secret = randomBytes(32);
  private secretDay = '';
  private windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly clock: () => Date,
    private readonly shared?: SharedRateLimits,
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
  async take(address: string): Promise<Allowance> {
    const now = this.clock();
    if (this.shared) return this.takeShared(this.shared, address, now);
    const key = this.keyFor(rateLimitSubject(address), now);
    const time = now.getTime();
    let window = this.windows.get(key);
    if (!window || time - window.start >= this.policy.windowMs) {
      window = { start: time, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > MAX_WINDOWS) this.makeRoom(time);
    }
    window.count += 1;
    if (window.count <= this.policy.max) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.policy.windowMs - time) / 1000)),
    };
  }

  /**
   * The shared count: the same daily secret on every instance (so one client has one key),
   * and windows aligned to the clock, so a row holds no request's exact time.
   */
  private async takeShared(shared: SharedRateLimits, address: string, now: Date): Promise<Allowance> {
    const secret = await shared.store.secretFor(now);
    const key = createHmac('sha256', secret).update(rateLimitSubject(address)).digest('base64url');
    const time = now.getTime();
    const windowStart = time - (time % this.policy.windowMs);
    const count = await shared.store.increment(shared.scope, key, windowStart, this.policy.windowMs, time);
    if (count <= this.policy.max) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((windowStart + this.policy.windowMs - time) / 1000)),
    };
  }

  /**
   * Drops the windows that have run out (at most one sweep per window length, so a flood
   * of new clients does not buy a full scan each), then, if that was not enough, the
   * oldest: a new client is never refused for lack of room.
   */
  private makeRoom(time: number): void {
    if (time - this.lastSweep >= this.policy.windowMs) {
      this.lastSweep = time;
      for (const [key, window] of this.windows) {
        if (time - window.start >= this.policy.windowMs) this.windows.delete(key);
      }
    }
    let excess = this.windows.size - MAX_WINDOWS;
    for (const key of this.windows.keys()) {
      if (excess-- <= 0) break;
      this.windows.delete(key);
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
    const verdict = await limiter.take(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      return refuse(c, verdict.retryAfterSeconds);
    }
    await next();
  };
}
