// The seam between a complaint's lifecycle (server/complaints/complaint-lifecycle.ts: who
// is due a mail and when) and the merchant's desk (server/merchants/desk/: the one-time
// link and the mail itself).

export type MerchantNoticeKind = 'new' | 'reminder';

export interface MerchantNotices {
  /**
   * Mails the merchant of complaint `complaintId` a fresh one-time link to it. False when
   * there is nobody to mail (no listed merchant, or no contact address). The mail never
   * carries the shopper's details or contact unless the shopper agreed to share them.
   */
  send(complaintId: number, kind: MerchantNoticeKind): Promise<boolean>;
}
