import { CompactDirectory, PieceMissing } from '../../src/directory/compact-directory.ts';
import { recordsWanted } from '../../src/directory/compact-lookup.ts';
import { PIECE_HEAD, piecesOf } from '../../src/directory/compact-pieces.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';

// What the extension's worker holds of the compact index (src/extension/directory-store.ts):
// the head, and the pieces its verdicts asked for (at most PIECES_KEPT between verdicts), read
// here from a Map of the stored pieces as the store reads them from IndexedDB.

/** The store's bound on pieces kept between verdicts (directory-store.ts PIECES_KEPT). */
const PIECES_KEPT = 64;

export interface HeldMemory {
  /** All pieces together: what the browser stores on disk. */
  storedBytes: number;
  pieceCount: number;
  /** After a wake that judged one unknown shop (the look-alike part read) and one listed shop. */
  wakeBytes: number;
  wakePieces: number;
  /** The bound: the head, the look-alike part and the PIECES_KEPT largest other pieces. */
  boundBytes: number;
  /** The reader's own objects (typed-array views, the alphabet), from the heap. */
  readerHeap: number;
}

/** Runs `ask` against the index, adding each piece it asks for (as the store does in one transaction). */
function withPieces<T>(compact: CompactDirectory, pieces: Map<string, Uint8Array>, ask: () => T): T {
  for (;;) {
    try {
      return ask();
    } catch (error) {
      if (!(error instanceof PieceMissing)) throw error;
      // A copy: the worker holds what IndexedDB hands it, not a view into the whole.
      if (!compact.addPiece(error.piece, pieces.get(error.piece)?.slice())) throw new Error(`bad piece ${error.piece}`);
    }
  }
}

export function heldMemory(
  whole: Uint8Array,
  platforms: readonly string[],
  shops: { known: string; unknown: string },
  heapNow: () => number,
): HeldMemory {
  const pieces = piecesOf(whole, 1);
  let storedBytes = 0;
  const sizes: number[] = [];
  for (const [key, piece] of pieces) {
    storedBytes += piece.byteLength;
    if (key !== PIECE_HEAD && key !== 'look') sizes.push(piece.byteLength);
  }
  sizes.sort((a, b) => b - a);
  const fixed = (pieces.get(PIECE_HEAD)?.byteLength ?? 0) + (pieces.get('look')?.byteLength ?? 0);
  const boundBytes = fixed + sizes.slice(0, PIECES_KEPT).reduce((sum, size) => sum + size, 0);

  const before = heapNow();
  const compact = CompactDirectory.fromHead(pieces.get(PIECE_HEAD)?.slice());
  if (!compact) throw new Error('the head does not read back');
  for (const url of [shops.unknown, shops.known]) {
    const resolved = resolveShopIdentity(url, platforms);
    if (!resolved.ok) continue;
    withPieces(compact, pieces, () => {
      recordsWanted(compact, resolved.identity.domain);
      if (compact.merchantOfOwnDomain(resolved.identity.domain) === null) compact.lookalikeOf(resolved.identity);
    });
  }
  const readerHeap = Math.max(0, heapNow() - before - compact.byteLength);
  return {
    storedBytes,
    pieceCount: pieces.size,
    wakeBytes: compact.byteLength,
    wakePieces: compact.heldPieces().length + 1,
    boundBytes,
    readerHeap,
  };
}
