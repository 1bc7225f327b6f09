import { describe, expect, it } from 'vitest';
import { multilineText, personText } from './text-policy.ts';

const refusal = (schema: ReturnType<typeof personText>, text: string) => {
  const result = schema.safeParse(text);
  return result.success ? null : result.error.issues.map((issue) => issue.message).join('; ');
};

describe('the text policy, one line', () => {
  const line = personText(300);

  it.each([
    ['a zero-width space', 'Atlas\u200bÉlectro', 'contains U+200B ZERO WIDTH SPACE at character 6'],
    ['a line separator', 'Atlas\u2028Électro', 'contains U+2028 LINE SEPARATOR at character 6'],
    ['a paragraph separator', 'Atlas\u2029Électro', 'contains U+2029 PARAGRAPH SEPARATOR at character 6'],
    ['NEL (C1)', 'Atlas\u0085Électro', 'contains U+0085 NEXT LINE at character 6'],
    ['CSI (C1)', 'Atlas\u009b2J', 'contains U+009B CONTROL SEQUENCE INTRODUCER at character 6'],
    ['ESC', 'Atlas\u001b[2J', 'contains U+001B ESCAPE at character 6'],
    ['NUL', 'Atl\u0000as', 'contains U+0000 NULL at character 4'],
    ['a line feed', 'Atlas\nÉlectro', 'contains U+000A LINE FEED at character 6'],
    ['a tab', 'Atlas\tÉlectro', 'contains U+0009 CHARACTER TABULATION at character 6'],
    ['an unnamed C1 control', 'Atlas\u0091', 'contains U+0091 (a control character) at character 6'],
    ['a right-to-left mark', 'متجر\u200f Shop', 'contains U+200F RIGHT-TO-LEFT MARK at character 5'],
    ['a left-to-right mark', 'Shop\u200e', 'contains U+200E LEFT-TO-RIGHT MARK at character 5'],
    ['an Arabic letter mark', 'متجر\u061cShop', 'contains U+061C ARABIC LETTER MARK at character 5'],
    ['a right-to-left override', 'Shop \u202egnp.exe', 'contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6'],
    ['an embedding', '\u202bShop', 'contains U+202B RIGHT-TO-LEFT EMBEDDING at character 1'],
    ['an isolate', 'Avis \u2067caché\u2069', 'contains U+2067 RIGHT-TO-LEFT ISOLATE at character 6'],
    ['a word joiner', 'Atlas\u2060SARL', 'contains U+2060 WORD JOINER at character 6'],
    ['invisible times', 'a\u2062b', 'contains U+2062 INVISIBLE TIMES at character 2'],
    ['a BOM inside', 'Atlas\ufeffSARL', 'contains U+FEFF ZERO WIDTH NO-BREAK SPACE at character 6'],
    ['a soft hyphen', 'Atlas\u00adÉlectro', 'contains U+00AD SOFT HYPHEN at character 6'],
    ['a Mongolian vowel separator', 'Atlas\u180e', 'contains U+180E MONGOLIAN VOWEL SEPARATOR at character 6'],
    ['a Hangul filler', '\u3164', 'contains U+3164 HANGUL FILLER at character 1'],
    ['a halfwidth Hangul filler', 'x\uffa0', 'contains U+FFA0 HALFWIDTH HANGUL FILLER at character 2'],
    ['a Hangul choseong filler', 'x\u115f', 'contains U+115F HANGUL CHOSEONG FILLER at character 2'],
    ['a tag character', 'Shop\u{e0041}', 'contains U+E0041 (a tag character) at character 5'],
    ['a lone surrogate', 'Shop\ud83d!', 'contains U+D83D (a lone surrogate) at character 5'],
    ['a noncharacter', 'Shop\uffff', 'contains U+FFFF (a noncharacter) at character 5'],
    ['a plane-16 noncharacter', 'Shop\u{10fffe}', 'contains U+10FFFE (a noncharacter) at character 5'],
    ['an interlinear annotation (other Cf)', 'Shop\ufff9', 'contains U+FFF9 at character 5'],
    ['a combining grapheme joiner', 'Shop\u034f', 'contains U+034F COMBINING GRAPHEME JOINER at character 5'],
    // Counted in characters: the emoji before it is one, not two UTF-16 units.
    ['a zero-width space after an emoji', '🛒\u200bShop', 'contains U+200B ZERO WIDTH SPACE at character 2'],
    [
      'a joiner at the start',
      '\u200dShop',
      'contains U+200D ZERO WIDTH JOINER at character 1, which belongs between two visible characters',
    ],
    [
      'a joiner before a space',
      'Shop\u200c Bio',
      'contains U+200C ZERO WIDTH NON-JOINER at character 5, which belongs between two visible characters',
    ],
    [
      'two joiners in a row',
      'می\u200c\u200cخواهم',
      'contains U+200C ZERO WIDTH NON-JOINER at character 3, which belongs between two visible characters',
    ],
    [
      'a variation selector with nothing to vary',
      '\ufe0fShop',
      'contains U+FE0F VARIATION SELECTOR-16 at character 1, which belongs right after the character it varies',
    ],
    [
      'two variation selectors in a row',
      '❤\ufe0f\ufe0f',
      'contains U+FE0F VARIATION SELECTOR-16 at character 3, which belongs right after the character it varies',
    ],
  ])('refuses %s, naming the character and where', (_name, text, message) => {
    expect(refusal(line, text)).toBe(message);
  });

  it.each([
    ['Arabic', 'تعاونية دار أركان للتجميل'],
    ['Persian with ZWNJ', 'می\u200cخواهم فروشگاه'],
    ['Arabic with ZWJ', 'ع\u200dـلامة'],
    ['Hindi with ZWJ and ZWNJ', 'क्\u200dष क्\u200cष'],
    ['an emoji', 'Souk 🛒 Bladi'],
    ['an emoji with presentation selector', 'Love ❤\ufe0f Maroc'],
    ['an emoji ZWJ sequence', 'Famille 👨\u200d👩\u200d👧 Shop'],
    ['an emoji ZWJ sequence after a selector', '❤\ufe0f\u200d🔥 Deals'],
    ['a keycap', 'Top 1\ufe0f\u20e3'],
    ['a skin tone', '👍🏽 Merci'],
    ['a CJK ideographic variant', '葛\u{e0100}飾'],
    ['French typography', 'Prix\u202f: 100\u00a0DH'],
    ['HTML as text', '<img src=x onerror="alert(1)">'],
    ['Arabic and Latin mixed', 'متجر ABC-123 للإلكترونيات Shop (Maroc)'],
  ])('accepts %s', (_name, text) => {
    expect(refusal(line, text)).toBeNull();
  });

  it('trims surrounding spaces before it counts', () => {
    expect(line.parse('  Atlas Électro \n')).toBe('Atlas Électro');
    expect(refusal(line, '  a\u200bb')).toBe('contains U+200B ZERO WIDTH SPACE at character 2');
  });
});

describe('the text policy, several lines', () => {
  const multiline = multilineText(2000);

  it('keeps LF and reads CRLF and CR as LF', () => {
    expect(multiline.parse('Payé le 3.\r\nJamais livré.\rAucune réponse.\n')).toBe(
      'Payé le 3.\nJamais livré.\nAucune réponse.',
    );
  });

  it.each([
    ['ESC (clear screen)', 'Payé\u001b[2J', 'contains U+001B ESCAPE at character 5'],
    ['BEL (end of OSC 52)', 'x\u0007', 'contains U+0007 BELL at character 2'],
    ['a tab', 'a\tb', 'contains U+0009 CHARACTER TABULATION at character 2'],
    ['a line separator', 'a\u2028b', 'contains U+2028 LINE SEPARATOR at character 2'],
    ['NEL', 'a\u0085b', 'contains U+0085 NEXT LINE at character 2'],
    ['a right-to-left override', 'a\n\u202eb', 'contains U+202E RIGHT-TO-LEFT OVERRIDE at character 3'],
  ])('refuses %s', (_name, text, message) => {
    expect(refusal(multiline, text)).toBe(message);
  });
});
