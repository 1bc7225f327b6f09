import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { personText } from '../../src/directory/text-policy.ts';
import { type AuditEntry, recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { ServiceError } from '../http/service-error.ts';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  type PasswordProblem,
  passwordProblem,
  verifyPassword,
} from './staff-passwords.ts';
import { STAFF_ROLES, type StaffMember, type StaffRole } from './staff-roles.ts';
import { StaffSessions, tokenHash } from './staff-sessions.ts';

// Staff accounts: added by an admin (console or CLI) without a password, set up by their
// owner from a one-time link, signed in with e-mail and password, disabled when someone
// leaves. Every step is in the audit log; no password or link token ever is.
//
// Guessing is bounded twice: per client address by the sign-in pages' limiter, and per
// account here: LOCK_AFTER wrong passwords in a row lock it for LOCK_MS, the right one
// refused meanwhile. An e-mail without an account locks the same way (in memory), and is
// checked against a dummy hash, so neither the answers nor their time tell which exist.

export const SETUP_LINK_MS = 72 * 60 * 60 * 1000;
export const LOCK_AFTER = 5;
export const LOCK_MS = 15 * 60 * 1000;
/** E-mails without an account whose wrong tries are counted at once; past it, the oldest go. */
const MAX_UNKNOWN_COUNTED = 10_000;
/**
 * Who the audit log names for a sign-in with an e-mail that has no account: not what was
 * typed, which may be anyone's address (or a password typed in the wrong box).
 */
export const UNKNOWN_ACTOR = 'unknown account';

const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** An account's sign-in name: an e-mail address, lower-cased. */
export const staffEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'not an e-mail address' }).max(254, { message: 'at most 254 characters' }));
export const staffNameSchema = personText(80).min(1, { message: 'required' });
export const staffRoleSchema = z.enum(STAFF_ROLES);
export const newStaffSchema = z.strictObject({ email: staffEmailSchema, name: staffNameSchema, role: staffRoleSchema });

export type StaffStatus = 'active' | 'pending' | 'locked' | 'disabled';

export interface StaffListing extends StaffMember {
  status: StaffStatus;
  createdAt: string;
}

/** A one-time set-up link's secret part; the link is `<origin>/admin/setup/<token>`. */
export interface SetupLink {
  email: string;
  name: string;
  token: string;
  expiresAt: Date;
}

export type SignInResult =
  | { ok: true; member: StaffMember; sessionToken: string }
  /** `wrong`: no account, a wrong password, no password yet or disabled, all alike. */
  | { ok: false; reason: 'wrong' | 'locked' };

export type SetupResult =
  | { ok: true; member: StaffMember; sessionToken: string }
  | { ok: false; reason: 'link' }
  | { ok: false; reason: 'password'; problem: PasswordProblem };

const emailKey = (email: string) => createHash('sha256').update(email).digest('base64url');
const time = (value: Date | string | null) => (value === null ? null : new Date(value).getTime());

/**
 * One sign-in try counted before the password is checked, for any table with
 * `failed_sign_ins` and `locked_until` (staff, merchants' accounts): an expired lock starts
 * the count again. Used with `notLockedAt`, in the one UPDATE that also reads the lock, so
 * that simultaneous guesses cannot outrun it.
 */
export const reserveSignInTry = (now: Date) => ({
  failed_sign_ins: sql<number>`(case when locked_until is not null and locked_until <= ${now} then 0 else failed_sign_ins end) + 1`,
  locked_until: sql<Date | null>`case when locked_until <= ${now} then null else locked_until end`,
});
export const notLockedAt = (now: Date) => sql<boolean>`(locked_until is null or locked_until <= ${now})`;

export class StaffAccounts {
  private readonly unknownTries = new Map<string, { wrong: number; lockedUntil: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
  ) {}

