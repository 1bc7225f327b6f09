import { randomBytes } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { type DomainProof, DomainProofChecker, type ProofTestHosts } from './applications/domain-proof.ts';
import { adminComplaintsApp } from './complaints/admin-complaint-routes.ts';
import { ComplaintBook } from './complaints/complaint-book.ts';
import { forwardComplaint } from './complaints/complaint-lifecycle.ts';
import {
  DEFAULT_LIFECYCLE_POLICY,
  type LifecyclePolicy,
  lifecyclePolicySchema,
} from './complaints/lifecycle-policy.ts';
import type { MerchantNotices } from './complaints/merchant-notices.ts';
import { consoleApp } from './console/console-app.tsx';
import type { Database } from './db/tables.ts';
import { adminPublicationsApp } from './directory/admin-publication-routes.ts';
import { directoryFilesApp } from './directory/directory-file-routes.ts';
import { publicDirectoryDir } from './directory/publisher.ts';
import { adminFlagsApp } from './flags/admin-flag-routes.ts';
import { FlaggedDomains } from './flags/flagged-domains.ts';
import { adminAuth } from './http/admin-auth.ts';
import { ClientRateLimiter, DEFAULT_REPORT_RATE_LIMIT, type RateLimitPolicy } from './http/client-rate-limit.ts';
import { errorToProblem, problem, validationHook } from './http/problem.ts';
import type { ServiceContext } from './http/service-context.ts';
import type { SharedRateLimitStore } from './http/shared-rate-limit-store.ts';
import { DEFAULT_MAIL_SENDER } from './mail/configured-mailer.ts';
import { FolderMailer, mailFolder } from './mail/folder-mailer.ts';
import type { Mailer } from './mail/mailer.ts';
import { adminMerchantsApp } from './merchants/admin-merchant-routes.ts';
import { merchantDeskApp } from './merchants/desk/desk-app.tsx';
import { MerchantDesk } from './merchants/desk/merchant-desk.ts';
import { openDataApp } from './opendata/open-data-routes.ts';
import { errorPage, isApiPath, notFoundPage, portalApp } from './portal/portal-app.tsx';
import type { PortalSettings } from './portal/portal-settings.ts';
import { PublishedDirectory } from './portal/published-directory.ts';
import { adminReportsApp } from './reports/admin-report-routes.ts';
import { ReportDesk } from './reports/report-desk.ts';
import { ReportQueue } from './reports/report-queue.ts';
import { reportsApp } from './reports/report-routes.ts';
import { StaffSessions } from './staff/staff-sessions.ts';

// The whole HTTP service as one Hono app, built from its dependencies so that the
// server and the tests (through app.request()) run the very same thing.

export interface AppOptions {
  db: Kysely<Database>;
  dataDir: string;
  adminToken: string | undefined;
  clock?: () => Date;
  reportRateLimit?: RateLimitPolicy;
  /** Sign-in attempts per client address (each account also locks after repeated failures). */
  signInRateLimit?: RateLimitPolicy;
  /**
   * The origin of links in mail when `portal.publicOrigin` (THIQA_PUBLIC_URL) is not set:
   * `thiqa serve` gives `http://localhost:<port>`.
   */
  linkOrigin?: string;
  /** Where mail goes; files under `<dataDir>/mail/` unless given. */
  mailer?: Mailer;
  /** How applicants' domain proofs are fetched; the real checker over HTTPS unless given. */
  domainProof?: DomainProof;
  /**
   * TEST ONLY: shop names the proof checker fetches from a loopback server over plain HTTP
   * (`{ 'atlas-electro.test': 'http://127.0.0.1:<port>' }`), skipping its address checks.
   * Never read from the environment; `thiqa serve` cannot set it.
   */
  proofTestHosts?: ProofTestHosts;
  /** The publisher's name and contact and the extension's store pages, as the portal shows them. */
  portal?: PortalSettings;
  /** Deadlines and retention; the defaults (DEFAULT_LIFECYCLE_POLICY) where not given. */
  policy?: Partial<LifecyclePolicy>;
  /** TEST ONLY: replaces the merchant's desk mailer (e.g. a recording one). */
  merchantNotices?: MerchantNotices;
  /**
   * Report and sign-in limits counted in the database, shared by every instance on it
   * (`thiqa serve` on PostgreSQL); in this process's memory when not given.
   */
  sharedRateLimits?: SharedRateLimitStore;
}

