import { z } from 'zod';

// One rule for every text a shopper, a merchant or a moderator reads: merchant names,
// labels, flag summaries, report details and contacts, moderators' reasons and notes.
// Such text must show what it holds, in the order it holds it:
//   - no control characters (C0 U+0000–001F, DEL, C1 U+0080–009F): they drive terminals
//     and break lines; multi-line text keeps LF, with CRLF and CR read as LF;
//   - no bidi marks, embeddings, overrides or isolates (U+061C, U+200E, U+200F,
//     U+202A–202E, U+2066–2069): they make text lie about its order on screen, and the
//     interfaces isolate every name already (<bdi>), so no name needs them;
//   - no line or paragraph separators (U+2028, U+2029), not even in multi-line text;
//   - no invisible or format characters (Unicode category Cf, and every default-ignorable
//     code point: U+200B, U+2060–2064, U+FEFF, U+00AD, U+180E, the Hangul fillers, tag
//     characters...), except what a script or an emoji needs, in its place:
//       ZWNJ U+200C and ZWJ U+200D (Persian and Arabic joining, Indic conjuncts, emoji
//       sequences such as 👨‍👩‍👧) between two visible characters, one at a time;
//       variation selectors (U+FE00–FE0F: emoji and text presentation; U+E0100–E01EF:
//       CJK ideograph variants; the Mongolian free variation selectors) right after the
//       visible character they vary, one at a time;
//   - no lone surrogates and no noncharacters (U+FDD0–FDEF, U+xFFFE, U+xFFFF).
// Visible spaces (no-break, narrow no-break, ideographic...) are letters' business and stay.

export type TextLayout = 'line' | 'multiline';

export interface RefusedCharacter {
  codePoint: number;
  /** 1-based, counted in characters (code points), in the text as checked. */
  position: number;
  /** Why a character that is sometimes allowed was refused here. */
  misplaced?: 'joiner' | 'variation-selector';
}

const NAMES: Record<number, string> = {
  0: 'NULL',
  7: 'BELL',
  8: 'BACKSPACE',
  9: 'CHARACTER TABULATION',
  10: 'LINE FEED',
  11: 'LINE TABULATION',
  12: 'FORM FEED',
  13: 'CARRIAGE RETURN',
  27: 'ESCAPE',
  127: 'DELETE',
  133: 'NEXT LINE',
  155: 'CONTROL SEQUENCE INTRODUCER',
  156: 'STRING TERMINATOR',
  157: 'OPERATING SYSTEM COMMAND',
  173: 'SOFT HYPHEN',
  847: 'COMBINING GRAPHEME JOINER',
  1564: 'ARABIC LETTER MARK',
  4447: 'HANGUL CHOSEONG FILLER',
  4448: 'HANGUL JUNGSEONG FILLER',
  6158: 'MONGOLIAN VOWEL SEPARATOR',
  8203: 'ZERO WIDTH SPACE',
  8204: 'ZERO WIDTH NON-JOINER',
  8205: 'ZERO WIDTH JOINER',
  8206: 'LEFT-TO-RIGHT MARK',
  8207: 'RIGHT-TO-LEFT MARK',
  8232: 'LINE SEPARATOR',
  8233: 'PARAGRAPH SEPARATOR',
  8234: 'LEFT-TO-RIGHT EMBEDDING',
  8235: 'RIGHT-TO-LEFT EMBEDDING',
  8236: 'POP DIRECTIONAL FORMATTING',
  8237: 'LEFT-TO-RIGHT OVERRIDE',
  8238: 'RIGHT-TO-LEFT OVERRIDE',
  8288: 'WORD JOINER',
  8289: 'FUNCTION APPLICATION',
  8290: 'INVISIBLE TIMES',
  8291: 'INVISIBLE SEPARATOR',
  8292: 'INVISIBLE PLUS',
  8294: 'LEFT-TO-RIGHT ISOLATE',
  8295: 'RIGHT-TO-LEFT ISOLATE',
  8296: 'FIRST STRONG ISOLATE',
  8297: 'POP DIRECTIONAL ISOLATE',
  12644: 'HANGUL FILLER',
  65279: 'ZERO WIDTH NO-BREAK SPACE',
  65440: 'HALFWIDTH HANGUL FILLER',
};