  /** Adds an account without a password; returns its first set-up link. */
  async add(input: { email: string; name: string; role: StaffRole }, actor: string): Promise<SetupLink> {
    const { email, name, role } = newStaffSchema.parse(input);
    const now = this.clock();
    return this.db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirst();
      if (taken) throw new ServiceError('conflict', `${email} already has an account`, 'email');
      const row = await trx
        .insertInto('staff')
        .values({ email, name, role, created_at: now, created_by: actor })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { actor, action: 'staff.add', subject: email, detail: { name, role } }, now);
      return this.issueLink(trx, { id: row.id, email, name }, actor, now);
    });
  }

  async list(): Promise<StaffListing[]> {
    const now = this.clock().getTime();
    const rows = await this.db.selectFrom('staff').selectAll().orderBy('email').execute();
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      createdAt: new Date(row.created_at).toISOString(),
      status:
        row.disabled_at !== null
          ? 'disabled'
          : row.password_hash === null
            ? 'pending'
            : (time(row.locked_until) ?? 0) > now
              ? 'locked'
              : 'active',
    }));
  }

  /** Disables an account: its sessions end at once, its unused links stop working. */
  async disable(email: string, actor: string): Promise<{ changed: boolean }> {
    const now = this.clock();
    return this.db.transaction().execute(async (trx) => {
      const row = await this.findAccount(trx, email);
      if (row.disabled_at !== null) return { changed: false };
      await trx.updateTable('staff').set({ disabled_at: now }).where('id', '=', row.id).execute();
      await new StaffSessions(trx, () => now).revokeAll(row.id);
      await this.voidLinks(trx, row.id, now);
      await recordAudit(trx, { actor, action: 'staff.disable', subject: row.email }, now);
      return { changed: true };
    });
  }

  /** A new set-up link (a forgotten password); the older unused ones stop working. */
  async newSetupLink(email: string, actor: string): Promise<SetupLink> {
    const now = this.clock();
    return this.db.transaction().execute(async (trx) => {
      const row = await this.findAccount(trx, email);
      if (row.disabled_at !== null) throw new ServiceError('conflict', `${row.email} is disabled`, 'email');
      return this.issueLink(trx, row, actor, now);
    });
  }

  /** The account a set-up link is for, while it can still be used. */
  async setupLinkAccount(token: string): Promise<StaffMember | null> {
    if (!LINK_TOKEN.test(token)) return null;
    const row = await this.db
      .selectFrom('staff_setup_links')
      .innerJoin('staff', 'staff.id', 'staff_setup_links.staff_id')
      .select(['staff.id', 'staff.email', 'staff.name', 'staff.role'])
      .where('staff_setup_links.token_hash', '=', tokenHash(token))
      .where('staff_setup_links.used_at', 'is', null)
      .where('staff_setup_links.expires_at', '>', this.clock())
      .where('staff.disabled_at', 'is', null)
      .executeTakeFirst();
    return row ?? null;
  }

  /**
   * Sets the password from a set-up link and signs its owner in: the link is used up, the
   * lock and wrong tries are cleared, every other session of the account ends.
   */
  async completeSetup(token: string, password: string): Promise<SetupResult> {
    const member = await this.setupLinkAccount(token);
    if (!member) return { ok: false, reason: 'link' };
    const problem = passwordProblem(password, member.email);
    if (problem) return { ok: false, reason: 'password', problem };
    const passwordHash = await hashPassword(password);
    const now = this.clock();
    return this.db.transaction().execute(async (trx) => {
      // Taken in the transaction: of two posts of one link, one sets the password.
      const used = await trx
        .updateTable('staff_setup_links')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('staff_id')
        .executeTakeFirst();
      if (!used) return { ok: false, reason: 'link' } as const;
      await trx
        .updateTable('staff')
        .set({ password_hash: passwordHash, failed_sign_ins: 0, locked_until: null })
        .where('id', '=', member.id)
        .execute();
      const sessions = new StaffSessions(trx, () => now);
      await sessions.revokeAll(member.id);
      await recordAudit(trx, { actor: member.email, action: 'staff.set-password', subject: member.email }, now);
      const sessionToken = await sessions.open(member.id);
      await recordAudit(trx, { actor: member.email, action: 'staff.sign-in', subject: member.email }, now);
      return { ok: true, member, sessionToken } as const;
    });
  }

  /**
   * Checks an e-mail and password; on success opens a new session.
   *
   * Each try is counted before the slow password check, in one statement that also reads
   * the lock: tries sent all at once are numbered one by one, those past the fifth are
   * refused without being weighed, and a right password sent after them is refused too.
   * The count goes back to zero only on success or when a lock has run out.
   */
  async signIn(emailTyped: string, password: string): Promise<SignInResult> {
    const email = emailTyped.trim().toLowerCase();
    const row = await this.db.selectFrom('staff').selectAll().where('email', '=', email).executeTakeFirst();
    const now = this.clock();
    if (!row) {
      const result = this.countUnknown(email, now);
      // One argon2 verification on every path, so that no answer is quicker than another.
      await verifyPassword(DUMMY_PASSWORD_HASH, password);
      await recordAudit(
        this.db,
        {
          actor: UNKNOWN_ACTOR,
          action: 'staff.sign-in-refused',
          subject: UNKNOWN_ACTOR,
          detail: { reason: 'no-account' },
        },
        now,
      );
      return result;
    }
    const refused = (reason: string, extra: AuditEntry[] = []) =>
      this.db.transaction().execute(async (trx) => {
        for (const entry of extra) await recordAudit(trx, entry, now);
        await recordAudit(
          trx,
          { actor: email, action: 'staff.sign-in-refused', subject: email, detail: { reason } },
          now,
        );
      });

    const reserved = await this.db
      .updateTable('staff')
      .set(reserveSignInTry(now))
      .where('id', '=', row.id)
      .where(notLockedAt(now))
      .returning('failed_sign_ins')
      .executeTakeFirst();
    if (!reserved || reserved.failed_sign_ins > LOCK_AFTER) {
      await verifyPassword(DUMMY_PASSWORD_HASH, password);
      await refused('locked');
      return { ok: false, reason: 'locked' };
    }

    const matches = await verifyPassword(row.password_hash ?? DUMMY_PASSWORD_HASH, password);
    if (matches && row.password_hash !== null && row.disabled_at === null) {
      const member: StaffMember = { id: row.id, email: row.email, name: row.name, role: row.role };
      const sessionToken = await this.db.transaction().execute(async (trx) => {
        // A lock set by another try while this one was being weighed still holds.
        const current = await trx
          .selectFrom('staff')
          .select(['locked_until', 'disabled_at'])
          .where('id', '=', row.id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if ((time(current.locked_until) ?? 0) > now.getTime() || current.disabled_at !== null) return null;
        await trx
          .updateTable('staff')
          .set({ failed_sign_ins: 0, locked_until: null })
          .where('id', '=', row.id)
          .execute();
        const token = await new StaffSessions(trx, () => now).open(row.id);
        await recordAudit(trx, { actor: email, action: 'staff.sign-in', subject: email }, now);
        return token;
      });
      if (sessionToken === null) {
        await refused('locked');
        return { ok: false, reason: 'locked' };
      }
      return { ok: true, member, sessionToken };
    }
    const reason =
      row.disabled_at !== null ? 'disabled' : row.password_hash === null ? 'no-password' : 'wrong-password';
    if (reserved.failed_sign_ins < LOCK_AFTER) {
      await refused(reason);
      return { ok: false, reason: 'wrong' };
    }
    const until = new Date(now.getTime() + LOCK_MS);
    await this.db.updateTable('staff').set({ locked_until: until }).where('id', '=', row.id).execute();
    await refused(reason, [
      { actor: email, action: 'staff.lock', subject: email, detail: { until: until.toISOString() } },
    ]);
    return { ok: false, reason: 'locked' };
  }

  /** Ends a session (sign-out). */
  async signOut(sessionToken: string, member: StaffMember): Promise<void> {
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      await new StaffSessions(trx, () => now).revoke(sessionToken);
      await recordAudit(trx, { actor: member.email, action: 'staff.sign-out', subject: member.email }, now);
    });
  }

  /**
   * An e-mail without an account: refused, and locked after as many tries as a real one,
   * counted before the password check as for an account. Counted in this process only.
   */
  private countUnknown(email: string, now: Date): SignInResult {
    const key = emailKey(email);
    const tries = this.unknownTries.get(key) ?? { wrong: 0, lockedUntil: 0 };
    this.unknownTries.delete(key);
    this.unknownTries.set(key, tries);
    if (this.unknownTries.size > MAX_UNKNOWN_COUNTED) {
      const oldest = this.unknownTries.keys().next().value;
      if (oldest !== undefined) this.unknownTries.delete(oldest);
    }
    if (tries.lockedUntil > now.getTime()) return { ok: false, reason: 'locked' };
    if (tries.lockedUntil !== 0) {
      tries.lockedUntil = 0;
      tries.wrong = 0;
    }
    if (++tries.wrong >= LOCK_AFTER) {
      tries.lockedUntil = now.getTime() + LOCK_MS;
      return { ok: false, reason: 'locked' };
    }
    return { ok: false, reason: 'wrong' };
  }

  private async findAccount(trx: Kysely<Database>, emailTyped: string) {
    const email = staffEmailSchema.safeParse(emailTyped);
    const row = email.success
      ? await trx.selectFrom('staff').selectAll().where('email', '=', email.data).executeTakeFirst()
      : undefined;
    if (!row) throw new ServiceError('not-found', `no staff account has the e-mail ${emailTyped}`, 'email');
    return row;
  }

  /** Unused links of an account stop working now. */
  private async voidLinks(trx: Kysely<Database>, staffId: number, now: Date) {
    await trx
      .updateTable('staff_setup_links')
      .set({ expires_at: now })
      .where('staff_id', '=', staffId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .execute();
  }

  private async issueLink(
    trx: Kysely<Database>,
    account: { id: number; email: string; name: string },
    actor: string,
    now: Date,
  ): Promise<SetupLink> {
    const { email, name } = account;
    await this.voidLinks(trx, account.id, now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SETUP_LINK_MS);
    await trx
      .insertInto('staff_setup_links')
      .values({ token_hash: tokenHash(token), staff_id: account.id, created_at: now, expires_at: expiresAt })
      .execute();
    await recordAudit(
      trx,
      { actor, action: 'staff.setup-link', subject: email, detail: { expiresAt: expiresAt.toISOString() } },
      now,
    );
    return { email, name, token, expiresAt };
  }
}