/** A secret that survives restarts, created on first use (the edit-token key, the forms' token key). */
export async function serviceSecret(db: Kysely<Database>, name: string): Promise<Buffer> {
  await db
    .insertInto('service_secrets')
    .values({ name, value: randomBytes(32).toString('base64') })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('service_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}

/** Sign-in attempts per client address: enough for a team behind one office address. */
export const DEFAULT_SIGN_IN_RATE_LIMIT: RateLimitPolicy = { max: 30, windowMs: 15 * 60_000 };

export async function createApp(options: AppOptions) {
  const clock = options.clock ?? (() => new Date());
  const linkOrigin = options.portal?.publicOrigin ?? options.linkOrigin ?? 'http://localhost';
  const mailer = options.mailer ?? new FolderMailer(mailFolder(options.dataDir), DEFAULT_MAIL_SENDER, clock);
  const policy = lifecyclePolicySchema.parse({ ...DEFAULT_LIFECYCLE_POLICY, ...options.policy });
  // The merchant's desk: one-time links and their mail, and the merchants' pages.
  const desk = new MerchantDesk({ db: options.db, clock, mailer, linkOrigin, policy });
  const context: ServiceContext = {
    db: options.db,
    dataDir: options.dataDir,
    adminToken: options.adminToken,
    clock,
    reports: new ReportDesk(options.db, await serviceSecret(options.db, 'report-edit-token'), clock),
    // Called after an acceptance commits, when the context below is complete.
    reportQueue: new ReportQueue(options.db, clock, (complaintId) => forwardComplaint(context, complaintId)),
    complaints: new ComplaintBook(options.db, clock),
    flags: new FlaggedDomains(options.db, clock),
    published: new PublishedDirectory(publicDirectoryDir(options.dataDir), (error) =>
      console.error(`portal: cannot read the published directory: ${(error as Error).message}`),
    ),
    linkOrigin,
    mailer,
    domainProof:
      options.domainProof ??
      new DomainProofChecker({ clock, ...(options.proofTestHosts ? { testOnlyHosts: options.proofTestHosts } : {}) }),
    policy,
    merchantNotices: options.merchantNotices ?? desk,
  };
  const limiterFor = (scope: string, policy: RateLimitPolicy) =>
    new ClientRateLimiter(
      policy,
      clock,
      options.sharedRateLimits ? { store: options.sharedRateLimits, scope } : undefined,
    );
  const limiter = limiterFor('reports', options.reportRateLimit ?? DEFAULT_REPORT_RATE_LIMIT);

  const app = new OpenAPIHono({ defaultHook: validationHook });
  // The API answers problem+json; the portal's pages answer pages.
  app.onError((error, c) => {
    if (isApiPath(c.req.path)) return errorToProblem(error, c);
    console.error(error);
    return errorPage(c);
  });
  app.notFound((c) =>
    isApiPath(c.req.path) ? problem(c, 404, `no route for ${c.req.method} ${c.req.path}`) : notFoundPage(c),
  );

  app.get('/healthz', async (c) => {
    await context.db.selectFrom('publications').select('version').limit(1).execute();
    return c.json({ ok: true });
  });
  app.route('/v1/directory', directoryFilesApp(context));
  app.route('/v1/open-data', openDataApp(context));
  app.route('/v1/reports', reportsApp(context, limiter));

  const admin = new OpenAPIHono({ defaultHook: validationHook });
  admin.use('*', adminAuth(options.adminToken));
  admin.route('/reports', adminReportsApp(context));
  admin.route('/complaints', adminComplaintsApp(context));
  admin.route('/flags', adminFlagsApp(context));
  admin.route('/merchants', adminMerchantsApp(context));
  admin.route('/', adminPublicationsApp(context));
  app.route('/v1/admin', admin);

  const formSecret = await serviceSecret(options.db, 'portal-form-token');
  // The console before the portal: its pages keep their own headers and sessions.
  app.route(
    '/admin',
    consoleApp({
      context,
      sessions: new StaffSessions(options.db, clock),
      formSecret,
      publicOrigin: options.portal?.publicOrigin,
      signInLimiter: limiterFor('staff-sign-in', options.signInRateLimit ?? DEFAULT_SIGN_IN_RATE_LIMIT),
    }),
  );
  // The merchant's desk before the portal too: its own sessions, no-store on every page.
  app.route(
    '/merchant',
    merchantDeskApp({
      context,
      desk,
      formSecret,
      publicOrigin: options.portal?.publicOrigin,
      signInLimiter: limiterFor('merchant-sign-in', options.signInRateLimit ?? DEFAULT_SIGN_IN_RATE_LIMIT),
    }),
  );
  app.route('/', portalApp({ context, limiter, formSecret, settings: options.portal ?? {} }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'editToken', { type: 'http', scheme: 'bearer' });
  app.doc31('/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Thiqa directory service',
      version: '1',
      description:
        'Signed directory files, shoppers’ reports, and the moderators’ admin API (/v1/admin/*, bearer adminToken).',
    },
  });
  // The context travels with the app: the service runner's jobs and the tests reach the
  // same desks the routes use.
  return Object.assign(app, { context });
}

export type ThiqaApp = Awaited<ReturnType<typeof createApp>>;
