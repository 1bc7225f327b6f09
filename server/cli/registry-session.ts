import { userInfo } from 'node:os';
import { join } from 'node:path';
import { personText } from '../../src/directory/text-policy.ts';
import { openRegistry, type Registry } from '../db/database.ts';
import { type Config, loadConfig } from '../env.ts';
import { UsageError } from './usage.ts';

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

/** A name the audit log shows to every moderator: the text policy holds. */
const actorName = personText(64).min(1);

/** Who the audit log names for a CLI action: --as, else the operating-system user. */
export function cliActor(as: string | undefined): string {
  if (as?.trim()) {
    const name = actorName.safeParse(as);
    if (!name.success) throw new UsageError(`--as: ${name.error.issues[0]?.message ?? 'not a name'}`);
    return `${name.data} (cli)`;
  }
  try {
    return `${userInfo().username} (cli)`;
  } catch {
    return 'cli';
  }
}
