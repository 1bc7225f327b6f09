import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { StaffMember } from './staff-roles.ts';

// Server-side sessions of the console. The browser holds a random token in an HttpOnly
// cookie; the database holds only its SHA-256, so a leaked copy of the table signs no one
// in. A session ends when revoked (sign-out, account disabled), after IDLE_MS without a
// request, or SESSION_MS after sign-in, whichever comes first.

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
/** A request within this of the last one does not write `last_seen_at` again. */
const TOUCH_EVERY_MS = 60 * 1000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export class StaffSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
  ) {}

  /** Opens a session for a staff member; returns the cookie's token. */
  async open(staffId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    await this.db
      .insertInto('staff_sessions')
      .values({
        token_hash: tokenHash(token),
        staff_id: staffId,
        created_at: now,
        last_seen_at: now,
        expires_at: new Date(now.getTime() + SESSION_MAX_MS),
      })
      .execute();
    return token;
  }

  /** The member a token signs in, or null: unknown, revoked, idle too long, too old, or the account disabled. */
  async member(token: string | undefined): Promise<StaffMember | null> {
    if (token === undefined || !TOKEN.test(token)) return null;
    const now = this.clock();
    const row = await this.db
      .selectFrom('staff_sessions')
      .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
      .select([
        'staff.id',
        'staff.email',
        'staff.name',
        'staff.role',
        'staff.disabled_at',
        'staff_sessions.last_seen_at',
        'staff_sessions.expires_at',
        'staff_sessions.revoked_at',
      ])
      .where('staff_sessions.token_hash', '=', tokenHash(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.disabled_at !== null) return null;
    const lastSeen = new Date(row.last_seen_at).getTime();
    if (now.getTime() >= new Date(row.expires_at).getTime()) return null;
    if (now.getTime() - lastSeen >= SESSION_IDLE_MS) return null;
    if (now.getTime() - lastSeen >= TOUCH_EVERY_MS) {
      await this.db
        .updateTable('staff_sessions')
        .set({ last_seen_at: now })
        .where('token_hash', '=', tokenHash(token))
        .execute();
    }
    return { id: row.id, email: row.email, name: row.name, role: row.role };
  }

  /** Ends one session (sign-out). */
  async revoke(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    await this.db
      .updateTable('staff_sessions')
      .set({ revoked_at: this.clock() })
      .where('token_hash', '=', tokenHash(token))
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Ends every session of a member (account disabled, password changed). */
  async revokeAll(staffId: number): Promise<void> {
    await this.db
      .updateTable('staff_sessions')
      .set({ revoked_at: this.clock() })
      .where('staff_id', '=', staffId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
