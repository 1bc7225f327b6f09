import type { Registry } from '../../server/db/database.ts';
import { type PublishResult, publishDirectory } from '../../server/directory/publisher.ts';
import { loadSigningKeys } from '../../server/directory/signing-keys.ts';

/** Publishes the registry through the publish worker thread, whatever its size (as a large registry is). */
export async function publishThroughWorker(registry: Registry, dataDir: string, now: string): Promise<PublishResult> {
  return publishDirectory(registry.db, {
    dataDir,
    keys: await loadSigningKeys(dataDir),
    now: new Date(now),
    actor: 'test',
    thread: { run: 'worker' },
  });
}
