import { parseHTML } from 'linkedom';

// A portal page as a shopper's browser would read it: parsed HTML to query, and the text
// a screen shows (whitespace collapsed).

export interface PortalPage {
  status: number;
  headers: Headers;
  document: Document;
  /** The text of the first element matching `selector`, or null. */
  text(selector: string): string | null;
  /** The texts of every element matching `selector`. */
  texts(selector: string): string[];
  /** The `<html>` element's lang and dir. */
  lang: string | null;
  dir: string | null;
}

const squash = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export async function readPortalPage(response: Response): Promise<PortalPage> {
  const html = await response.text();
  const { document } = parseHTML(html);
  const root = document.documentElement;
  return {
    status: response.status,
    headers: response.headers,
    document,
    text: (selector) => {
      const found = document.querySelector(selector);
      return found ? squash(found.textContent) : null;
    },
    texts: (selector) => [...document.querySelectorAll(selector)].map((element) => squash(element.textContent)),
    lang: root?.getAttribute('lang') ?? null,
    dir: root?.getAttribute('dir') ?? null,
  };
}
