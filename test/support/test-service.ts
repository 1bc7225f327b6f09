import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type ThiqaApp } from '../../server/app.ts';
import type { DomainProof, ProofTestHosts } from '../../server/applications/domain-proof.ts';
import type { LifecyclePolicy } from '../../server/complaints/lifecycle-policy.ts';
import type { MerchantNotices } from '../../server/complaints/merchant-notices.ts';
import type { Registry } from '../../server/db/database.ts';
import type { RateLimitPolicy } from '../../server/http/client-rate-limit.ts';
import type { Mailer } from '../../server/mail/mailer.ts';
import type { PortalSettings } from '../../server/portal/portal-settings.ts';
import { openTestRegistry } from './test-registry.ts';

// A running service for tests: the real app on a fresh database and a fresh data folder.

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestService {
  app: ThiqaApp;
  registry: Registry;
  dataDir: string;
  /** Moves the service's clock. */
  setNow(time: string | Date): void;
  /** The service's clock. */
  now(): Date;
  /** A JSON request as a client would send it; `from` is the peer address. */
  send(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    from?: string,
  ): Promise<Response>;
  /** The same, with the admin bearer token. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function openTestService(
  options: {
    now?: string;
    reportRateLimit?: RateLimitPolicy;
    portal?: PortalSettings;
    /** How applicants' domain proofs are checked (a unit test's own answers). */
    domainProof?: DomainProof;
    /** TEST ONLY: demo shop names the real domain proof fetches from a loopback server. */
    proofTestHosts?: ProofTestHosts;
    /** Where mail goes; files under the data folder's mail/ unless given. */
    mailer?: Mailer;
    /** Deadlines and retention other than the defaults. */
    policy?: Partial<LifecyclePolicy>;
    /** A recording stand-in for the merchant's desk (a unit test of the lifecycle alone). */
    merchantNotices?: MerchantNotices;
  } = {},
): Promise<TestService> {
  const registry = await openTestRegistry();
  const dataDir = await mkdtemp(join(tmpdir(), 'thiqa-service-'));
  let now = new Date(options.now ?? '2026-11-27T10:00:00Z');
  const app = await createApp({
    db: registry.db,
    dataDir,
    adminToken: TEST_ADMIN_TOKEN,
    clock: () => now,
    ...(options.reportRateLimit ? { reportRateLimit: options.reportRateLimit } : {}),
    ...(options.portal ? { portal: options.portal } : {}),
    ...(options.domainProof ? { domainProof: options.domainProof } : {}),
    ...(options.proofTestHosts ? { proofTestHosts: options.proofTestHosts } : {}),
    ...(options.mailer ? { mailer: options.mailer } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.merchantNotices ? { merchantNotices: options.merchantNotices } : {}),
  });
  const send: TestService['send'] = (method, path, body, headers = {}, from = '198.51.100.7') =>
    Promise.resolve(
      app.request(
        path,
        {
          method,
          headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        },
        // What @hono/node-server hands the app: the peer's socket.
        { incoming: { socket: { remoteAddress: from, remotePort: 40000, remoteFamily: 'IPv4' } } },
      ),
    );
  return {
    app,
    registry,
    dataDir,
    setNow(time) {
      now = new Date(time);
    },
    now: () => now,
    send,
    admin: (method, path, body) => send(method, path, body, { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` }),
    async close() {
      await registry.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
