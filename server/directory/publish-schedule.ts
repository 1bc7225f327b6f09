import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { publishDirectory, publishDirectoryUnlessBusy, repairServedFiles } from './publisher.ts';
import { describeRepair } from './served-files.ts';
import { loadSigningKeys } from './signing-keys.ts';

// `serve --publish-every`, and the repair at every service start.

export interface PublishSchedule {
  /** One scheduled publish; while one runs, a second call joins it instead of queueing another. */
  run(): Promise<void>;
  /** Resolves once no scheduled publish is running. */
  idle(): Promise<void>;
}

/**
 * What `serve --publish-every` does on each tick: publish when the registry changed,
 * otherwise renew the manifest's freshness once it has aged. It never throws: a failed
 * tick is logged and the next one tries again.
 */
export function createPublishSchedule(deps: {
  db: Kysely<Database>;
  dataDir: string;
  clock: () => Date;
  log: (line: string) => void;
}): PublishSchedule {
  let running: Promise<void> | undefined;
  const publishIfChanged = async () => {
    try {
      const result = await publishDirectoryUnlessBusy(deps.db, {
        dataDir: deps.dataDir,
        keys: await loadSigningKeys(deps.dataDir),
        now: deps.clock(),
        actor: 'schedule',
        onlyIfChanged: true,
      });
      // Another instance on the same PostgreSQL is publishing: it publishes this change,
      // and the next tick here finds it published (and mends this instance's folder).
      if (result === 'busy') {
        deps.log('scheduled publish skipped: another instance is publishing');
        return;
      }
      const repairLine = describeRepair(result.repair);
      if (repairLine) deps.log(repairLine);
      if (result.published) deps.log(`published version ${result.manifest.version}`);
      else if (result.renewed) deps.log(`renewed version ${result.version}: fresh until ${result.expiresAt}`);
    } catch (error) {
      deps.log(`scheduled publish failed: ${(error as Error).message}`);
    }
  };
  return {
    run() {
      running ??= publishIfChanged().finally(() => {
        running = undefined;
      });
      return running;
    },
    async idle() {
      await running;
    },
  };
}

/**
 * Start-up repair of the served folder. When the latest version's files cannot be
 * rebuilt byte-identical, a fresh version is published rather than a broken one served.
 */
export async function restoreServedDirectory(deps: {
  db: Kysely<Database>;
  dataDir: string;
  clock: () => Date;
  log: (line: string) => void;
}): Promise<void> {
  const repair = await repairServedFiles(deps.db, deps.dataDir);
  const repairLine = describeRepair(repair);
  if (repairLine) deps.log(repairLine);
  if (repair.unrepairable === null) return;
  try {
    const result = await publishDirectory(deps.db, {
      dataDir: deps.dataDir,
      keys: await loadSigningKeys(deps.dataDir),
      now: deps.clock(),
      actor: 'service start',
      onlyIfChanged: true,
    });
    if (result.published) deps.log(`published version ${result.manifest.version} in its place`);
  } catch (error) {
    deps.log(`cannot publish a fresh version either: ${(error as Error).message}`);
  }
}
