import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.ts';
import { SESSION_IDLE_MS, SESSION_MAX_MS, tokenHash } from '../../staff/staff-sessions.ts';

// Merchants' sessions on their desk, with the staff sessions' rules: a random token in an
// HttpOnly cookie, only its SHA-256 in the table, ended by sign-out, after 30 minutes
// without a request or 12 hours after it opened, whichever comes first.

/** A request within this of the last one does not write `last_seen_at` again. */
const TOUCH_EVERY_MS = 60 * 1000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class MerchantSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
  ) {}

  /** Opens a session for a merchant; returns the cookie's token. */
  async open(merchantId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    await this.db
      .insertInto('merchant_sessions')
      .values({
        token_hash: tokenHash(token),
        merchant_id: merchantId,
        created_at: now,
        last_seen_at: now,
        expires_at: new Date(now.getTime() + SESSION_MAX_MS),
      })
      .execute();
    return token;
  }

  /** The merchant a token signs in, or null: unknown, revoked, idle too long or too old. */
  async merchantId(token: string | undefined): Promise<string | null> {
    if (token === undefined || !TOKEN.test(token)) return null;
    const now = this.clock().getTime();
    const row = await this.db
      .selectFrom('merchant_sessions')
      .innerJoin('merchants', 'merchants.id', 'merchant_sessions.merchant_id')
      .select(['merchant_sessions.merchant_id', 'last_seen_at', 'expires_at', 'revoked_at'])
      .where('token_hash', '=', tokenHash(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return null;
    const lastSeen = new Date(row.last_seen_at).getTime();
    if (now >= new Date(row.expires_at).getTime() || now - lastSeen >= SESSION_IDLE_MS) return null;
    if (now - lastSeen >= TOUCH_EVERY_MS) {
      await this.db
        .updateTable('merchant_sessions')
        .set({ last_seen_at: new Date(now) })
        .where('token_hash', '=', tokenHash(token))
        .execute();
    }
    return row.merchant_id;
  }

  async revoke(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    await this.db
      .updateTable('merchant_sessions')
      .set({ revoked_at: this.clock() })
      .where('token_hash', '=', tokenHash(token))
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Ends every session of a merchant but `keep` (a password set: other browsers sign in again). */
  async revokeOthers(merchantId: string, keep: string): Promise<void> {
    await this.db
      .updateTable('merchant_sessions')
      .set({ revoked_at: this.clock() })
      .where('merchant_id', '=', merchantId)
      .where('token_hash', '<>', tokenHash(keep))
      .where('revoked_at', 'is', null)
      .execute();
  }
}
