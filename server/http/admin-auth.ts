import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { problem } from './problem.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `Authorization: Bearer <THIQA_ADMIN_TOKEN>`: 401 without it, 403 with a wrong one.
 * Both sides are hashed first so the comparison takes the same time whatever the length.
 */
export function adminAuth(adminToken: string | undefined): MiddlewareHandler {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return async (c, next) => {
    const header = c.req.header('Authorization');
    const match = header ? /^Bearer\s+(\S+)$/.exec(header) : null;
    if (!match) {
      return problem(c, 401, 'send Authorization: Bearer <THIQA_ADMIN_TOKEN>', undefined, {
        'WWW-Authenticate': 'Bearer realm="thiqa-admin"',
      });
    }
    if (expected === undefined) return problem(c, 403, 'the admin API is closed: THIQA_ADMIN_TOKEN is not set');
    if (!timingSafeEqual(digest(match[1] as string), expected)) return problem(c, 403, 'wrong admin token');
    await next();
  };
}

/** Who the audit log names: the moderator's name from X-Thiqa-Actor, else "admin-api". */
export function actorOf(header: string | undefined): string {
  const name = header?.trim();
  return name && /^[\p{L}\p{N} ._@-]{1,64}$/u.test(name) ? `${name} (admin-api)` : 'admin-api';
}
