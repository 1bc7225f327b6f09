import { timed } from './content-timing.ts';
import type { ClaimFacts } from './page-claims.ts';
import { PAGE_HINTS_MAX, PAGE_LINK_HREF_MAX, PAGE_LINKS_MAX, PAGE_TEXT_MAX } from './page-fact-limits.ts';

// The content script's side of reading what a shop says about itself, on a budget: a
// hostile page may hold megabytes of text and a DOM thousands deep, and the shopper's page
// must not stall. Text is walked node by node up to a character cap (no innerText: it
// forces layout), plus the footer, where law 31-08's mentions usually sit.
// The reading of the claims themselves (page-claims.ts: some thirty patterns over the text)
// happens in the background, which gets these facts: compiling and running those patterns
// cost the shopper's page 2–6 ms of its main thread. The facts stay in the browser.

/** Characters of page text read from the top of the body, then from the footer. */
const BODY_TEXT_CAP = 30_000;
const FOOTER_TEXT_CAP = 10_000;
/** Text nodes visited at most: a deep DOM of tiny nodes ends the walk too. */
const TEXT_NODE_CAP = 4_000;
const IMAGE_CAP = 150;
const LINK_CAP = PAGE_LINKS_MAX;
/** The legal page: one request, same origin, no cookies, bounded in size and time. */
export const LEGAL_PAGE_MAX_BYTES = 512 * 1024;
export const LEGAL_PAGE_TIMEOUT_MS = 4_000;

const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'THIQA-BADGE']);

/** Text of `root` in document order, bounded in characters and nodes. */
export function boundedText(root: Node | null, maxChars: number): string {
  if (!root) return '';
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const parts: string[] = [];
  let length = 0;
  let visited = 0;
  for (let node = walker.nextNode(); node && length < maxChars && visited < TEXT_NODE_CAP; node = walker.nextNode()) {
    visited++;
    const parent = node.parentElement;
    if (parent && SKIPPED.has(parent.tagName)) continue;
    const value = node.nodeValue ?? '';
    if (value.trim() === '') continue;
    const piece = value.length > maxChars - length ? value.slice(0, maxChars - length) : value;
    parts.push(piece);
    length += piece.length;
  }
  return parts.join(' ');
}

/** The live page's text for the page reader, walked once however many readers ask. */
export function sharedBodyText(doc: Document): () => string {
  let text: string | undefined;
  return () => {
    text ??= boundedText(doc.body, BODY_TEXT_CAP);
    return text;
  };
}

/** Text, image words and links of a document (the live page or the parsed legal page). */
export function readClaimFacts(doc: Document, bodyText = sharedBodyText(doc)): ClaimFacts {
  const footer = doc.querySelector('footer, [role="contentinfo"], #footer, .footer');
  const text = `${bodyText()}\n${footer ? boundedText(footer, FOOTER_TEXT_CAP) : ''}`.slice(0, PAGE_TEXT_MAX);
  const hints: string[] = [];
  // Indexing a live collection walks only as far as the index; `.length` would walk the
  // whole document (26,000 elements on the hostile fixture).
  const images = doc.images;
  for (let i = 0; i < IMAGE_CAP; i++) {
    const image = images[i];
    if (!image) break;
    for (const value of [
      image.alt,
      image.title,
      image.getAttribute('aria-label'),
      fileName(image.getAttribute('src')),
    ]) {
      if (value) hints.push(value.slice(0, 200));
    }
  }
  const links: Array<{ href: string; text: string }> = [];
  const anchors = doc.links;
  for (let i = 0; i < LINK_CAP; i++) {
    const anchor = anchors[i] as HTMLAnchorElement | undefined;
    if (!anchor) break;
    const words = `${anchor.textContent ?? ''} ${anchor.title} ${anchor.getAttribute('aria-label') ?? ''}`;
    links.push({ href: anchor.href.slice(0, PAGE_LINK_HREF_MAX), text: words.trim().slice(0, 200) });
    if (anchor.title) hints.push(anchor.title.slice(0, 200));
  }
  return { text, hints: hints.slice(0, PAGE_HINTS_MAX), links };
}

function fileName(src: string | null): string {
  if (!src || src.startsWith('data:')) return '';
  return (src.split(/[?#]/)[0] ?? '').split('/').pop()?.slice(0, 120) ?? '';
}

/**
 * Fetches the shop's own legal page as the shop's page would (same origin, no cookies),
 * HTML only, at most LEGAL_PAGE_MAX_BYTES, within LEGAL_PAGE_TIMEOUT_MS, and parses it
 * inert with DOMParser (no script runs, nothing loads). Null on any failure.
 */
export async function fetchLegalPage(url: URL, pageOrigin: string, fetchFn: typeof fetch = fetch) {
  if (url.origin !== pageOrigin) return null;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), LEGAL_PAGE_TIMEOUT_MS);
  try {
    const response = await fetchFn(url.href, {
      credentials: 'omit',
      redirect: 'follow',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
      signal: abort.signal,
    });
    if (!response.ok || new URL(response.url || url.href).origin !== pageOrigin) return null;
    if (!/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) return null;
    const html = await readCapped(response, LEGAL_PAGE_MAX_BYTES);
    return timed('parse-legal-page', () => new DOMParser().parseFromString(html, 'text/html'));
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - bytes;
    text += decoder.decode(value.subarray(0, room), { stream: true });
    bytes += Math.min(value.byteLength, room);
    if (bytes >= maxBytes) {
      await reader.cancel();
      break;
    }
  }
  return text + decoder.decode();
}
