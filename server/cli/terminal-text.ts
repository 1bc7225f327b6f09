import { replaceRefusedCharacters } from '../../src/directory/text-policy.ts';

// The CLI prints what shoppers, merchants and importers wrote: report details, names,
// reasons, summaries, and rows stored before the text policy existed. A terminal obeys
// control characters (ESC [2J clears the screen, OSC 52 writes the clipboard, OSC 8 hides
// a link, C1 CSI does what ESC [ does) and reorders bidi controls, so every line the CLI
// writes passes through here.

const unicodeEscape = (unit: number) => `\\u${unit.toString(16).padStart(4, '0')}`;

function escapeUnits(character: string): string {
  let escaped = '';
  for (let index = 0; index < character.length; index++) escaped += unicodeEscape(character.charCodeAt(index));
  return escaped;
}

/**
 * `text` with every character the text policy refuses wherever it stands written as
 * `\uXXXX` (a character past U+FFFF as its two UTF-16 escapes), LF excepted: the line
 * breaks of the CLI's own output. The escape is what JSON.stringify writes for C0
 * controls and reads back as the same character, so `--json` output stays valid JSON.
 */
export function visibleOnTerminal(text: string): string {
  return replaceRefusedCharacters(text, 'multiline', escapeUnits);
}

/** One field of a one-line listing: its line breaks escaped too, so it cannot fake a line. */
export function visibleOnOneLine(text: string): string {
  return replaceRefusedCharacters(text, 'line', escapeUnits);
}
