import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type AppOptions, createApp } from '../app.ts';
import { deadlinesSummary, runComplaintDeadlines } from '../complaints/complaint-lifecycle.ts';
import type { Registry } from '../db/database.ts';
import { createPublishSchedule, type PublishSchedule, restoreServedDirectory } from '../directory/publish-schedule.ts';
import { type Config, ConfigError } from '../env.ts';
import { configuredMailer } from '../mail/configured-mailer.ts';
import { startRetentionJob } from '../privacy/retention-job.ts';
import {
  CONNECTIONS_CHECKING_INTERVAL_MS,
  type ConnectionLimits,
  DEFAULT_CONNECTION_LIMITS,
  guardConnections,
} from './connection-guard.ts';
import type { ServiceContext } from './service-context.ts';
import { SharedRateLimitStore } from './shared-rate-limit-store.ts';

// `thiqa serve` and `npm run demo`: the app on a port, the published folder mended at
// start, and optionally a publish on a schedule whenever the registry changed since the
// last version (or a renewal of the manifest's freshness when it did not).

export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

/**
 * The app as `thiqa serve` configures it from the environment; commands that act as the
 * service does (accepting a report mails its merchant) build their context from it too.
 */
export function serviceAppOptions(registry: Registry, config: Config, clock: () => Date): AppOptions {
  return {
    db: registry.db,
    dataDir: config.dataDir,
    adminToken: config.adminToken,
    clock,
    ...(config.reportRateLimit ? { reportRateLimit: config.reportRateLimit } : {}),
    linkOrigin: `http://localhost:${config.port}`,
    mailer: configuredMailer({ smtp: config.smtp, from: config.mailFrom, dataDir: config.dataDir, clock }),
    ...(config.policy ? { policy: config.policy } : {}),
    // Several instances may share a PostgreSQL server: one allowance per client across them.
    // PGlite belongs to one process, whose memory counts as well and costs no query.
    ...(registry.engine === 'postgresql' ? { sharedRateLimits: new SharedRateLimitStore(registry.db) } : {}),
    portal: {
      publisherName: config.publisherName,
      publisherContact: config.publisherContact,
      extensionChromeUrl: config.extensionChromeUrl,
      extensionFirefoxUrl: config.extensionFirefoxUrl,
      publicOrigin: config.publicOrigin,
    },
  };
}

export async function startService(options: {
  registry: Registry;
  config: Config;
  host: string;
  publishEveryMs?: number;
  log: (line: string) => void;
  connectionLimits?: Partial<ConnectionLimits>;
  /** The time the service and its schedule use; tests move it instead of waiting. */
  clock?: () => Date;
}): Promise<RunningService> {
  const { registry, config, log } = options;
  const clock = options.clock ?? (() => new Date());
  // Before the first request: a publish killed half-way must not leave the folder
  // serving an older version than the database records, or a damaged file.
  await restoreServedDirectory({ db: registry.db, dataDir: config.dataDir, clock, log });
  const app = await createApp(serviceAppOptions(registry, config, clock));
  const limits: ConnectionLimits = {
    ...DEFAULT_CONNECTION_LIMITS,
    ...(config.maxConnectionsPerAddress ? { maxPerAddress: config.maxConnectionsPerAddress } : {}),
    ...options.connectionLimits,
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: options.host,
        serverOptions: { connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS },
      },
      () => resolve(started),
    );
    guardConnections(started as Server, limits);
    started.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options.host, config.port)));
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  // Law 09-08: personal text past the retention period is erased at start and once a day.
  const retention = startRetentionJob({ context: app.context, clock, log });

  let timer: NodeJS.Timeout | undefined;
  let schedule: PublishSchedule | undefined;
  if (options.publishEveryMs) {
    schedule = createPublishSchedule({ db: registry.db, dataDir: config.dataDir, clock, log });
    // At once, then on every tick: a service that was down for a while renews a manifest
    // close to its expiry now, not one period later.
    void schedule.run();
    timer = setInterval(() => void schedule?.run(), options.publishEveryMs);
  }
  const deadlines = startDeadlines(app.context, log);
  return {
    url,
    async stop() {
      if (timer) clearInterval(timer);
      await deadlines.stop();
      await retention.stop();
      await schedule?.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How often `serve` reminds merchants and closes unanswered complaints. */
export const DEADLINES_EVERY_MS = 3_600_000;

/**
 * The complaint deadlines at start (a service down for a day catches up at once) and then
 * every hour; a run still going when the next is due is not doubled.
 */
function startDeadlines(context: ServiceContext, log: (line: string) => void) {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = runComplaintDeadlines(context)
      .then((run) => {
        if (run.reminded.length + run.closed.length > 0) log(deadlinesSummary(run));
      })
      .catch((error: Error) => log(`complaint deadlines failed: ${error.message}`))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, DEADLINES_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** A listen failure an operator can act on, in one line; anything else as it came. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new ConfigError(
      `port ${port} on ${host} is already in use (another thiqa serve?); choose another with THIQA_PORT=<port>`,
    );
  }
  if (error.code === 'EACCES') {
    return new ConfigError(`port ${port} on ${host} needs privileges; choose a port above 1023 with THIQA_PORT=<port>`);
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new ConfigError(`${host} is not an address of this machine; choose another with --host <address>`);
  }
  return error;
}

/** `30s`, `15m`, `1h`, `1d` in milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * unit;
  return ms >= 1000 && ms <= 7 * 86_400_000 ? ms : null;
}

/** Resolves on the first Ctrl-C or SIGTERM. */
export function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
