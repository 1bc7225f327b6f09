import { userInfo } from 'node:os';
import { join } from 'node:path';
import { openRegistry, type Registry } from '../db/database.ts';
import { type Config, loadConfig } from '../env.ts';

// What every registry command does first: read the environment, open the database
// (PGlite under THIQA_DATA_DIR, or DATABASE_URL) and close it whatever happens.

export async function openConfiguredRegistry(config: Config): Promise<Registry> {
  return openRegistry(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : { pgliteDir: join(config.dataDir, 'db') },
  );
}

export async function withRegistry<T>(work: (registry: Registry, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const registry = await openConfiguredRegistry(config);
  try {
    return await work(registry, config);
  } finally {
    await registry.close();
  }
}

/** Who the audit log names for a CLI action: --as, else the operating-system user. */
export function cliActor(as: string | undefined): string {
  if (as?.trim()) return `${as.trim()} (cli)`;
  try {
    return `${userInfo().username} (cli)`;
  } catch {
    return 'cli';
  }
}
