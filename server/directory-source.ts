import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeSchemaError, type Snapshot, snapshotSchema } from '../src/directory/schemas.ts';

/** The demo directory bundled with the extension, also the CLI's default. */
export const BUNDLED_DIRECTORY = fileURLToPath(new URL('../public/directory/', import.meta.url));

export class DirectoryFileError extends Error {
  override name = 'DirectoryFileError';
}

/** Reads and validates `snapshot.json` from a directory folder. */
export async function loadSnapshotFile(folder: string): Promise<Snapshot> {
  const path = join(folder, 'snapshot.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DirectoryFileError(`${path}: cannot read (${code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DirectoryFileError(`${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) throw new DirectoryFileError(describeSchemaError(parsed.error, path));
  return parsed.data;
}
