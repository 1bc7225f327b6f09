import { enterDemoData } from '../../scripts/demo/demo-data.ts';
import { publishDirectory } from '../../server/directory/publisher.ts';
import { generateKeyFile, loadSigningKeys } from '../../server/directory/signing-keys.ts';
import type { Snapshot } from '../../src/directory/schemas.ts';
import { openTestService, type TestService } from './test-service.ts';

// A test service holding the demo's registry (the bundled merchants, their flags and
// complaints entered through moderation), published once: what `npm run demo` serves.

export interface DemoService extends TestService {
  /** The bundled directory the registry was made from. */
  bundled: Snapshot;
  /** Publishes the registry as it is now (after a test changed it). */
  publish(): Promise<void>;
}

export async function openDemoService(options: Parameters<typeof openTestService>[0] = {}): Promise<DemoService> {
  const service = await openTestService(options);
  await generateKeyFile(service.dataDir);
  const bundled = await enterDemoData(service.registry);
  const publish = async () => {
    await publishDirectory(service.registry.db, {
      dataDir: service.dataDir,
      keys: await loadSigningKeys(service.dataDir),
      now: new Date(options.now ?? '2026-11-27T10:00:00Z'),
      actor: 'test',
    });
  };
  await publish();
  return { ...service, bundled, publish };
}
