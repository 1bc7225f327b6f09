import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { directoryDigest } from '../src/directory/delta.ts';
import { buildPublication } from '../src/directory/publication.ts';
import { type Manifest, SNAPSHOT_FORMAT, type Snapshot } from '../src/directory/schemas.ts';
import type { SigningKey } from '../src/directory/signing.ts';
import { recordAudit } from './audit-log.ts';
import type { Database } from './db/tables.ts';
import { currentDirectoryState } from './directory-state.ts';
import { ServiceError } from './service-error.ts';

// `thiqa publish`: the registry's state becomes version N+1 of the signed directory,
// written as static files any web server or CDN can serve.

/** Deltas are offered from this many previous versions. */
export const DELTA_HISTORY = 7;

export function publicDirectoryDir(dataDir: string): string {
  return join(dataDir, 'public', 'v1', 'directory');
}

export interface PublishOptions {
  dataDir: string;
  keys: readonly SigningKey[];
  now: Date;
  actor: string;
  /** Publish only when the state differs from the latest version (scheduled publishing). */
  onlyIfChanged?: boolean;
}

export type PublishResult =
  | { published: true; manifest: Manifest; files: string[] }
  | { published: false; version: number };

/** Whole seconds, written as the manifest writes it, so snapshot and manifest agree. */
function publishedTime(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
}

export async function latestPublication(db: Kysely<Database>) {
  return db
    .selectFrom('publications')
    .select(['version', 'digest', 'published_at'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Publishes of one process run one after the other (the schedule and the admin API). */
let publishQueue: Promise<unknown> = Promise.resolve();

export function publishDirectory(db: Kysely<Database>, options: PublishOptions): Promise<PublishResult> {
  const run = publishQueue.then(() => publishNow(db, options));
  publishQueue = run.catch(() => undefined);
  return run;
}

async function publishNow(db: Kysely<Database>, options: PublishOptions): Promise<PublishResult> {
  if (options.keys.length === 0) {
    throw new ServiceError('unavailable', 'no signing key: run `thiqa keys generate` first');
  }
  const state = await currentDirectoryState(db);
  const latest = await latestPublication(db);
  if (options.onlyIfChanged && latest && latest.digest === (await directoryDigest(state))) {
    return { published: false, version: latest.version };
  }
  const version = (latest?.version ?? 0) + 1;
  const previousRows = await db
    .selectFrom('publications')
    .select(['snapshot'])
    .orderBy('version', 'desc')
    .limit(DELTA_HISTORY)
    .execute();
  // Our own stored canonical JSON, validated when it was published.
  const previous = previousRows.map((row) => JSON.parse(row.snapshot) as Snapshot);
  const snapshot: Snapshot = {
    format: SNAPSHOT_FORMAT,
    formatVersion: 1,
    version,
    publishedAt: publishedTime(options.now),
    state,
  };
  const publication = await buildPublication({ current: snapshot, previous, keys: options.keys });
  const { digest } = publication.manifest;

  const dir = publicDirectoryDir(options.dataDir);
  await mkdir(dir, { recursive: true });
  for (const file of publication.files) await writeFile(join(dir, file.path), file.bytes);
  // The version's primary key makes a concurrent publish from another process fail
  // here, before its manifest replaces anything.
  await db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('publications')
      .select('version')
      .where('version', '=', version)
      .executeTakeFirst();
    if (taken) throw new ServiceError('conflict', `version ${version} was published meanwhile; publish again`);
    await trx
      .insertInto('publications')
      .values({
        version,
        published_at: snapshot.publishedAt,
        digest,
        // Kept only to build deltas from; the published bytes are the canonical ones.
        snapshot: JSON.stringify(snapshot),
        manifest: publication.manifestText,
      })
      .execute();
    await recordAudit(
      trx,
      {
        actor: options.actor,
        action: 'directory.publish',
        subject: `version ${version}`,
        detail: { digest, merchants: state.merchants.length, flagged: state.flagged.length },
      },
      options.now,
    );
  });
  // Readers see the old manifest or the new one, never half of one.
  const manifestPath = join(dir, 'manifest.json');
  await writeFile(`${manifestPath}.tmp`, publication.manifestText);
  await rename(`${manifestPath}.tmp`, manifestPath);
  await pruneOldFiles(db, dir);
  return { published: true, manifest: publication.manifest, files: publication.files.map((file) => file.path) };
}

/**
 * Files named by the two latest manifests stay, so a client that read the previous
 * manifest a moment ago can still fetch what it names; older files go.
 */
async function pruneOldFiles(db: Kysely<Database>, dir: string): Promise<void> {
  const recent = await db.selectFrom('publications').select(['manifest']).orderBy('version', 'desc').limit(2).execute();
  const keep = new Set(['manifest.json']);
  for (const row of recent) {
    const manifest = JSON.parse(Buffer.from(JSON.parse(row.manifest).payload, 'base64').toString('utf8')) as Manifest;
    keep.add(manifest.snapshot.path);
    for (const delta of manifest.deltas) keep.add(delta.path);
  }
  for (const name of await readdir(dir)) {
    if (!keep.has(name) && /^(snapshot|delta)-.*\.json\.gz$/.test(name)) await rm(join(dir, name), { force: true });
  }
}
