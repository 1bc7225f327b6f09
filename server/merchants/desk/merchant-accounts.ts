import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../../db/audit-log.ts';
import type { Database } from '../../db/tables.ts';
import { LOCK_AFTER, LOCK_MS, notLockedAt, reserveSignInTry, UNKNOWN_ACTOR } from '../../staff/staff-accounts.ts';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  type PasswordProblem,
  passwordProblem,
  verifyPassword,
} from '../../staff/staff-passwords.ts';
import { merchantActor, merchantCard } from './merchant-card.ts';
import { MerchantSessions } from './merchant-sessions.ts';

// Merchants who would rather sign in than wait for a link: from a session a link opened,
// a merchant sets a password for the registry's contact address, then signs in with both.
// Guessing is bounded as for staff (server/staff/staff-accounts.ts): per client address by
// the page's limiter, per account here — five wrong passwords in a row lock it for 15
// minutes, each try counted before the slow argon2 check, so tries sent all at once are
// numbered one by one. An address without an account locks the same way (in memory) and
// is checked against a dummy hash, so neither answer nor time tells which addresses exist.

export type MerchantSignIn =
  | { ok: true; merchantId: string; sessionToken: string }
  | { ok: false; reason: 'wrong' | 'locked' };

export type SetPasswordResult =
  | { ok: true; email: string }
  | { ok: false; reason: 'no-email' }
  | { ok: false; reason: 'password'; problem: PasswordProblem };

const MAX_UNKNOWN_COUNTED = 10_000;
const emailKey = (email: string) => createHash('sha256').update(email).digest('base64url');

export class MerchantAccounts {
  private readonly unknownTries = new Map<string, { wrong: number; lockedUntil: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
  ) {}

  /** The address a merchant's account signs in with (the registry's), or null without one. */
  async accountEmail(merchantId: string): Promise<string | null> {
    return (await merchantCard(this.db, merchantId))?.email ?? null;
  }

