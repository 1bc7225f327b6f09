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
};

export const registryMigrations: MigrationProvider = {
  getMigrations: async () => migrations,
};
