import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './served-files.ts';

// `thiqa publish --out <dir>`: the served folder's files copied to a folder a static host
// or CDN serves (or syncs from), in the order that keeps every reader whole: the
// content-addressed snapshot and deltas first, then the manifest that names them, then
// the removal of files no longer named. The served folder is the source because after a
// publish (or its repair) it holds exactly what the two latest manifests name.

const CONTENT_FILE = /^(snapshot|delta)-[a-z0-9-]+\.json\.gz$/;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface ExportedFiles {
  /** Files written because the folder lacked them or held other bytes. */
  written: string[];
  removed: string[];
}

export async function exportPublishedFiles(servedDir: string, outDir: string): Promise<ExportedFiles> {
  await mkdir(outDir, { recursive: true });
  const served = (await readdir(servedDir)).filter((name) => CONTENT_FILE.test(name)).sort();
  const written: string[] = [];
  for (const name of served) {
    const bytes = await readFile(join(servedDir, name));
    const present = await readFile(join(outDir, name)).catch(() => null);
    // Same name means same content, unless the copy was damaged: compare, do not trust.
    if (present && present.length === bytes.length && sha256(present) === sha256(bytes)) continue;
    await writeFileAtomically(join(outDir, name), bytes);
    written.push(name);
  }
  const manifest = await readFile(join(servedDir, 'manifest.json'));
  const presentManifest = await readFile(join(outDir, 'manifest.json')).catch(() => null);
  if (!presentManifest?.equals(manifest)) {
    await writeFileAtomically(join(outDir, 'manifest.json'), manifest);
    written.push('manifest.json');
  }
  const keep = new Set(served);
  const removed: string[] = [];
  for (const name of await readdir(outDir)) {
    if (CONTENT_FILE.test(name) && !keep.has(name)) {
      await rm(join(outDir, name), { force: true });
      removed.push(name);
    }
  }
  return { written, removed };
}
