import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { z } from 'zod';
import { canonicalJson } from '../../src/directory/bytes.ts';
import { reportReasonSchema } from '../../src/directory/schemas.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { checkTextPolicy, multilineText, personText } from '../../src/directory/text-policy.ts';
import type { Database, ReportRow, ReportsTable } from '../db/tables.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';
import { ServiceError } from '../http/service-error.ts';

// What a shopper sends when they report a shop, and what they can later ask about it.

export const reportStatusSchema = z.enum(['received', 'under-review', 'accepted', 'rejected']);
export type ReportStatus = z.infer<typeof reportStatusSchema>;

const MAX_URL_LENGTH = 2048;

/**
 * A URL keeps its own shape (no trimming; `url` is checked as a shop address below), but
 * the text policy still holds: a moderator reads it, and a raw ESC or RLO in a bare
 * `shop.ma/path` would be kept as typed. U+0000, which PostgreSQL's `text` refuses (and
 * with it the whole batched INSERT), is one of the characters the policy refuses.
 */
const reportedUrlText = z.string().min(1).max(MAX_URL_LENGTH).superRefine(checkTextPolicy('line'));

export const reportRequestSchema = z
  .strictObject({
    url: reportedUrlText,
    reason: reportReasonSchema,
    // Free text over several lines, read by moderators.
    details: multilineText(2000).optional(),
    // An empty contact (a form field left blank) means none; a phone number or an address is one line.
    contact: personText(200).optional(),
    consent: z.boolean().optional(),
    idempotencyKey: z.uuid(),
    lang: z.enum(['ar', 'fr', 'en']).optional(),
    clientVersion: z
      .string()
      .regex(/^[0-9A-Za-z.+-]{1,32}$/, { message: 'must be a version like 1.2.0' })
      .optional(),
  })
  .superRefine((report, ctx) => {
    if (report.contact && report.contact.length < 3) {
      ctx.addIssue({ code: 'custom', path: ['contact'], message: 'too short to reach anyone' });
    }
    if (report.contact && report.consent !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['contact'],
        message: 'contact details are kept only with consent: true',
      });
    }
    const identity = resolveShopIdentity(report.url, SERVICE_PLATFORMS);
    if (!identity.ok) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `not the address of a shop (${identity.cause})` });
    }
  });
export type ReportRequest = z.infer<typeof reportRequestSchema>;

export const reportAmendmentSchema = z
  .strictObject({
    reason: reportReasonSchema.optional(),
    details: multilineText(2000).optional(),
  })
  .refine((amendment) => amendment.reason !== undefined || amendment.details !== undefined, {
    message: 'give reason, details or both',
  });
export type ReportAmendment = z.infer<typeof reportAmendmentSchema>;

export const receiptSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, { message: 'not a report receipt' });

export interface ReportCreated {
  receipt: string;
  status: ReportStatus;
  /** The shopper's secret to amend the report (PATCH with `Authorization: Bearer`). */
  editToken: string;
  /** True when the idempotency key had already been used with the same report. */
  replayed: boolean;
}

export interface PublicReportStatus {
  receipt: string;
  status: ReportStatus;
  reason: string;
  domain: string;
  /** Why a moderator rejected the report, in words meant for the shopper. */
  publicReason: string | null;
  receivedAt: string;
  updatedAt: string;
}

/** The URL as kept: scheme, host and path only; query and fragment are dropped. */
export function reportedUrl(input: string, host: string): string {
  try {
    const url = new URL(input);
    if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.origin}${url.pathname}`;
  } catch {
    // A bare host name such as `shop.ma/cart` has no scheme.
  }
  const path = /^[^/?#]*(\/[^?#]*)?/.exec(input.replace(/^\/\//, ''))?.[1] ?? '/';
  return `http://${host}${path}`;
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

  private checkEditToken(receipt: string, token: string): boolean {
    const expected = Buffer.from(this.editTokenFor(receipt));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async submit(request: ReportRequest): Promise<ReportCreated> {
    const requestHash = createHash('sha256').update(canonicalJson(request)).digest('hex');
    const identity = resolveShopIdentity(request.url, SERVICE_PLATFORMS);
    if (!identity.ok) throw new ServiceError('invalid', 'not the address of a shop', 'url');
    const receipt = randomBytes(16).toString('base64url');
    const now = this.clock();
    // Insert first: a new key (the usual case) costs one statement; a replayed key
    // inserts nothing and is then looked up.
    const inserted = await this.inserts.insert({
      receipt,
      idempotency_key: request.idempotencyKey,
      request_hash: requestHash,
      domain: identity.identity.domain,
      url: reportedUrl(request.url, identity.identity.host),
      reason: request.reason,
      details: request.details || null,
      contact: request.consent === true ? (request.contact ?? null) : null,
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

  private async findByIdempotencyKey(key: string, requestHash: string): Promise<ReportCreated | null> {
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

  async status(receipt: string): Promise<PublicReportStatus> {
    return publicStatus(await this.row(receipt));
  }

  async amend(receipt: string, editToken: string, amendment: ReportAmendment): Promise<PublicReportStatus> {
    const row = await this.row(receipt);
    if (!this.checkEditToken(receipt, editToken)) {
      throw new ServiceError('forbidden', 'wrong edit token for this report');
    }
    if (row.status !== 'received' && row.status !== 'under-review') {
      throw new ServiceError('conflict', `the report is already ${row.status} and can no longer change`);
    }
    const updated = await this.db
      .updateTable('reports')
      .set({
        ...(amendment.reason ? { reason: amendment.reason } : {}),
        ...(amendment.details !== undefined ? { details: amendment.details || null } : {}),
        updated_at: this.clock(),
      })
      .where('receipt', '=', receipt)
      .where('status', 'in', ['received', 'under-review'])
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new ServiceError('conflict', 'the report was decided meanwhile and can no longer change');
    return publicStatus(updated);
  }

  private async row(receipt: string): Promise<ReportRow> {
    const row = await this.db.selectFrom('reports').selectAll().where('receipt', '=', receipt).executeTakeFirst();
    if (!row) throw new ServiceError('not-found', 'no report with this receipt');
    return row;
  }
}

function publicStatus(row: ReportRow): PublicReportStatus {
  return {
    receipt: row.receipt,
    status: row.status as ReportStatus,
    reason: row.reason,
    domain: row.domain,
    publicReason: row.public_reason,
    receivedAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
