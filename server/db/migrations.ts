import { type Kysely, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

// The registry schema, applied by Kysely's Migrator on PGlite and on PostgreSQL alike.
// Migrations live in code (not files found at run time) so the CLI works from any
// working directory; add a new entry for every change, never edit an applied one.

const migrations: Record<string, Migration> = {
  '2026-11-27-0001-registry': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table merchants (
          id text primary key,
          ice text not null unique,
          record jsonb not null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null
        )`.execute(db);
      await sql`
        create table merchant_domains (
          domain text primary key,
          merchant_id text not null references merchants (id) on delete cascade
        )`.execute(db);
      await sql`create index merchant_domains_merchant on merchant_domains (merchant_id)`.execute(db);
      await sql`
        create table flagged_domains (
          domain text primary key,
          reason text not null,
          since text not null,
          summary text not null,
          flagged_by text not null,
          flagged_at timestamptz not null
        )`.execute(db);
      await sql`
        create table complaints (
          id integer generated always as identity primary key,
          domain text not null,
          category text not null,
          status text not null check (status in ('open', 'resolved')),
          report_receipt text,
          opened_at timestamptz not null,
          opened_by text not null,
          resolved_at timestamptz,
          resolved_by text,
          note text
        )`.execute(db);
      await sql`create index complaints_domain on complaints (domain)`.execute(db);
      await sql`
        create table reports (
          receipt text primary key,
          idempotency_key uuid not null unique,
          request_hash text not null,
          domain text not null,
          url text not null,
          reason text not null,
          details text,
          contact text,
          lang text,
          client_version text,
          status text not null check (status in ('received', 'under-review', 'accepted', 'rejected')),
          public_reason text,
          complaint_id integer references complaints (id),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null
        )`.execute(db);
      await sql`create index reports_status_created on reports (status, created_at)`.execute(db);
      await sql`
        create table audit_log (
          id bigint generated always as identity primary key,
          at timestamptz not null,
          actor text not null,
          action text not null,
          subject text not null,
          detail jsonb not null
        )`.execute(db);
      await sql`
        create table publications (
          version integer primary key,
          published_at timestamptz not null,
          digest text not null,
          snapshot text not null,
          manifest text not null
        )`.execute(db);
      await sql`
        create table service_secrets (
          name text primary key,
          value text not null
        )`.execute(db);
    },
  },
  // When a merchant's status last changed, for the certificate page ("revoked on …"). The
  // directory files do not carry it (their schema is frozen for the extensions already out);
  // merchants imported before this migration have none, and the page says it is not recorded.
  '2026-11-29-0002-merchant-status-since': {
    async up(db: Kysely<unknown>) {
      await sql`alter table merchants add column status_since timestamptz`.execute(db);
    },
  },
  // The staff console (server/console/) and merchants' applications (server/applications/):
  // staff accounts with argon2 password hashes, one-time set-up links and server-side
  // sessions (only hashes of their tokens are kept), and applications with their
  // verifier's checklist.
  '2026-11-30-0001-staff-console': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table staff (
          id integer generated always as identity primary key,
          email text not null unique,
          name text not null,
          role text not null check (role in ('admin', 'moderator', 'verifier')),
          password_hash text,
          failed_sign_ins integer not null default 0,
          locked_until timestamptz,
          disabled_at timestamptz,
          created_at timestamptz not null,
          created_by text not null
        )`.execute(db);
      await sql`
        create table staff_setup_links (
          token_hash text primary key,
          staff_id integer not null references staff (id) on delete cascade,
          created_at timestamptz not null,
          expires_at timestamptz not null,
          used_at timestamptz
        )`.execute(db);
      await sql`
        create table staff_sessions (
          token_hash text primary key,
          staff_id integer not null references staff (id) on delete cascade,
          created_at timestamptz not null,
          last_seen_at timestamptz not null,
          expires_at timestamptz not null,
          revoked_at timestamptz
        )`.execute(db);
      await sql`create index staff_sessions_staff on staff_sessions (staff_id)`.execute(db);
      await sql`
        create table applications (
          receipt text primary key,
          status text not null check (status in ('received', 'in-review', 'approved', 'refused')),
          lang text not null,
          legal_name text not null,
          trade_name text not null,
          ice text not null,
          rc_number text not null,
          rc_court text not null,
          address text not null,
          city text not null,
          phone text not null,
          email text not null,
          domains jsonb not null,
          social jsonb not null,
          proof_token text not null,
          domain_checks jsonb not null default '{}',
          register_check jsonb,
          phone_check jsonb,
          refused_reason text,
          decided_by text,
          decided_at timestamptz,
          merchant_id text,
          created_at timestamptz not null,
          updated_at timestamptz not null
        )`.execute(db);
      await sql`create index applications_status_created on applications (status, created_at)`.execute(db);
      await sql`create index audit_log_actor on audit_log (actor, id)`.execute(db);
      await sql`create index audit_log_subject on audit_log (subject, id)`.execute(db);
    },
  },
  // Helper "apply": a double submit of the /apply form stores one application.
  '2026-11-30-0002-apply-application-idempotency': {
    async up(db: Kysely<unknown>) {
      await sql`alter table applications add column idempotency_key text, add column request_hash text`.execute(db);
      await sql`create unique index applications_idempotency_key on applications (idempotency_key)`.execute(db);
    },
  },
  // Issue 13: complaints that merchants answer. A complaint keeps its outcome in `status`
  // (open, then resolved, unanswered or unfounded) and its progress with the merchant in
  // `stage`; merchants reach their complaints through one-time links, sessions or an
  // account; anyone holding a flagged or complained-about domain may contest it.
  '2026-11-30-0003-complaint-lifecycle': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table complaints
          add column merchant_id text,
          add column stage text not null default 'accepted'
            check (stage in ('accepted', 'sent', 'read', 'answered', 'closed')),
          add column merchant_summary text,
          add column sent_at timestamptz,
          add column read_at timestamptz,
          add column reminders integer not null default 0,
          add column last_reminded_at timestamptz,
          add column answered_at timestamptz,
          add column answer_kind text check (answer_kind in ('will-act', 'disputes', 'not-ours')),
          add column answer_text text,
          add column answer_staff_note text`.execute(db);
      // The outcomes a complaint closes with, and the withdrawn report, which the first checks did not know.
      await sql`
        alter table complaints
          drop constraint if exists complaints_status_check,
          add constraint complaints_status_check
            check (status in ('open', 'resolved', 'unanswered', 'unfounded'))`.execute(db);
      await sql`update complaints set stage = 'closed' where status <> 'open'`.execute(db);
      await sql`
        alter table reports
          drop constraint if exists reports_status_check,
          add constraint reports_status_check
            check (status in ('received', 'under-review', 'accepted', 'rejected', 'withdrawn'))`.execute(db);
      await sql`create index complaints_merchant on complaints (merchant_id, id)`.execute(db);
      await sql`create index complaints_stage on complaints (stage, id)`.execute(db);
      await sql`
        alter table reports
          add column share_with_merchant boolean not null default false,
          add column decided_at timestamptz,
          add column rating text check (rating in ('satisfied', 'neutral', 'not-satisfied')),
          add column rated_at timestamptz,
          add column withdrawn_at timestamptz,
          add column erased_at timestamptz`.execute(db);
      await sql`create index reports_complaint on reports (complaint_id)`.execute(db);
      await sql`
        create table merchant_links (
          token_hash text primary key,
          merchant_id text not null,
          complaint_id integer,
          created_at timestamptz not null,
          expires_at timestamptz not null,
          used_at timestamptz
        )`.execute(db);
      await sql`
        create table merchant_sessions (
          token_hash text primary key,
          merchant_id text not null,
          created_at timestamptz not null,
          last_seen_at timestamptz not null,
          expires_at timestamptz not null,
          revoked_at timestamptz
        )`.execute(db);
      await sql`
        create table merchant_accounts (
          merchant_id text primary key,
          email text not null unique,
          password_hash text not null,
          failed_sign_ins integer not null default 0,
          locked_until timestamptz,
          created_at timestamptz not null,
          updated_at timestamptz not null
        )`.execute(db);
      await sql`
        create table contests (
          receipt text primary key,
          kind text not null check (kind in ('flag', 'complaint')),
          domain text not null,
          complaint_id integer,
          merchant_id text,
          name text not null,
          email text not null,
          reason text not null,
          lang text not null,
          proof_token text not null,
          proof_checked_at timestamptz,
          status text not null check (status in ('received', 'upheld', 'dismissed')),
          public_outcome text,
          decided_by text,
          decided_at timestamptz,
          created_at timestamptz not null,
          idempotency_key text unique
        )`.execute(db);
      await sql`create index contests_status_created on contests (status, created_at)`.execute(db);
      await sql`create index contests_domain on contests (domain)`.execute(db);
    },
  },
  // Issue 13, helper open-data: the aggregate open data released with each publication,
  // written in the publication's own transaction so that a version has its release or
  // neither exists. Only counts: nothing here is personal data.
  '2026-11-30-0004-open-data-releases': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table open_data_releases (
          version integer primary key references publications (version) on delete cascade,
          published_at timestamptz not null,
          release text not null
        )`.execute(db);
    },
  },
  // Issue 15, helper multi: rate limits shared by several `thiqa serve` on one PostgreSQL
  // (server/http/shared-rate-limit-store.ts). A key is an HMAC of the client's address
  // under the day's secret, a window start is rounded to the window: no address, no
  // request's own time. Times are milliseconds since the epoch, from the service's clock.
  '2026-11-30-0005-shared-rate-limits': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table rate_limit_windows (
          scope text not null,
          key text not null,
          window_start bigint not null,
          expires_at bigint not null,
          count integer not null,
          primary key (scope, key, window_start)
        )`.execute(db);
      await sql`create index rate_limit_windows_expires_at on rate_limit_windows (expires_at)`.execute(db);
    },
  },
  // Issue 15, helper intake: the counts skip the write-ahead log. A transaction that writes
  // only unlogged rows does not wait for the log's flush to disk, and a report's allowance
  // check no longer pays a commit of its own (3 ms of fdatasync on the development machine)
  // before the report's own. Every instance still reads the same committed counts; what is
  // lost is the table's rows after a crash of the PostgreSQL server (or on a promoted
  // replica): every client's allowance starts again, as when a single instance restarts.
  '2026-11-30-0006-rate-limit-windows-unlogged': {
    async up(db: Kysely<unknown>) {
      await sql`alter table rate_limit_windows set unlogged`.execute(db);
    },
  },
  // Issue 15: a publication's large texts (its snapshot, its open data release) written in
  // parts before its transaction, so that no single statement holds PGlite's one connection
  // for long (server/db/stored-parts.ts). A row holds its text itself (as before) or names
  // its parts, never both nor neither.
  '2026-12-01-0007-stored-parts': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table stored_parts (
          owner text not null,
          seq integer not null check (seq >= 0),
          chunk text not null,
          primary key (owner, seq)
        )`.execute(db);
      await sql`alter table publications alter column snapshot drop not null`.execute(db);
      await sql`alter table publications add column snapshot_parts text`.execute(db);
      await sql`alter table publications add constraint publications_snapshot_one_form
        check ((snapshot is null) <> (snapshot_parts is null))`.execute(db);
      await sql`alter table open_data_releases alter column release drop not null`.execute(db);
      await sql`alter table open_data_releases add column release_parts text`.execute(db);
      await sql`alter table open_data_releases add constraint open_data_releases_release_one_form
        check ((release is null) <> (release_parts is null))`.execute(db);
    },
  },
  // Issue 15: a publish on PGlite reads the merchants in pages, one statement at a time, and
  // must know whether any merchant was written meanwhile. It compared a count and the newest
  // row version of the whole table before and after: two scans of every merchant, each
  // holding PGlite's one connection (and so every report) for 200–500 ms at 100k merchants.
  // Every statement that writes merchants now takes a number from this sequence instead;
  // reading its last value is one row. A sequence takes no lock and is not rolled back: a
  // write undone still counts as a change, which only makes a publish try again.
  '2026-12-01-0008-merchants-change-sequence': {
    async up(db: Kysely<unknown>) {
      await sql`create sequence merchants_changes`.execute(db);
      await sql`select nextval('merchants_changes')`.execute(db);
      await sql`
        create function merchants_changed() returns trigger language plpgsql as $$
        begin
          perform nextval('merchants_changes');
          return null;
        end
        $$`.execute(db);
      await sql`
        create trigger merchants_changed after insert or update or delete or truncate on merchants
        for each statement execute function merchants_changed()`.execute(db);
    },
  },
  // Issue 15: every version kept its whole snapshot in the database, forever (about 8.5 MB
  // at 100k merchants, in parts): the database grew by that much with each version. Only the
  // versions a delta or a repair can still start from keep it now (snapshot-history.ts:
  // forgetOldSnapshots); an older row keeps its manifest and digest, its snapshot in neither form.
  '2026-12-01-0009-old-snapshots-forgotten': {
    async up(db: Kysely<unknown>) {
      await sql`alter table publications drop constraint publications_snapshot_one_form`.execute(db);
      await sql`alter table publications add constraint publications_snapshot_at_most_one_form
        check (snapshot is null or snapshot_parts is null)`.execute(db);
    },
  },
  // Issue 15: on PGlite an import's write moved every merchant in one transaction, and the
  // one connection answered nothing else meanwhile (8.5 s at 218,893 merchants). It now moves
  // a hundred merchants a transaction (server/merchants/import-move.ts). A row here is an
  // import decided and not yet wholly moved, with its staging table and how far it got: the
  // next opening of the registry finishes it (rolls it forward) before anything else runs.
  '2026-12-01-0010-import-moves': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table import_moves (
          staging_table text primary key,
          imported_at timestamptz not null,
          moved_through text not null default ''
        )`.execute(db);
    },
  },
  // Issue 15: a publish on PGlite read every merchant from the database again, page by page,
  // holding the service's thread (and so every report) about half of the read: 5.5 s at 100k
  // merchants. It now keeps the records it read in a file (publish-record-cache.ts) and reads
  // from the database only the merchants written since. Every row written takes a number
  // from the same sequence as the statements (so the last number is still the fingerprint);
  // a removal, which the code never makes but an operator's SQL could, counts in a sequence
  // of its own, and any change to it makes the next publish read everything. The one row of
  // `publish_record_cache` names the file the records were last kept in: its hash and size,
  // and the two numbers as of which it holds every merchant.
  '2026-12-02-0011-merchant-change-numbers': {
    async up(db: Kysely<unknown>) {
      await sql`alter table merchants add column change bigint not null default 0`.execute(db);
      await sql`create index merchants_change on merchants (change)`.execute(db);
      await sql`
        create function merchant_row_changed() returns trigger language plpgsql as $$
        begin
          new.change := nextval('merchants_changes');
          return new;
        end
        $$`.execute(db);
      await sql`
        create trigger merchant_row_changed before insert or update on merchants
        for each row execute function merchant_row_changed()`.execute(db);
      await sql`create sequence merchant_removals`.execute(db);
      await sql`select nextval('merchant_removals')`.execute(db);
      await sql`
        create function merchants_removed() returns trigger language plpgsql as $$
        begin
          perform nextval('merchant_removals');
          return null;
        end
        $$`.execute(db);
      await sql`
        create trigger merchants_removed after delete or truncate on merchants
        for each statement execute function merchants_removed()`.execute(db);
      await sql`
        create table publish_record_cache (
          only_row boolean primary key default true check (only_row),
          change bigint not null,
          removals bigint not null,
          records integer not null,
          bytes bigint not null,
          sha256 text not null
        )`.execute(db);
    },
  },
};

export const registryMigrations: MigrationProvider = {
  getMigrations: async () => migrations,
};
