import { randomBytes } from 'node:crypto';
import pg from 'pg';

// Where a bench's child process keeps its registry: PGlite unless told otherwise, or a
// PostgreSQL database of the bench's own.

/** This process's environment without DATABASE_URL: a child given it runs on PGlite. */
export function envOnPglite(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
}

/**
 * A database created on the server `serverUrl` names (DATABASE_URL, a role that may create
 * databases), handed to `run` as its URL, dropped afterwards.
 */
export async function onFreshPostgres(serverUrl: string, run: (databaseUrl: string) => Promise<void>): Promise<void> {
  const name = `thiqa_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(query).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    await run(url.toString());
  } finally {
    await dropDatabase(admin, name);
  }
}

/**
 * Drops the bench's database. A plain drop waits out the autovacuum worker a large write
 * starts (PostgreSQL cancels it for the drop), where `with (force)` refuses to end a
 * superuser's backend; force is the last try, for a connection the bench left open.
 */
async function dropDatabase(admin: (query: string) => Promise<void>, name: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await admin(`drop database if exists ${name}`);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  await admin(`drop database if exists ${name} with (force)`);
}
