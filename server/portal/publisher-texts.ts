import { readFileSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PortalLanguage } from './portal-words.ts';
import { type Block, parseSafeMarkdown } from './safe-markdown.tsx';

// The rights, privacy and accessibility pages are texts the publisher owns: the service
// ships a default for each language (server/portal/texts/<name>.<lang>.md) and serves
// `$THIQA_DATA_DIR/portal/<name>.<lang>.md` instead when there is one. An edited file is
// picked up without a restart: each request costs one stat, and the file is read again
// only when its modification time or size changed. A file that cannot be used (too big,
// not UTF-8, empty, not a file) is reported once in the log and the shipped text served,
// so a mistake never leaves a shopper in front of an empty or broken page.

export const PUBLISHER_TEXT_NAMES = ['rights', 'privacy', 'accessibility'] as const;
export type PublisherTextName = (typeof PUBLISHER_TEXT_NAMES)[number];

/** Far above any honest page; a larger file is a mistake (a pasted document, a binary). */
export const MAX_PUBLISHER_TEXT_BYTES = 64 * 1024;

const SHIPPED_TEXTS = fileURLToPath(new URL('./texts/', import.meta.url));

/** The folder of the publisher's texts under the data directory. */
export const publisherTextsDir = (dataDir: string) => join(dataDir, 'portal');

/** The blocks of a text, or why the bytes cannot be used. */
export function readPublisherText(bytes: Uint8Array): { blocks: Block[] } | { problem: string } {
  if (bytes.length > MAX_PUBLISHER_TEXT_BYTES) return { problem: `larger than ${MAX_PUBLISHER_TEXT_BYTES / 1024} KB` };
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'not UTF-8 text' };
  }
  const blocks = parseSafeMarkdown(source);
  if (blocks.length === 0) return { problem: 'empty' };
  return { blocks };
}

interface Override {
  /** Modification time and size when the file was read: a change of either reads it again. */
  stamp: string;
  /** Null when the file could not be used: the shipped text is served until it changes. */
  blocks: Block[] | null;
}

export class PublisherTexts {
  private readonly shipped = new Map<string, Block[]>();
  private readonly overrides = new Map<string, Override>();

  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
    private readonly shippedDir = SHIPPED_TEXTS,
  ) {}

  /** The text to show: the publisher's file when it is usable, else the shipped one. */
  async blocks(name: PublisherTextName, lang: PortalLanguage): Promise<Block[]> {
    const file = join(publisherTextsDir(this.dataDir), `${name}.${lang}.md`);
    let stats: Stats;
    try {
      stats = await stat(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        this.overrides.delete(file);
        return this.shippedBlocks(name, lang);
      }
      return (
        this.remember(file, `error:${code}`, { problem: `cannot be read (${code})` }) ?? this.shippedBlocks(name, lang)
      );
    }
    const stamp = `${stats.mtimeMs}:${stats.size}`;
    const known = this.overrides.get(file);
    if (known?.stamp === stamp) return known.blocks ?? this.shippedBlocks(name, lang);
    return this.remember(file, stamp, await readOverride(file, stats)) ?? this.shippedBlocks(name, lang);
  }

  private remember(file: string, stamp: string, read: { blocks: Block[] } | { problem: string }): Block[] | null {
    const known = this.overrides.get(file);
    if ('problem' in read) {
      // One line per change of the file, not one per request.
      if (known?.stamp !== stamp) this.log(`portal: ${file} ${read.problem}; serving the shipped text instead`);
      this.overrides.set(file, { stamp, blocks: null });
      return null;
    }
    this.overrides.set(file, { stamp, blocks: read.blocks });
    return read.blocks;
  }

  /** Read once per process; a shipped text that cannot be used is a bug, not the publisher's. */
  private shippedBlocks(name: PublisherTextName, lang: PortalLanguage): Block[] {
    const file = join(this.shippedDir, `${name}.${lang}.md`);
    let blocks = this.shipped.get(file);
    if (!blocks) {
      const read = readPublisherText(readFileSync(file));
      if ('problem' in read) throw new Error(`portal: the shipped text ${file} is ${read.problem}`);
      blocks = read.blocks;
      this.shipped.set(file, blocks);
    }
    return blocks;
  }
}

async function readOverride(file: string, stats: Stats): Promise<{ blocks: Block[] } | { problem: string }> {
  if (!stats.isFile()) return { problem: 'is not a file' };
  if (stats.size > MAX_PUBLISHER_TEXT_BYTES) return { problem: `is larger than ${MAX_PUBLISHER_TEXT_BYTES / 1024} KB` };
  try {
    const read = readPublisherText(await readFile(file));
    return 'problem' in read ? { problem: `is ${read.problem}` } : read;
  } catch (error) {
    return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
}
