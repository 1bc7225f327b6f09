import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PORTAL_LANGUAGES } from './portal-words.ts';
import {
  MAX_PUBLISHER_TEXT_BYTES,
  PUBLISHER_TEXT_NAMES,
  PublisherTexts,
  publisherTextsDir,
} from './publisher-texts.ts';
import type { Block, Inline } from './safe-markdown.tsx';

// The publisher's file wins while it is usable, is read again when it changes, and a
// broken one falls back to the shipped text with one line in the log.

const plain = (nodes: Inline[]): string =>
  nodes.map((node) => (node.kind === 'text' ? node.text : plain(node.content))).join('');

const firstHeading = (blocks: Block[]) => {
  const heading = blocks.find((block) => block.kind === 'heading');
  return heading?.kind === 'heading' ? plain(heading.content) : undefined;
};

let dataDir: string;
let log: string[];
let texts: PublisherTexts;
let override: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'thiqa-texts-'));
  await mkdir(publisherTextsDir(dataDir));
  override = join(publisherTextsDir(dataDir), 'rights.fr.md');
  log = [];
  texts = new PublisherTexts(dataDir, (line) => log.push(line));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const SHIPPED_FR = 'Avant de commander : ce que le vendeur doit vous dire';

describe('PublisherTexts', () => {
  it('serves the shipped text when the publisher has none', async () => {
    await rm(publisherTextsDir(dataDir), { recursive: true });
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe(SHIPPED_FR);
    expect(log).toEqual([]);
  });

  it("serves the publisher's file, reads it again when it changes, and goes back when it is removed", async () => {
    await writeFile(override, '## Version A\n');
    await utimes(override, 1_000_000, 1_000_000);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe('Version A');
    // Same size, later modification time: read again.
    await writeFile(override, '## Version B\n');
    await utimes(override, 1_000_100, 1_000_100);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe('Version B');
    // Other languages keep their own text.
    expect(firstHeading(await texts.blocks('rights', 'en'))).toBe('Before you order: what the seller must tell you');
    await rm(override);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe(SHIPPED_FR);
    expect(log).toEqual([]);
  });

  it('does not read a file again while its time and size are unchanged', async () => {
    await writeFile(override, '## Version A\n');
    await utimes(override, 1_000_000, 1_000_000);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe('Version A');
    await writeFile(override, '## Version C\n');
    await utimes(override, 1_000_000, 1_000_000);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe('Version A');
  });

  it.each([
    ['larger than 64 KB', `## Big\n\n${'a'.repeat(MAX_PUBLISHER_TEXT_BYTES)}`, 'is larger than 64 KB'],
    ['not UTF-8', Buffer.from([0x23, 0x23, 0x20, 0xff, 0xfe, 0x41, 0x0a]), 'is not UTF-8 text'],
    ['empty', '', 'is empty'],
    ['blank', '\n   \n## \n', 'is empty'],
  ])('falls back to the shipped text when the file is %s, and says so once', async (_name, content, problem) => {
    await writeFile(override, content);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe(SHIPPED_FR);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe(SHIPPED_FR);
    expect(log).toEqual([`portal: ${override} ${problem}; serving the shipped text instead`]);
    // Mended: served at once.
    await writeFile(override, '## Mended\n');
    await utimes(override, 2_000_000, 2_000_000);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe('Mended');
  });

  it('falls back when the name is a folder', async () => {
    await mkdir(override);
    expect(firstHeading(await texts.blocks('rights', 'fr'))).toBe(SHIPPED_FR);
    expect(log).toEqual([`portal: ${override} is not a file; serving the shipped text instead`]);
  });

  it('reads a byte-order mark and Windows line ends as an editor means them', async () => {
    await writeFile(override, '\uFEFF## Titre\r\n\r\n- un\r\n- deux\r\n');
    expect(await texts.blocks('rights', 'fr')).toEqual([
      { kind: 'heading', level: 2, content: [{ kind: 'text', text: 'Titre' }] },
      {
        kind: 'list',
        ordered: false,
        start: 1,
        items: [[{ kind: 'text', text: 'un' }], [{ kind: 'text', text: 'deux' }]],
      },
    ]);
  });
});

describe('the shipped texts', () => {
  it.each(PUBLISHER_TEXT_NAMES)('%s has the same sections in every language', async (name) => {
    const outline = async (lang: (typeof PORTAL_LANGUAGES)[number]) =>
      (await texts.blocks(name, lang)).map((block) =>
        block.kind === 'heading' ? `h${block.level}` : block.kind === 'list' ? `list:${block.items.length}` : 'p',
      );
    const english = await outline('en');
    expect(english[0]).toBe('h2');
    expect(await outline('fr')).toEqual(english);
    expect(await outline('ar')).toEqual(english);
  });
});
