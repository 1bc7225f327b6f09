import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { canonicalJson } from '../../src/directory/bytes.ts';
import {
  type ComplaintOutcome,
  type ComplaintProgress,
  type ReportAmendment,
  type ReportCreated,
  type ReportRequest,
  type ReportStatus,
  type ReportStatusView,
  reportedShop,
} from '../../src/directory/report-contract.ts';
import type { ReportReason } from '../../src/directory/schemas.ts';
import type { Database, ReportRow, ReportsTable } from '../db/tables.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';

// Shoppers' reports as they come in: stored once per idempotency key, followed by
// receipt, amended with the edit token. The wire shapes are the contract's
// (src/directory/report-contract.ts).

export interface ReportTaken extends ReportCreated {
  /** True when the idempotency key had already been used with the same report. */
  replayed: boolean;
}

interface PendingInsert {
  row: Insertable<ReportsTable>;
  done: (inserted: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Writes new reports in groups: reports that arrive while one INSERT runs go into the
 * next one, a single multi-row statement. Each caller still gets its answer only once
 * its row is committed, and a lone report waits for nothing.
 */
class ReportInserts {
  private pending: PendingInsert[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<Database>) {}

  /** True when the row was stored, false when its idempotency key already was. */
  insert(row: Insertable<ReportsTable>): Promise<boolean> {
    return new Promise((done, fail) => {
      this.pending.push({ row, done, fail });
      if (!this.flushing) {
        this.flushing = true;
        // Let the requests read in the same turn of the event loop join this INSERT.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 200);
      try {
        await this.insertTogether(batch);
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.fail(error);
          continue;
        }
        // One row the database refuses must not fail the shoppers whose reports happened to
        // share its statement: each goes again on its own, and only the bad one fails.
        for (const entry of batch) await this.insertTogether([entry]).catch(entry.fail);
      }
    }
    this.flushing = false;
  }

  private async insertTogether(batch: PendingInsert[]): Promise<void> {
    const stored = await this.db
      .insertInto('reports')
      .values(batch.map((entry) => entry.row))
      .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
      .returning('receipt')
      .execute();
    const receipts = new Set(stored.map((row) => row.receipt));
    for (const entry of batch) entry.done(receipts.has(entry.row.receipt));
  }
}

export class ReportDesk {
  private readonly inserts: ReportInserts;

  constructor(
    private readonly db: Kysely<Database>,
    /** Secret behind edit tokens: a token is an HMAC of the receipt, never stored. */
    private readonly editSecret: Buffer,
    private readonly clock: () => Date,
  ) {
    this.inserts = new ReportInserts(db);
  }

  editTokenFor(receipt: string): string {
    return createHmac('sha256', this.editSecret).update(`edit:${receipt}`).digest('base64url');
  }

  /** True when `token` is this report's edit token (compared in constant time). */
  verifyEditToken(receipt: string, token: string): boolean {
    return this.checkEditToken(receipt, token);
  }

  private checkEditToken(receipt: string, token: string): boolean {
    const expected = Buffer.from(this.editTokenFor(receipt));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async submit(request: ReportRequest): Promise<ReportTaken> {
    const requestHash = createHash('sha256').update(canonicalJson(request)).digest('hex');
    // The one place a report's shop is resolved: its domain and the URL it keeps.
    const shop = reportedShop(request.url, SERVICE_PLATFORMS);
    if (!shop.ok) throw new ServiceError('invalid', `not the address of a shop (${shop.cause})`, 'url');
    const receipt = newReceipt();
    const now = this.clock();
    // Insert first: a new key (the usual case) costs one statement; a replayed key
    // inserts nothing and is then looked up.
    const inserted = await this.inserts.insert({
      receipt,
      idempotency_key: request.idempotencyKey,
      request_hash: requestHash,
      domain: shop.domain,
      url: shop.url,
      reason: request.reason,
      details: request.details || null,
      contact: request.consent === true ? (request.contact ?? null) : null,
      share_with_merchant: request.shareWithMerchant === true,
      lang: request.lang ?? null,
      client_version: request.clientVersion ?? null,
      status: 'received',
      created_at: now,
      updated_at: now,
    });
    if (inserted) return { receipt, status: 'received', editToken: this.editTokenFor(receipt), replayed: false };
    const replay = await this.findByIdempotencyKey(request.idempotencyKey, requestHash);
    if (!replay) throw new ServiceError('conflict', 'idempotency key in use', 'idempotencyKey');
    return replay;
  }

  private async findByIdempotencyKey(key: string, requestHash: string): Promise<ReportTaken | null> {
    const row = await this.db
      .selectFrom('reports')
      .select(['receipt', 'status', 'request_hash'])
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (!row) return null;
    if (row.request_hash !== requestHash) {
      throw new ServiceError('conflict', 'this idempotency key was used for a different report', 'idempotencyKey');
    }
    return {
      receipt: row.receipt,
      status: row.status as ReportStatus,
      editToken: this.editTokenFor(row.receipt),
      replayed: true,
    };
  }

  async status(receipt: string): Promise<ReportStatusView> {
    const row = await this.row(receipt);
    return publicStatus(row, await complaintProgress(this.db, row));
  }

  async amend(receipt: string, editToken: string, amendment: ReportAmendment): Promise<ReportStatusView> {
    const row = await this.row(receipt);
    if (!this.verifyEditToken(receipt, editToken)) {
      throw new ServiceError('forbidden', 'wrong edit token for this report');
    }
    if (row.status !== 'received' && row.status !== 'under-review') {
      throw new ServiceError('conflict', `the report is already ${row.status} and can no longer change`);
    }
    // Erased text (withdrawn, or past the retention period) never comes back through an amendment.
    if (row.erased_at !== null) throw new ServiceError('conflict', 'the report was erased and can no longer change');
    const updated = await this.db
      .updateTable('reports')
      .set({
        ...(amendment.reason ? { reason: amendment.reason } : {}),
        ...(amendment.details !== undefined ? { details: amendment.details || null } : {}),
        updated_at: this.clock(),
      })
      .where('receipt', '=', receipt)
      .where('status', 'in', ['received', 'under-review'])
      .where('erased_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new ServiceError('conflict', 'the report was decided meanwhile and can no longer change');
    return publicStatus(updated, null);
  }

  private async row(receipt: string): Promise<ReportRow> {
    const row = await this.db.selectFrom('reports').selectAll().where('receipt', '=', receipt).executeTakeFirst();
    if (!row) throw new ServiceError('not-found', 'no report with this receipt');
    return row;
  }
}

/** The complaint a report became, as its shopper reads it; null before it is accepted. */
export async function complaintProgress(db: Kysely<Database>, report: ReportRow): Promise<ComplaintProgress | null> {
  if (report.complaint_id === null) return null;
  const complaint = await db
    .selectFrom('complaints')
    .selectAll()
    .where('id', '=', report.complaint_id)
    .executeTakeFirst();
  if (!complaint) return null;
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  const closed = complaint.status !== 'open';
  return {
    id: complaint.id,
    stage: complaint.stage,
    merchantListed: complaint.merchant_id !== null,
    sentAt: iso(complaint.sent_at),
    readAt: iso(complaint.read_at),
    answeredAt: iso(complaint.answered_at),
    answer: complaint.answer_kind === null ? null : { kind: complaint.answer_kind, text: complaint.answer_text ?? '' },
    closedAt: closed ? iso(complaint.resolved_at) : null,
    outcome: closed ? (complaint.status as ComplaintOutcome) : null,
    rating: report.rating,
  };
}

export function publicStatus(row: ReportRow, complaint: ComplaintProgress | null): ReportStatusView {
  return {
    receipt: row.receipt,
    status: row.status as ReportStatus,
    reason: row.reason as ReportReason,
    domain: row.domain,
    publicReason: row.public_reason,
    receivedAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    complaint,
  };
}

/**
 * 128 random bits in base64url that never start with `-` or `_`: a receipt is pasted after
 * `thiqa reports accept`, where a leading `-` reads as an option (one receipt in 32 did, and
 * the whole-loop test met one). Drawing again keeps every bit random.
 */
export function newReceipt(): string {
  for (;;) {
    const receipt = randomBytes(16).toString('base64url');
    if (/^[A-Za-z0-9]/.test(receipt)) return receipt;
  }
}
