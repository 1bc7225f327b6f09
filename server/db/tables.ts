import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type {
  ComplaintOutcome,
  ComplaintStage,
  MerchantAnswerKind,
  ReporterRating,
} from '../../src/directory/report-contract.ts';

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
  /** The number the row took when last written (merchants_changes; set by a trigger, never by the code). */
  change: ColumnType<string, never, never>;
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
  /** The shopper agreed that the merchant may read the details and the contact. */
  share_with_merchant: ColumnType<boolean, boolean | undefined, boolean>;
  /** When a moderator accepted, rejected or joined it to a complaint. */
  decided_at: Date | string | null;
  /** The shopper's rating of the merchant's answer. */
  rating: ReporterRating | null;
  rated_at: Date | string | null;
  withdrawn_at: Date | string | null;
  /** When its personal text was erased (withdrawal or the retention period). */
  erased_at: Date | string | null;
}

/** Open, or how it was closed (`ComplaintOutcome`). */
export type ComplaintStatus = 'open' | ComplaintOutcome;

export interface ComplaintsTable {
  id: Generated<number>;
  domain: string;
  category: string;
  status: string;
  report_receipt: string | null;
  opened_at: UpdatedAt;
  opened_by: string;
  /** When and by whom it was closed, whatever the outcome (`status`). */
  resolved_at: Date | string | null;
  resolved_by: string | null;
  /** The staff's note on closing. */
  note: string | null;
  /** The listed merchant holding the domain when the complaint was opened. */
  merchant_id: ColumnType<string | null, string | null | undefined, string | null>;
  stage: ColumnType<ComplaintStage, ComplaintStage | undefined, ComplaintStage>;
  /** What the moderator wrote for the merchant: the complaint without the shopper's personal data. */
  merchant_summary: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  read_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reminders: ColumnType<number, number | undefined, number>;
  last_reminded_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  answered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  answer_kind: ColumnType<MerchantAnswerKind | null, MerchantAnswerKind | null | undefined, MerchantAnswerKind | null>;
  /** The merchant's answer, which the shopper reads. */
  answer_text: ColumnType<string | null, string | null | undefined, string | null>;
  /** The merchant's note for the staff only. */
  answer_staff_note: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface MerchantLinksTable {
  /** SHA-256 of the link's token. */
  token_hash: string;
  merchant_id: string;
  /** The complaint the link was mailed for (it opens on it). */
  complaint_id: number | null;
  created_at: UpdatedAt;
  expires_at: UpdatedAt;
  used_at: Date | string | null;
}

export interface MerchantSessionsTable {
  token_hash: string;
  merchant_id: string;
  created_at: UpdatedAt;
  last_seen_at: UpdatedAt;
  expires_at: UpdatedAt;
  revoked_at: Date | string | null;
}

export interface MerchantAccountsTable {
  merchant_id: string;
  /** Lower-cased. */
  email: string;
  password_hash: string;
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  locked_until: Date | string | null;
  created_at: UpdatedAt;
  updated_at: UpdatedAt;
}

export type ContestKind = 'flag' | 'complaint';
export type ContestStatus = 'received' | 'upheld' | 'dismissed';

export interface ContestsTable {
  receipt: string;
  kind: ContestKind;
  domain: string;
  complaint_id: number | null;
  merchant_id: string | null;
  name: string;
  email: string;
  reason: string;
  lang: string;
  /** The token the contester serves on the domain to show they hold it. */
  proof_token: string;
  proof_checked_at: Date | string | null;
  status: ContestStatus;
  /** The moderator's decision as published. */
  public_outcome: string | null;
  decided_by: string | null;
  decided_at: Date | string | null;
  created_at: UpdatedAt;
  idempotency_key: ColumnType<string | null, string | null | undefined, never>;
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
  /**
   * The published snapshot, kept to build deltas from it: in the row itself (rows written
   * before migration 0007), or in `stored_parts` under `snapshot_parts` (server/db/stored-parts.ts);
   * neither once the version is older than any delta or repair starts from (migration 0009).
   */
  snapshot: string | null;
  snapshot_parts: string | null;
  manifest: string;
}

/** The open data released with a publication (server/opendata/). */
export interface OpenDataReleasesTable {
  version: number;
  published_at: UpdatedAt;
  /**
   * JSON of the release as served (open-data.json), validated by openDataReleaseSchema: in
   * the row itself (before migration 0007), or in `stored_parts` under `release_parts`.
   */
  release: string | null;
  release_parts: string | null;
}

/** Parts of a large text a publication keeps (server/db/stored-parts.ts). */
export interface StoredPartsTable {
  owner: string;
  seq: number;
  chunk: string;
}

/** An import decided and not yet wholly moved from its staging table (import-move.ts). */
export interface ImportMovesTable {
  staging_table: string;
  imported_at: ColumnType<Date, Date | string, never>;
  /** The last merchant id moved: the move goes on after it, in id order. */
  moved_through: ColumnType<string, string | undefined, string>;
}

/** The file a publish last kept the merchants' records in (publish-record-cache.ts): one row at most. */
export interface PublishRecordCacheTable {
  only_row: ColumnType<boolean, boolean | undefined, never>;
  /** merchants_changes' last value when the records were read: the file holds every merchant as of it. */
  change: string;
  /** merchant_removals' last value then: any removal since makes the file unusable. */
  removals: string;
  records: number;
  bytes: string;
  sha256: string;
}

export interface ServiceSecretsTable {
  name: string;
  value: string;
}

export type StaffRole = 'admin' | 'moderator' | 'verifier';

export interface StaffTable {
  id: Generated<number>;
  /** Lower-cased; the sign-in name. */
  email: string;
  name: string;
  role: StaffRole;
  /** argon2id (PHC string); null until the set-up link is used. */
  password_hash: string | null;
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  locked_until: Date | string | null;
  disabled_at: Date | string | null;
  created_at: UpdatedAt;
  created_by: string;
}

export interface StaffSetupLinksTable {
  /** SHA-256 of the link's token: the token itself is only in the link. */
  token_hash: string;
  staff_id: number;
  created_at: UpdatedAt;
  expires_at: UpdatedAt;
  used_at: Date | string | null;
}

export interface StaffSessionsTable {
  /** SHA-256 of the cookie's token. */
  token_hash: string;
  staff_id: number;
  created_at: UpdatedAt;
  last_seen_at: UpdatedAt;
  /** The absolute end; the idle end is last_seen_at plus the idle period. */
  expires_at: UpdatedAt;
  revoked_at: Date | string | null;
}

export type ApplicationStatus = 'received' | 'in-review' | 'approved' | 'refused';

export interface ApplicationsTable {
  receipt: string;
  status: ApplicationStatus;
  lang: string;
  legal_name: string;
  trade_name: string;
  ice: string;
  rc_number: string;
  rc_court: string;
  address: string;
  city: string;
  phone: string;
  email: string;
  domains: ColumnType<unknown, string, string>;
  social: ColumnType<unknown, string, string>;
  /** The token the applicant serves on each domain to prove control of it. */
  proof_token: string;
  /** Per domain: the last automatic proof check. */
  domain_checks: ColumnType<unknown, string | undefined, string>;
  /** Commercial register checked: court, number, who, when. */
  register_check: ColumnType<unknown, string | null | undefined, string | null>;
  /** Phone call made: number, who, when, outcome. */
  phone_check: ColumnType<unknown, string | null | undefined, string | null>;
  refused_reason: string | null;
  decided_by: string | null;
  decided_at: Date | string | null;
  merchant_id: string | null;
  created_at: UpdatedAt;
  updated_at: UpdatedAt;
  /** The form's key: a second send of the same form finds the first application (null for rows made otherwise). */
  idempotency_key: ColumnType<string | null, string | null | undefined, never>;
  /** SHA-256 of the canonical application, to refuse a reused key with other answers. */
  request_hash: ColumnType<string | null, string | null | undefined, never>;
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
  staff: StaffTable;
  staff_setup_links: StaffSetupLinksTable;
  staff_sessions: StaffSessionsTable;
  applications: ApplicationsTable;
  merchant_links: MerchantLinksTable;
  merchant_sessions: MerchantSessionsTable;
  merchant_accounts: MerchantAccountsTable;
  contests: ContestsTable;
  open_data_releases: OpenDataReleasesTable;
  stored_parts: StoredPartsTable;
  import_moves: ImportMovesTable;
  publish_record_cache: PublishRecordCacheTable;
}

export type ReportRow = Selectable<ReportsTable>;
export type ComplaintRow = Selectable<ComplaintsTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
export type StaffRow = Selectable<StaffTable>;
export type ApplicationRow = Selectable<ApplicationsTable>;
export type ContestRow = Selectable<ContestsTable>;