  /**
   * Sets (or changes) the merchant's password, for the registry's contact address. The
   * browser that set it stays signed in; every other session of the merchant ends.
   */
  async setPassword(merchantId: string, password: string, keepSession: string): Promise<SetPasswordResult> {
    const email = await this.accountEmail(merchantId);
    if (!email) return { ok: false, reason: 'no-email' };
    const problem = passwordProblem(password, email);
    if (problem) return { ok: false, reason: 'password', problem };
    const passwordHash = await hashPassword(password);
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      // The registry's address may have moved to this merchant from another one's account.
      await trx
        .deleteFrom('merchant_accounts')
        .where('email', '=', email)
        .where('merchant_id', '<>', merchantId)
        .execute();
      await trx
        .insertInto('merchant_accounts')
        .values({ merchant_id: merchantId, email, password_hash: passwordHash, created_at: now, updated_at: now })
        .onConflict((conflict) =>
          conflict.column('merchant_id').doUpdateSet({
            email,
            password_hash: passwordHash,
            failed_sign_ins: 0,
            locked_until: null,
            updated_at: now,
          }),
        )
        .execute();
      await new MerchantSessions(trx, () => now).revokeOthers(merchantId, keepSession);
      await recordAudit(
        trx,
        { actor: merchantActor(merchantId), action: 'merchant.set-password', subject: merchantId },
        now,
      );
    });
    return { ok: true, email };
  }

  async signIn(emailTyped: string, password: string): Promise<MerchantSignIn> {
    const email = emailTyped.trim().toLowerCase();
    const now = this.clock();
    const row = await this.db.selectFrom('merchant_accounts').selectAll().where('email', '=', email).executeTakeFirst();
    if (!row) {
      const result = this.countUnknown(email, now);
      await verifyPassword(DUMMY_PASSWORD_HASH, password);
      await this.refused(UNKNOWN_ACTOR, 'no-account', now);
      return result;
    }
    const actor = merchantActor(row.merchant_id);
    // The account signs in with the registry's address as it is now: once staff change it
    // (an employee left, a mailbox was taken over) the former address opens nothing, and is
    // answered as a wrong password. A password set again moves the account to the new one.
    if ((await this.accountEmail(row.merchant_id)) !== row.email) {
      await verifyPassword(DUMMY_PASSWORD_HASH, password);
      await this.refused(actor, 'address-changed', now);
      return { ok: false, reason: 'wrong' };
    }
    // Counted first, in one statement that also reads the lock (see staff-accounts.ts).
    const reserved = await this.db
      .updateTable('merchant_accounts')
      .set(reserveSignInTry(now))
      .where('merchant_id', '=', row.merchant_id)
      .where(notLockedAt(now))
      .returning('failed_sign_ins')
      .executeTakeFirst();
    if (!reserved || reserved.failed_sign_ins > LOCK_AFTER) {
      await verifyPassword(DUMMY_PASSWORD_HASH, password);
      await this.refused(actor, 'locked', now);
      return { ok: false, reason: 'locked' };
    }
    if (await verifyPassword(row.password_hash, password)) {
      const sessionToken = await this.db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('merchant_accounts')
          .select('locked_until')
          .where('merchant_id', '=', row.merchant_id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        // A lock set by another try while this one was being weighed still holds.
        if (current.locked_until !== null && new Date(current.locked_until).getTime() > now.getTime()) return null;
        await trx
          .updateTable('merchant_accounts')
          .set({ failed_sign_ins: 0, locked_until: null })
          .where('merchant_id', '=', row.merchant_id)
          .execute();
        const token = await new MerchantSessions(trx, () => now).open(row.merchant_id);
        await recordAudit(
          trx,
          { actor, action: 'merchant.sign-in', subject: row.merchant_id, detail: { via: 'password' } },
          now,
        );
        return token;
      });
      if (sessionToken === null) {
        await this.refused(actor, 'locked', now);
        return { ok: false, reason: 'locked' };
      }
      return { ok: true, merchantId: row.merchant_id, sessionToken };
    }
    if (reserved.failed_sign_ins >= LOCK_AFTER) {
      await this.db
        .updateTable('merchant_accounts')
        .set({ locked_until: new Date(now.getTime() + LOCK_MS) })
        .where('merchant_id', '=', row.merchant_id)
        .execute();
      await this.refused(actor, 'wrong-password-locked', now);
      return { ok: false, reason: 'locked' };
    }
    await this.refused(actor, 'wrong-password', now);
    return { ok: false, reason: 'wrong' };
  }

  async signOut(sessionToken: string, merchantId: string): Promise<void> {
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      await new MerchantSessions(trx, () => now).revoke(sessionToken);
      await recordAudit(
        trx,
        { actor: merchantActor(merchantId), action: 'merchant.sign-out', subject: merchantId },
        now,
      );
    });
  }

  private refused(actor: string, reason: string, now: Date) {
    const subject = actor === UNKNOWN_ACTOR ? UNKNOWN_ACTOR : actor.slice('merchant:'.length);
    return recordAudit(this.db, { actor, action: 'merchant.sign-in-refused', subject, detail: { reason } }, now);
  }

  private countUnknown(email: string, now: Date): MerchantSignIn {
    const key = emailKey(email);
    const tries = this.unknownTries.get(key) ?? { wrong: 0, lockedUntil: 0 };
    this.unknownTries.delete(key);
    this.unknownTries.set(key, tries);
    if (this.unknownTries.size > MAX_UNKNOWN_COUNTED) {
      const oldest = this.unknownTries.keys().next().value;
      if (oldest !== undefined) this.unknownTries.delete(oldest);
    }
    if (tries.lockedUntil > now.getTime()) return { ok: false, reason: 'locked' };
    if (tries.lockedUntil !== 0) Object.assign(tries, { wrong: 0, lockedUntil: 0 });
    if (++tries.wrong >= LOCK_AFTER) {
      tries.lockedUntil = now.getTime() + LOCK_MS;
      return { ok: false, reason: 'locked' };
    }
    return { ok: false, reason: 'wrong' };
  }
}