/** Never shown as such, whatever surrounds it (joiners and selectors are judged in context). */
const HIDDEN_OR_CONTROL =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}\p{Default_Ignorable_Code_Point}]/u;
const LINE_FEED = 0x0a;
const isJoiner = (codePoint: number) => codePoint === 0x200c || codePoint === 0x200d;
const isVariationSelector = (codePoint: number) =>
  (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
  (codePoint >= 0xe0100 && codePoint <= 0xe01ef) ||
  (codePoint >= 0x180b && codePoint <= 0x180d) ||
  codePoint === 0x180f;

/** A character the policy refuses wherever it stands (joiners and variation selectors are not). */
export function isAlwaysRefused(codePoint: number, layout: TextLayout): boolean {
  if (codePoint === LINE_FEED) return layout === 'line';
  if (isJoiner(codePoint) || isVariationSelector(codePoint)) return false;
  return HIDDEN_OR_CONTROL.test(String.fromCodePoint(codePoint));
}

/** `text` with each character refused wherever it stands replaced by what `replace` makes of it. */
export function replaceRefusedCharacters(
  text: string,
  layout: TextLayout,
  replace: (character: string) => string,
): string {
  return text.replace(new RegExp(HIDDEN_OR_CONTROL, 'gu'), (character) =>
    isAlwaysRefused(character.codePointAt(0) as number, layout) ? replace(character) : character,
  );
}

/** A character something visible can lean on: not a space, not a joiner, selector or control. */
const isVisibleBase = (codePoint: number | undefined) =>
  codePoint !== undefined &&
  !/\s/u.test(String.fromCodePoint(codePoint)) &&
  !HIDDEN_OR_CONTROL.test(String.fromCodePoint(codePoint));

/** The first character of `text` the policy refuses, or undefined when it has none. */
export function findRefusedCharacter(text: string, layout: TextLayout): RefusedCharacter | undefined {
  // Every character the loop below can refuse (controls, LF included, joiners and
  // selectors included) is one HIDDEN_OR_CONTROL matches: text with none of them, nearly
  // all text, is accepted by one regular-expression scan (publishing checks every field
  // of every merchant).
  if (!HIDDEN_OR_CONTROL.test(text)) return undefined;
  // Code points, so that a lone surrogate stands alone and an emoji counts once.
  const codePoints = Array.from(text, (character) => character.codePointAt(0) as number);
  for (let index = 0; index < codePoints.length; index++) {
    const codePoint = codePoints[index] as number;
    const position = index + 1;
    if (isAlwaysRefused(codePoint, layout)) return { codePoint, position };
    const before = codePoints[index - 1];
    if (isJoiner(codePoint)) {
      const after = codePoints[index + 1];
      const leansOnBefore = isVisibleBase(before) || (before !== undefined && isVariationSelector(before));
      if (!leansOnBefore || !isVisibleBase(after)) return { codePoint, position, misplaced: 'joiner' };
    }
    if (isVariationSelector(codePoint) && !isVisibleBase(before)) {
      return { codePoint, position, misplaced: 'variation-selector' };
    }
  }
  return undefined;
}

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

function nameOf(codePoint: number): string | undefined {
  if (codePoint >= 0xfe00 && codePoint <= 0xfe0f) return `VARIATION SELECTOR-${codePoint - 0xfe00 + 1}`;
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return `VARIATION SELECTOR-${codePoint - 0xe0100 + 17}`;
  return NAMES[codePoint];
}

function kindOf(codePoint: number): string | undefined {
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'a lone surrogate';
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return 'a tag character';
  if (/\p{Noncharacter_Code_Point}/u.test(String.fromCodePoint(codePoint))) return 'a noncharacter';
  if (/\p{Cc}/u.test(String.fromCodePoint(codePoint))) return 'a control character';
  return undefined;
}

/** E.g. `contains U+200B ZERO WIDTH SPACE at character 7`. */
export function describeRefusedCharacter(refused: RefusedCharacter): string {
  const name = nameOf(refused.codePoint);
  const kind = kindOf(refused.codePoint);
  const label = name
    ? `${hex(refused.codePoint)} ${name}`
    : kind
      ? `${hex(refused.codePoint)} (${kind})`
      : hex(refused.codePoint);
  const where = `contains ${label} at character ${refused.position}`;
  if (refused.misplaced === 'joiner') return `${where}, which belongs between two visible characters`;
  if (refused.misplaced === 'variation-selector') return `${where}, which belongs right after the character it varies`;
  return where;
}

/** The zod refinement of the policy, for a schema that has its own shape (a URL, say). */
export function checkTextPolicy(layout: TextLayout) {
  return (text: string, ctx: z.RefinementCtx<string>) => {
    const refused = findRefusedCharacter(text, layout);
    if (refused) ctx.addIssue({ code: 'custom', message: describeRefusedCharacter(refused), input: text });
  };
}

/** CRLF and CR, as other systems end lines, read as LF. */
export const normalizeLineBreaks = (text: string) => text.replace(/\r\n?/g, '\n');

/**
 * One line of text a person reads (a name, a label, a summary, a reason): trimmed, at
 * most `max` UTF-16 units, held to the text policy. Add `.min(n)` when it is required.
 */
export const personText = (max: number) => z.string().trim().max(max).superRefine(checkTextPolicy('line'));

/** Free text over several lines (report details, moderators' notes): LF only, as above. */
export const multilineText = (max: number) =>
  z.string().overwrite(normalizeLineBreaks).trim().max(max).superRefine(checkTextPolicy('multiline'));
