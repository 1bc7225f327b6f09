import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import type { Database } from './tables.ts';

// Large texts a publication keeps (its snapshot, its open data release: megabytes at 100k
// merchants) are written as parts of PART_CHARS characters, one statement each, before the
// publication's transaction; that transaction then only names them. On PGlite every
// statement holds the service's one connection: a 17 MB text written in one statement held
// every report for about a second, a part holds it for milliseconds. The rows that name
// their parts commit whole or not at all, as before; parts no row names (a publish that
// failed between its parts and its transaction, a release pruned) are removed by the next
// publish, under the publish lock, so no other writer of parts can be running meanwhile.

/**
 * Characters a part holds. A part of 128 K characters took 9–22 ms of PGlite on the
 * service's thread at 100k merchants (stop 32's trace), and those inserts set the tail of
 * report intake while a publish wrote its open data: a quarter of that is a few milliseconds.
 */
export const PART_CHARS = 32 * 1024;

/** Parts read by one statement. */
const PARTS_PER_READ = 16;

export class StoredPartsMissing extends Error {}

/**
 * Writes `text` (one string, or pieces that joined are the text) as parts under a new
 * owner name, which the caller then stores in its row. Pieces spare the caller one string
 * of megabytes, and this thread the copy of it that slicing a joined text would make.
 */
export async function writeParts(db: Kysely<Database>, text: string | Iterable<string>): Promise<string> {
  const owner = randomUUID();
  let seq = 0;
  const write = async (chunk: string) => {
    await db.insertInto('stored_parts').values({ owner, seq, chunk }).execute();
    seq += 1;
    // Requests that arrived meanwhile get their statements in before the next part.
    await nextTurn();
  };
  let pending = '';
  for (const piece of typeof text === 'string' ? [text] : text) {
    pending += piece;
    let at = 0;
    while (pending.length - at >= PART_CHARS) {
      let end = at + PART_CHARS;
      // Never between the two halves of a surrogate pair (an emoji in a merchant's name): each
      // part must be valid text on its own, or the database keeps U+FFFD in place of each half.
      const last = pending.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end -= 1;
      await write(pending.slice(at, end));
      at = end;
    }
    pending = pending.slice(at);
  }
  // The rest; an empty text still has one (empty) part, so that "no parts" always means "missing".
  if (pending.length > 0 || seq === 0) await write(pending);
  return owner;
}

/** The text written under `owner`; missing or out-of-sequence parts are an error, never a shorter text. */
export async function readParts(db: Kysely<Database>, owner: string, what: string): Promise<string> {
  const chunks: string[] = [];
  for (;;) {
    const rows = await db
      .selectFrom('stored_parts')
      .select(['seq', 'chunk'])
      .where('owner', '=', owner)
      .where('seq', '>=', chunks.length)
      .orderBy('seq')
      .limit(PARTS_PER_READ)
      .execute();
    for (const row of rows) {
      if (row.seq !== chunks.length) throw new StoredPartsMissing(`${what}: part ${chunks.length} is missing`);
      chunks.push(row.chunk);
    }
    if (rows.length < PARTS_PER_READ) break;
    await nextTurn();
  }
  if (chunks.length === 0) throw new StoredPartsMissing(`${what}: its parts are missing`);
  return chunks.join('');
}

/** A column that holds its text itself (rows written before parts existed) or names its parts. */
export function storedText(
  db: Kysely<Database>,
  stored: { text: string | null; parts: string | null },
  what: string,
): Promise<string> {
  if (stored.text !== null) return Promise.resolve(stored.text);
  if (stored.parts === null) return Promise.reject(new StoredPartsMissing(`${what}: neither text nor parts`));
  return readParts(db, stored.parts, what);
}

/**
 * Removes the parts no publication or release names, a few at a time, then vacuums the
 * table so that their space is taken again. Call only under the publish lock (parts being
 * written by a publish are not named yet) and outside a transaction (VACUUM runs in none).
 */
export async function removeUnnamedParts(db: Kysely<Database>): Promise<number> {
  const { rows: unnamed } = await sql<{ owner: string }>`
    select distinct owner from stored_parts
    where not exists (select 1 from publications where snapshot_parts = stored_parts.owner)
      and not exists (select 1 from open_data_releases where release_parts = stored_parts.owner)`.execute(db);
  let removed = 0;
  for (const { owner } of unnamed) {
    for (;;) {
      const batch = await db
        .selectFrom('stored_parts')
        .select('seq')
        .where('owner', '=', owner)
        .orderBy('seq')
        .limit(PARTS_PER_READ)
        .execute();
      if (batch.length === 0) break;
      await db
        .deleteFrom('stored_parts')
        .where('owner', '=', owner)
        .where(
          'seq',
          'in',
          batch.map((row) => row.seq),
        )
        .execute();
      removed += batch.length;
      await nextTurn();
    }
  }
  // PGlite has no autovacuum: without this one the space of removed parts was never used
  // again, and the database grew by a snapshot a version (0.5 MB a publish at 5k merchants,
  // through 60 publishes; with it, flat from the 40th). On PostgreSQL it runs beside requests.
  if (removed > 0) await sql`vacuum stored_parts`.execute(db);
  return removed;
}
