import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LifecyclePolicy } from '../../complaints/lifecycle-policy.ts';
import { daysAfter } from '../../complaints/lifecycle-policy.ts';
import type { MerchantNoticeKind, MerchantNotices } from '../../complaints/merchant-notices.ts';
import { recordAudit } from '../../db/audit-log.ts';
import type { Database } from '../../db/tables.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { tokenHash } from '../../staff/staff-sessions.ts';
import { complaintMail } from './desk-mail.ts';
import { merchantActor, merchantCard } from './merchant-card.ts';
import { MerchantSessions } from './merchant-sessions.ts';

// The merchant's desk: a complaint reaches its merchant as a mail holding a one-time link
// (only the link token's SHA-256 is stored). The link does not sign in by being opened —
// mail scanners open links — but by the button of the page it opens (a POST), which
// spends it and opens a merchant session.

const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type LinkRedemption =
  | { ok: true; merchantId: string; complaintId: number | null; sessionToken: string }
  /** `used`: spent already; `expired`: too old; `unknown`: no such link (a typo, a forged token). */
  | { ok: false; reason: 'used' | 'expired' | 'unknown' };

export interface MerchantDeskOptions {
  db: Kysely<Database>;
  clock: () => Date;
  mailer: Mailer;
  /** Where links in mail lead: the configured public origin, never a request's Host. */
  linkOrigin: string;
  policy: LifecyclePolicy;
}

export class MerchantDesk implements MerchantNotices {
  constructor(private readonly options: MerchantDeskOptions) {}

  /**
   * Mails the complaint's merchant a fresh link to it. For a reminder, `complaints.reminders`
   * is read as this reminder's number (the lifecycle counts it before calling). False when
   * there is no one to mail, the complaint is closed, or the mail could not leave.
   */
  async send(complaintId: number, kind: MerchantNoticeKind): Promise<boolean> {
    const { db, clock, policy } = this.options;
    const complaint = await db
      .selectFrom('complaints')
      .select(['id', 'domain', 'category', 'opened_at', 'status', 'merchant_id', 'reminders'])
      .where('id', '=', complaintId)
      .executeTakeFirst();
    if (!complaint || complaint.merchant_id === null || complaint.status !== 'open') return false;
    const merchant = await merchantCard(db, complaint.merchant_id);
    if (!merchant?.email) return false;

    const token = randomBytes(32).toString('base64url');
    const now = clock();
    const expiresAt = daysAfter(now, policy.merchantLinkDays);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('merchant_links')
        .values({
          token_hash: tokenHash(token),
          merchant_id: merchant.id,
          complaint_id: complaint.id,
          created_at: now,
          expires_at: expiresAt,
        })
        .execute();
      await recordAudit(
        trx,
        {
          actor: 'service',
          action: 'merchant.link',
          subject: merchant.id,
          detail: { complaint: complaint.id, kind, expiresAt: expiresAt.toISOString() },
        },
        now,
      );
    });
    const message = complaintMail({
      to: merchant.email,
      shop: merchant.shopName,
      domain: complaint.domain,
      complaintId: complaint.id,
      category: complaint.category,
      openedAt: new Date(complaint.opened_at),
      answerBy: daysAfter(now, policy.reminderAfterDays),
      linkExpiresAt: expiresAt,
      link: `${this.options.linkOrigin}/merchant/link/${token}`,
      reminder: kind === 'reminder' ? { number: Math.max(1, complaint.reminders), of: policy.maxReminders } : null,
    });
    try {
      await this.options.mailer.send(message);
      return true;
    } catch (error) {
      console.error(
        `merchant desk: the mail for complaint ${complaint.id} could not be sent: ${(error as Error).message}`,
      );
      // A link nobody received opens nothing.
      await db
        .updateTable('merchant_links')
        .set({ expires_at: now })
        .where('token_hash', '=', tokenHash(token))
        .execute();
      return false;
    }
  }

  /** Spends a link and opens a session for its merchant; of two posts of one link, one wins. */
  async redeem(token: string): Promise<LinkRedemption> {
    if (!LINK_TOKEN.test(token)) return { ok: false, reason: 'unknown' };
    const now = this.options.clock();
    return this.options.db.transaction().execute(async (trx) => {
      const used = await trx
        .updateTable('merchant_links')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['merchant_id', 'complaint_id'])
        .executeTakeFirst();
      if (!used) {
        const link = await trx
          .selectFrom('merchant_links')
          .select(['used_at'])
          .where('token_hash', '=', tokenHash(token))
          .executeTakeFirst();
        return { ok: false, reason: !link ? 'unknown' : link.used_at !== null ? 'used' : 'expired' } as const;
      }
      const sessionToken = await new MerchantSessions(trx, () => now).open(used.merchant_id);
      await recordAudit(
        trx,
        {
          actor: merchantActor(used.merchant_id),
          action: 'merchant.sign-in',
          subject: used.merchant_id,
          detail: { via: 'link', complaint: used.complaint_id },
        },
        now,
      );
      return { ok: true, merchantId: used.merchant_id, complaintId: used.complaint_id, sessionToken } as const;
    });
  }

  /** Whether a link can still be spent (the GET page shows its button, or says why not). */
  async linkState(token: string): Promise<'open' | 'used' | 'expired' | 'unknown'> {
    if (!LINK_TOKEN.test(token)) return 'unknown';
    const link = await this.options.db
      .selectFrom('merchant_links')
      .select(['used_at', 'expires_at'])
      .where('token_hash', '=', tokenHash(token))
      .executeTakeFirst();
    if (!link) return 'unknown';
    if (link.used_at !== null) return 'used';
    return new Date(link.expires_at).getTime() > this.options.clock().getTime() ? 'open' : 'expired';
  }
}
