import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { ReportDesk } from '../reports/report-desk.ts';
import type { Moderation } from '../reports/report-moderation.ts';

/** What every route of the service is built from; tests build it on a fresh database. */
export interface ServiceContext {
  db: Kysely<Database>;
  dataDir: string;
  adminToken: string | undefined;
  clock: () => Date;
  reports: ReportDesk;
  moderation: Moderation;
}
