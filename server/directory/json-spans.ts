// Finds where values sit inside a JSON text without building them: a delta compares a
// stored snapshot's records with the new ones as text, so a snapshot of a million merchants
// is never held as a million objects. The text is our own stored JSON (it parsed when it
// was published); anything else fails loudly rather than being half-read.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export interface Span {
  start: number;
  end: number;
}

class NotJson extends Error {
  override name = 'NotJson';
}

function skipSpace(text: string, at: number): number {
  let i = at;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return i;
    i++;
  }
}

/** Just past the string whose opening quote is at `at`. */
function skipString(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new NotJson(`unterminated string at ${at}`);
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The span of the value starting at `at` (after any whitespace). */
export function valueSpan(text: string, at: number): Span {
  const start = skipSpace(text, at);
  const first = text.charCodeAt(start);
  if (first === QUOTE) return { start, end: skipString(text, start) };
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    let i = start;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) {
        i = skipString(text, i);
        continue;
      }
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) depth++;
      else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return { start, end: i + 1 };
      }
      i++;
    }
    throw new NotJson(`unterminated value at ${start}`);
  }
  // A number, true, false or null: up to the next delimiter.
  let end = start;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (code === COMMA || code === CLOSE_OBJECT || code === CLOSE_ARRAY || code <= 0x20) break;
    end++;
  }
  if (end === start) throw new NotJson(`no value at ${start}`);
  return { start, end };
}

/** The members of the object whose span is given, by key. */
export function objectMembers(text: string, object: Span): Map<string, Span> {
  const members = new Map<string, Span>();
  let i = skipSpace(text, object.start);
  if (text.charCodeAt(i) !== OPEN_OBJECT) throw new NotJson(`no object at ${i}`);
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_OBJECT) return members;
  for (;;) {
    const key = valueSpan(text, i);
    i = skipSpace(text, key.end);
    if (text.charCodeAt(i) !== COLON) throw new NotJson(`no colon at ${i}`);
    const value = valueSpan(text, i + 1);
    members.set(JSON.parse(text.slice(key.start, key.end)) as string, value);
    i = skipSpace(text, value.end);
    const next = text.charCodeAt(i);
    if (next === CLOSE_OBJECT) return members;
    if (next !== COMMA) throw new NotJson(`no comma at ${i}`);
    i++;
  }
}

/** Each element of the array whose span is given, as its text. */
export function* arrayElements(text: string, array: Span): Generator<string> {
  let i = skipSpace(text, array.start);
  if (text.charCodeAt(i) !== OPEN_ARRAY) throw new NotJson(`no array at ${i}`);
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_ARRAY) return;
  for (;;) {
    const element = valueSpan(text, i);
    yield text.slice(element.start, element.end);
    i = skipSpace(text, element.end);
    const next = text.charCodeAt(i);
    if (next === CLOSE_ARRAY) return;
    if (next !== COMMA) throw new NotJson(`no comma at ${i}`);
    i++;
  }
}

/** A member of an object span, or an error naming what is missing. */
export function member(members: Map<string, Span>, key: string): Span {
  const span = members.get(key);
  if (!span) throw new NotJson(`no member ${key}`);
  return span;
}
