import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from './database.ts';
import {
  PART_CHARS,
  readParts,
  removeUnnamedParts,
  StoredPartsMissing,
  storedText,
  writeParts,
} from './stored-parts.ts';

let registry: Registry;
beforeEach(async () => {
  registry = await openTestRegistry();
});
afterEach(async () => {
  await registry.close();
});

const partCount = async (owner: string) =>
  (
    await sql<{ count: number }>`select count(*)::integer as count from stored_parts where owner = ${owner}`.execute(
      registry.db,
    )
  ).rows[0]?.count;

describe('a large text kept in parts', () => {
  it('reads back exactly what was written, Arabic and all, across many parts and reads', async () => {
    // 20 parts: more than one read's worth, with a short last part.
    const text = `${'موثق ✓ Label e-thiq '.repeat(Math.ceil((PART_CHARS * 19.5) / 20))}`.slice(0, PART_CHARS * 19 + 7);
    const owner = await writeParts(registry.db, text);
    expect(await partCount(owner)).toBe(20);
    expect(await readParts(registry.db, owner, 'test text')).toBe(text);
    expect(await readParts(registry.db, await writeParts(registry.db, ''), 'empty')).toBe('');
  });

  it('never cuts a character in two at a part boundary', async () => {
    // An emoji's two UTF-16 halves would fall either side of the first boundary.
    const text = `${'a'.repeat(PART_CHARS - 1)}👨‍👩 ${'ب'.repeat(PART_CHARS)}🇲🇦`;
    const owner = await writeParts(registry.db, text);
    expect(await readParts(registry.db, owner, 'emoji')).toBe(text);
  });

  it('writes pieces as the text they join into, whatever their sizes and wherever a character falls', async () => {
    const emoji = '👨‍👩';
    const pieces = [
      '{',
      'a'.repeat(PART_CHARS - 2),
      // The emoji's two halves straddle the first part boundary, and the pieces split it too.
      emoji.slice(0, 1),
      emoji.slice(1),
      'ب'.repeat(PART_CHARS * 2 + 3),
      '',
      '}',
    ];
    const owner = await writeParts(registry.db, pieces);
    expect(await partCount(owner)).toBe(4);
    expect(await readParts(registry.db, owner, 'pieces')).toBe(pieces.join(''));
    expect(await readParts(registry.db, await writeParts(registry.db, []), 'no pieces')).toBe('');
  });

  it('refuses a text with a part missing instead of answering a shorter one', async () => {
    const owner = await writeParts(registry.db, 'x'.repeat(PART_CHARS * 3));
    await sql`delete from stored_parts where owner = ${owner} and seq = 1`.execute(registry.db);
    await expect(readParts(registry.db, owner, 'the snapshot of version 9')).rejects.toThrow(
      new StoredPartsMissing('the snapshot of version 9: part 1 is missing'),
    );
    await sql`delete from stored_parts where owner = ${owner}`.execute(registry.db);
    await expect(readParts(registry.db, owner, 'the snapshot of version 9')).rejects.toThrow(StoredPartsMissing);
    // A row that names nothing is refused too.
    await expect(storedText(registry.db, { text: null, parts: null }, 'a release')).rejects.toThrow(
      'a release: neither text nor parts',
    );
    expect(await storedText(registry.db, { text: 'inline', parts: null }, 'old row')).toBe('inline');
  });

  it('removes only the parts no publication or release names', async () => {
    const named = await writeParts(registry.db, 'y'.repeat(PART_CHARS * 2 + 1));
    const leftover = await writeParts(registry.db, 'z'.repeat(PART_CHARS * 9));
    await registry.db
      .insertInto('publications')
      .values({
        version: 1,
        published_at: '2026-12-01T09:00:00.000Z',
        digest: 'd',
        snapshot: null,
        snapshot_parts: named,
        manifest: '{}',
      })
      .execute();
    expect(await removeUnnamedParts(registry.db)).toBe(9);
    expect(await partCount(leftover)).toBe(0);
    expect(await readParts(registry.db, named, 'kept')).toBe('y'.repeat(PART_CHARS * 2 + 1));
  });

  it('is refused by the database when a row holds its text and names parts too; neither is a forgotten snapshot', async () => {
    const row = (snapshot: string | null, parts: string | null) =>
      registry.db
        .insertInto('publications')
        .values({
          version: 1,
          published_at: '2026-12-01T09:00:00.000Z',
          digest: 'd',
          snapshot,
          snapshot_parts: parts,
          manifest: '{}',
        })
        .execute();
    await expect(row('{}', 'owner')).rejects.toThrow(/publications_snapshot_at_most_one_form/);
    // An old version's snapshot, forgotten once no delta or repair can start from it.
    await row(null, null);
    expect(await registry.db.selectFrom('publications').select('version').execute()).toEqual([{ version: 1 }]);
  });
});
