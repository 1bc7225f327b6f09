import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

// The registry's tables as Kysely sees them. Dates without time are ISO text
// (`YYYY-MM-DD`) so that no driver turns them into a local-time Date.

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string, Date | string>;

export interface MerchantsTable {
  id: string;
  ice: string;
  /** The merchant as published, without complaint counts (those come from complaints). */
  record: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** When the record's status last changed; null for merchants imported before it was kept. */
  status_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface MerchantDomainsTable {
  domain: string;
  merchant_id: string;
}

export interface FlaggedDomainsTable {
  domain: string;
  reason: string;
  since: string;
  summary: string;
  flagged_by: string;
  flagged_at: UpdatedAt;
}

export interface ReportsTable {
  receipt: string;
  idempotency_key: string;
  /** SHA-256 of the canonical request, to refuse a reused key with another body. */
  request_hash: string;
  domain: string;
  url: string;
  reason: string;
  details: string | null;
  contact: string | null;
  lang: string | null;
  client_version: string | null;
  status: string;
  public_reason: string | null;
  complaint_id: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ComplaintsTable {
  id: Generated<number>;
  domain: string;
  category: string;
  status: string;
  report_receipt: string | null;
  opened_at: UpdatedAt;
  opened_by: string;
  resolved_at: Date | string | null;
  resolved_by: string | null;
  note: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: UpdatedAt;
  actor: string;
  action: string;
  subject: string;
  detail: ColumnType<unknown, string, never>;
}

export interface PublicationsTable {
  version: number;
  published_at: UpdatedAt;
  digest: string;
  /** Canonical JSON of the published snapshot, kept to build deltas from it. */
  snapshot: string;
  manifest: string;
}

export interface ServiceSecretsTable {
  name: string;
  value: string;
}

export interface Database {
  merchants: MerchantsTable;
  merchant_domains: MerchantDomainsTable;
  flagged_domains: FlaggedDomainsTable;
  reports: ReportsTable;
  complaints: ComplaintsTable;
  audit_log: AuditLogTable;
  publications: PublicationsTable;
  service_secrets: ServiceSecretsTable;
}

export type ReportRow = Selectable<ReportsTable>;
export type ComplaintRow = Selectable<ComplaintsTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
