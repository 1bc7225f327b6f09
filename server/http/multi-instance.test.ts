import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ServiceProcess, startServiceProcess } from '../../test/support/service-process.ts';
import { storedSnapshotJson } from '../directory/served-files.ts';
import { generateKeyFile, keysDir } from '../directory/signing-keys.ts';

// Two `thiqa serve` processes on one PostgreSQL, as behind a load balancer, both
// publishing on a schedule: every report is stored once, versions grow one by one with
// no version published twice or skipped, and a client's report allowance is one across
// both. PGlite belongs to one process, so this needs a PostgreSQL server: it runs in
// `npm test`'s PostgreSQL pass (DATABASE_URL set), and is skipped without one.

const serverUrl = process.env.DATABASE_URL;
const REPORTS = 1_000;
const CONCURRENCY = 16;
/** Flags set while reports flow, on alternate instances: each one is a change to publish. */
const FLAGS = 4;
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
/**
 * Per client, a day aligned to UTC midnight, like the daily key: the count survives the whole
 * test, and only reaches its end past the 1,000 reports and the few sent to prove sharing.
 */
const ALLOWANCE = REPORTS + 5;

if (!serverUrl) {
  console.warn('multi-instance.test.ts skipped: set DATABASE_URL to a PostgreSQL server (npm test does on CI)');
}

describe.skipIf(!serverUrl)('two thiqa serve on one PostgreSQL', () => {
  const databaseName = `thiqa_multi_${randomBytes(6).toString('hex')}`;
  const databaseUrl = new URL(serverUrl ?? 'postgres://unused');
  databaseUrl.pathname = `/${databaseName}`;
  let dataDirs: string[] = [];
  let services: ServiceProcess[] = [];
  let db: pg.Client;

  async function admin(query: string) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await admin(`create database ${databaseName}`);
    // One signing key for both, as an operator deploys the same secrets to every instance.
    dataDirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'thiqa-multi-'))));
    await generateKeyFile(dataDirs[0] as string);
    await cp(keysDir(dataDirs[0] as string), keysDir(dataDirs[1] as string), { recursive: true });
    const ports = [await freePort(), await freePort()];
    const start = (index: number) =>
      startServiceProcess({
        dataDir: dataDirs[index] as string,
        port: ports[index] as number,
        adminToken: ADMIN_TOKEN,
        reportRateLimit: `${ALLOWANCE}/24h`,
        args: ['--publish-every', '2s'],
        env: { DATABASE_URL: databaseUrl.toString() },
      });
    // One after the other: both would migrate the new database at once otherwise.
    services = [await start(0)];
    services.push(await start(1));
    db = new pg.Client({ connectionString: databaseUrl.toString() });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    if (serverUrl) await admin(`drop database if exists ${databaseName} with (force)`);
  });

  const at = (index: number) => services[index % services.length] as ServiceProcess;

  async function sendReport(index: number, service: ServiceProcess): Promise<Response> {
    return fetch(`${service.url}/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        url: `https://shop-${index % 50}.test/produit/${index}`,
        reason: 'non-delivery',
        idempotencyKey: randomUUID(),
      }),
    });
  }

  async function flag(index: number) {
    const response = await fetch(`${at(index).url}/v1/admin/flags/fraud-${index}.test`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'fraud', summary: 'Encaisse et ne livre jamais' }),
    });
    expect(response.status, await response.text()).toBe(200);
  }

  it('stores every report once, publishes versions one by one, and counts one allowance', async () => {
    const receipts: string[] = [];
    const refused: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REPORTS) {
          const index = next++;
          if (index % (REPORTS / FLAGS) === 0) await flag(index / (REPORTS / FLAGS));
          const response = await sendReport(index, at(index));
          const body = (await response.json()) as { receipt?: string };
          if (response.status === 201 && body.receipt) receipts.push(body.receipt);
          else refused.push(`${response.status} ${JSON.stringify(body)}`);
        }
      }),
    );
    expect(refused).toEqual([]);
    expect(new Set(receipts).size).toBe(REPORTS);
    const stored = await db.query<{ receipt: string }>('select receipt from reports');
    expect(stored.rows.map((row) => row.receipt).sort()).toEqual([...receipts].sort());

    // Both schedules run on: wait until the latest version holds every flag.
    const flagged = async () => {
      // The snapshot is kept in parts (server/db/stored-parts.ts), joined here in order.
      const { rows } = await db.query<{ stored: string | null }>(
        `select string_agg(chunk, '' order by seq) as stored from stored_parts
         where owner = (select snapshot_parts from publications order by version desc limit 1)`,
      );
      const snapshot = rows[0]?.stored
        ? (JSON.parse(storedSnapshotJson(rows[0].stored)) as { state: { flagged: unknown[] } })
        : undefined;
      return snapshot?.state.flagged.length ?? 0;
    };
    await expect.poll(flagged, { timeout: 20_000, interval: 250 }).toBe(FLAGS);
    const { rows: versions } = await db.query<{ version: number; digest: string }>(
      'select version, digest from publications order by version',
    );
    expect(versions.map((row) => row.version)).toEqual(versions.map((_, index) => index + 1));
    // The same change is never published twice: each version's content differs from the one before.
    for (const [index, row] of versions.entries()) {
      if (index > 0) expect(row.digest).not.toBe(versions[index - 1]?.digest);
    }
    // Each instance's served folder catches up with the database at its next tick.
    const latest = versions.at(-1)?.version;
    for (const service of services) {
      await expect
        .poll(
          async () => {
            const response = await fetch(`${service.url}/v1/directory/manifest.json`);
            if (!response.ok) return 0;
            const envelope = (await response.json()) as { payload: string };
            return (JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { version: number })
              .version;
          },
          { timeout: 10_000, interval: 250 },
        )
        .toBe(latest);
    }
    for (const service of services) {
      expect(service.output()).not.toMatch(/publish failed|version \d+ was published meanwhile/);
    }

    // The allowance is one across both: what is left is spent on B, and A refuses next.
    for (let index = 0; index < ALLOWANCE - REPORTS; index++) {
      expect((await sendReport(REPORTS + index, at(1))).status).toBe(201);
    }
    const refusedOnA = await sendReport(REPORTS + ALLOWANCE, at(0));
    expect(refusedOnA.status).toBe(429);
    expect(Number(refusedOnA.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await sendReport(REPORTS + ALLOWANCE + 1, at(1))).status).toBe(429);
    // Nothing the table keeps names the client's address.
    const { rows: windows } = await db.query<{ key: string }>('select key from rate_limit_windows');
    expect(windows.length).toBeGreaterThan(0);
    expect(JSON.stringify(windows)).not.toContain('127.0.0.1');
  });
});
