import { randomBytes } from 'node:crypto';
import pg from 'pg';

// A bench's own PostgreSQL database: created on the server `serverUrl` names (DATABASE_URL,
// a role that may create databases), handed to `run` as its URL, dropped afterwards.

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
