import { normalizeLineBreaks, replaceRefusedCharacters } from './text-policy.ts';

// The publisher's texts (rights, privacy, accessibility) are Markdown files anyone with
// access to the data folder may edit, so they are read as a small, closed subset and
// never as HTML: headings (## and ###), paragraphs, bulleted and numbered lists,
// **bold**, and links to http(s) addresses or to paths of the portal. Everything else,
// raw HTML included, is kept as the text it is. The portal renders the blocks with Hono
// JSX (server/portal/safe-markdown.tsx); the extension's bundled help page renders the
// shipped rights text with Preact (src/ui/help-view.tsx), from the same files.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; content: Inline[] }
  | { kind: 'link'; href: string; internal: boolean; content: Inline[] };

export type Block =
  | { kind: 'heading'; level: 2 | 3; content: Inline[] }
  | { kind: 'paragraph'; content: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] };

const HEADING = /^ {0,3}(#{2,3})[ ]+(.*)$/;
const BULLET = /^ *[-*+][ ]+(.*)$/;
const NUMBERED = /^ *(\d{1,9})[.)][ ]+(.*)$/;
/** `[text](target)`: no brackets in the text, no spaces or parentheses in the target. */
const LINK = /\[([^[\]\n]{1,1000})\]\(([^()\s]{1,2000})\)/y;
/** Where a relative link is resolved to check that it stays on this site. */
export const THIS_SITE = 'https://portal.invalid';

/**
 * The target of a link the page may carry, or null: an http(s) address without a user
 * name (`https://bank.ma@evil.example` hides its host), or a path of this site (not
 * `//host` nor `/\host`, which browsers read as another site).
 */
export function safeLinkTarget(target: string): { href: string; internal: boolean } | null {
  if (/^https?:\/\//i.test(target)) {
    if (!URL.canParse(target)) return null;
    const url = new URL(target);
    if (url.username || url.password) return null;
    return { href: url.href, internal: false };
  }
  if (/^\/(?![/\\])/.test(target) && !target.includes('\\') && URL.canParse(target, THIS_SITE)) {
    const url = new URL(target, THIS_SITE);
    if (url.origin !== THIS_SITE) return null;
    return { href: `${url.pathname}${url.search}${url.hash}`, internal: true };
  }
  return null;
}

function parseInline(text: string, allow: { links: boolean; strong: boolean }): Inline[] {
  const nodes: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) nodes.push({ kind: 'text', text: plain });
    plain = '';
  };
  let at = 0;
  while (at < text.length) {
    if (allow.strong && text.startsWith('**', at)) {
      const end = text.indexOf('**', at + 2);
      if (end > at + 2) {
        flush();
        // One level only: bold in bold means nothing, and the depth stays bounded.
        nodes.push({ kind: 'strong', content: parseInline(text.slice(at + 2, end), { ...allow, strong: false }) });
        at = end + 2;
        continue;
      }
    }
    if (allow.links && text[at] === '[') {
      LINK.lastIndex = at;
      const match = LINK.exec(text);
      const target = match ? safeLinkTarget(match[2] as string) : null;
      if (match && target && (match[1] as string).trim()) {
        flush();
        nodes.push({ kind: 'link', ...target, content: parseInline(match[1] as string, { ...allow, links: false }) });
        at = LINK.lastIndex;
        continue;
      }
      // Any other target (javascript:, data:, mailto:, //host) stays as the text written.
    }
    plain += text[at];
    at++;
  }
  flush();
  return nodes;
}

/** Tabs read as spaces; controls, bidi marks and invisible characters are dropped (the text policy). */
function cleanText(source: string): string {
  return replaceRefusedCharacters(normalizeLineBreaks(source).replace(/\t/g, '    '), 'multiline', () => '');
}

interface ListDraft {
  ordered: boolean;
  start: number;
  items: string[];
}

/** The blocks of a Markdown text, in the subset above. */
export function parseSafeMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const open: { paragraph: string[]; list: ListDraft | null } = { paragraph: [], list: null };
  // Headings never skip a level after the page's h1 (a ### first is shown as an h2).
  let lastLevel = 1;
  const inline = (text: string) => parseInline(text.trim(), { links: true, strong: true });
  const closeParagraph = () => {
    if (open.paragraph.length > 0) blocks.push({ kind: 'paragraph', content: inline(open.paragraph.join(' ')) });
    open.paragraph = [];
  };
  const closeList = () => {
    const { list } = open;
    if (list) blocks.push({ kind: 'list', ordered: list.ordered, start: list.start, items: list.items.map(inline) });
    open.list = null;
  };
  const addItem = (ordered: boolean, number: number, text: string) => {
    closeParagraph();
    if (open.list?.ordered !== ordered) closeList();
    open.list ??= { ordered, start: number, items: [] };
    open.list.items.push(text);
  };
  let blankBefore = false;
  for (const line of cleanText(source).split('\n')) {
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (line.trim() === '') {
      closeParagraph();
    } else if (heading) {
      const text = (heading[2] as string).replace(/[ ]+#+[ ]*$/, '').trim();
      closeParagraph();
      closeList();
      if (text) {
        const level = Math.min((heading[1] as string).length, lastLevel + 1) as 2 | 3;
        blocks.push({ kind: 'heading', level, content: inline(text) });
        lastLevel = level;
      }
    } else if (bullet) {
      addItem(false, 1, bullet[1] as string);
    } else if (numbered) {
      addItem(true, Number(numbered[1]), numbered[2] as string);
    } else if (open.list && !blankBefore) {
      // A line right under an item continues it.
      const { items } = open.list;
      items[items.length - 1] += ` ${line.trim()}`;
    } else {
      closeList();
      open.paragraph.push(line.trim());
    }
    blankBefore = line.trim() === '';
  }
  closeParagraph();
  closeList();
  return blocks;
}

/**
 * A web address, an e-mail address or a domain name (`www.cndp.ma`, `https://x.ma/a`,
 * `dpo@x.ma`); a final full stop is the sentence's. Labels are at most 63 characters, as in
 * DNS, and at most ten: without that bound a long `a.a.a.…` word costs quadratic time.
 */
const ADDRESS =
  /(?:https?:\/\/|[a-z0-9._%+-]{1,64}@)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,10}[a-z]{2,63}(?:\/[^\s]*[^\s.,;:!?)])?/gi;

/** Text cut into plain runs and addresses, so each address can be isolated left to right. */
export function splitAddresses(text: string): Array<{ text: string; address: boolean }> {
  const parts: Array<{ text: string; address: boolean }> = [];
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), address: false });
    parts.push({ text: match[0], address: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), address: false });
  return parts;
}
