import { describe, expect, it } from 'vitest';
import { OPEN_DATA_PIECE_CHARS, openDataPieces } from './publication-build.ts';

// The open data's merchants table leaves the publish worker in pieces (as UTF-8 bytes, moved):
// joined, they must be exactly the JSON array of the rows, whatever the rows' sizes.

describe("the open data's merchants table in pieces", () => {
  it('joins into the JSON array of the rows, each piece of bounded size', () => {
    const rows = Array.from({ length: 5_000 }, (_, index) =>
      JSON.stringify({ merchantId: `m-${index}`, tradeName: `متجر ${'x'.repeat(index % 97)}`, open: index % 5 }),
    );
    const pieces = openDataPieces(rows);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe(`[${rows.join(',')}]`);
    expect(JSON.parse(pieces.join(''))).toHaveLength(5_000);
    const longestRow = Math.max(...rows.map((row) => row.length));
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(OPEN_DATA_PIECE_CHARS + longestRow + 2);
  });

  it('is an empty array for no merchants, and one piece for a few', () => {
    expect(openDataPieces([]).join('')).toBe('[]');
    expect(openDataPieces(['{"a":1}', '{"b":2}'])).toEqual(['[{"a":1},{"b":2}]']);
  });
});
