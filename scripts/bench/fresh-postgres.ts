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
    await admin(`drop database if exists ${name} with (force)`);
  }
}
