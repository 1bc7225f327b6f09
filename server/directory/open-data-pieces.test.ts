import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { OPEN_DATA_PIECE_CHARS, OpenDataPieces, openDataPieces } from './publication-build.ts';

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

  it('leaves the worker as UTF-8 pieces that each decode alone, over buffers moved once each', async () => {
    // Megabytes of rows with Arabic text: more than one of the buffers the pieces are cut from.
    const rows = Array.from({ length: 60_000 }, (_, index) =>
      JSON.stringify({
        merchantId: `m-${index}`,
        tradeName: `متجر الأطلس ${index % 13 === 0 ? '🛒' : ''}${'س'.repeat(index % 31)}`,
      }),
    );
    const gatherer = new OpenDataPieces();
    for (const row of rows) gatherer.add(row);
    const pieces = gatherer.finish();
    const buffers = [...new Set(pieces.map((piece) => piece.buffer as ArrayBuffer))];
    expect(buffers.length).toBeGreaterThan(1);
    expect(buffers.length).toBeLessThan(pieces.length);
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<Uint8Array[]>((resolve) => port2.once('message', resolve));
    port1.postMessage(pieces, buffers);
    const moved = await received;
    port1.close();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const texts = moved.map((piece) => decoder.decode(piece));
    expect(texts.join('')).toBe(`[${rows.join(',')}]`);
    for (const text of texts.slice(0, -1)) expect(text.endsWith('}')).toBe(true);
  });
});
