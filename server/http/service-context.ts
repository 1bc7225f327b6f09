import type { Kysely } from 'kysely';
import type { DomainProof } from '../applications/domain-proof.ts';
import type { ComplaintBook } from '../complaints/complaint-book.ts';
import type { LifecyclePolicy } from '../complaints/lifecycle-policy.ts';
import type { MerchantNotices } from '../complaints/merchant-notices.ts';
import type { Database } from '../db/tables.ts';
import type { FlaggedDomains } from '../flags/flagged-domains.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { PublishedDirectory } from '../portal/published-directory.ts';
import type { ReportDesk } from '../reports/report-desk.ts';
import type { ReportQueue } from '../reports/report-queue.ts';

/** What every route of the service is built from; tests build it on a fresh database. */
export interface ServiceContext {
  db: Kysely<Database>;
  dataDir: string;
  adminToken: string | undefined;
  clock: () => Date;
  /** Shoppers' reports as they come in. */
  reports: ReportDesk;
  /** Moderators' decisions on them. */
  reportQueue: ReportQueue;
  complaints: ComplaintBook;
  flags: FlaggedDomains;
  /** The latest published directory as served, read once per publication (the portal's source). */
  published: PublishedDirectory;
  /**
   * The origin of links sent out of band (set-up links, applicants' receipts): the
   * configured public origin, never one taken from a request's Host header, which anyone
   * can set.
   */
  linkOrigin: string;
  /** Mail to staff and applicants (SMTP, or files under the data directory). */
  mailer: Mailer;
  /** Fetches an applicant's domain-control token from their shop. */
  domainProof: DomainProof;
  /** Reminder deadlines, merchants' link lifetime and the retention period. */
  policy: LifecyclePolicy;
  /** Mails a merchant its complaints through one-time links (the merchant's desk). */
  merchantNotices: MerchantNotices;
}
