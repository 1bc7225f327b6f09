import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { STORED_GZIP_PREFIX, storedGzipPieces, storedSnapshotJson } from './served-files.ts';

// A publish stores its snapshot file in the database as STORED_GZIP_PREFIX and the file's
// base64, written in pieces (storedGzipPieces) so that no 8.5 MB string is ever made: the
// pieces joined must be exactly the one-string form every earlier row holds.

describe('the stored form of a snapshot file, in pieces', () => {
  it.each([0, 1, 2, 3, 98_303, 98_304, 98_305, 300_001])('joins into the prefix and the base64 of %i bytes', (size) => {
    const bytes = randomBytes(size);
    const pieces = [...storedGzipPieces(bytes)];
    expect(pieces.join('')).toBe(STORED_GZIP_PREFIX + bytes.toString('base64'));
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThanOrEqual(128 * 1024);
  });

  it('checks the bytes against the published SHA-256 as it goes, and throws after the last piece on a mismatch', () => {
    const bytes = randomBytes(250_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect([...storedGzipPieces(bytes, sha256)].join('')).toBe(STORED_GZIP_PREFIX + bytes.toString('base64'));
    const changed = Buffer.from(bytes);
    changed[200_000] = (changed[200_000] as number) ^ 1;
    const pieces = storedGzipPieces(changed, sha256);
    let taken = 0;
    expect(() => {
      for (const _ of pieces) taken += 1;
    }).toThrow(/changed on disk/);
    expect(taken).toBe(4);
  });

  it('reads back as the snapshot’s text, from a view into a larger buffer too', () => {
    const text = JSON.stringify({ format: 'thiqa-snapshot', merchants: ['متجر الأطلس'.repeat(20_000)] });
    const gzipped = gzipSync(text);
    const padded = Buffer.concat([Buffer.from('xyz'), gzipped, Buffer.from('abc')]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 3, gzipped.length);
    expect(storedSnapshotJson([...storedGzipPieces(view)].join(''))).toBe(text);
  });
});
