import type { Registry } from '../../server/db/database.ts';
import type { PublishThreadOptions } from '../../server/directory/publish-thread.ts';
import { type PublishResult, publishDirectory } from '../../server/directory/publisher.ts';
import { loadSigningKeys } from '../../server/directory/signing-keys.ts';

/**
 * Publishes the registry with the keys in `dataDir`, as the test actor, at `now`; `thread`
 * as publishDirectory takes it (`{ run: 'worker' }` sends a small registry to the worker
 * thread, as a large one is).
 */
export async function publishAt(
  registry: Registry,
  dataDir: string,
  now: Date | string,
  thread?: PublishThreadOptions,
): Promise<PublishResult> {
  return publishDirectory(registry.db, {
    dataDir,
    keys: await loadSigningKeys(dataDir),
    now: new Date(now),
    actor: 'test',
    ...(thread ? { thread } : {}),
  });
}
