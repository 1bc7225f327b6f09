// A closed shadow root for the badge and the checkout warning, built by hand: WXT's
// createShadowRootUi brings four helper packages, an async CSS step and a page-wide style
// recalculation to every shop page, where this is a few DOM calls. The page's scripts and
// styles cannot reach inside; keys typed inside do not bubble out to the page's shortcuts.

export interface ShadowMount {
  /** The element placed in the page (its tag names what it is, e.g. `thiqa-badge`). */
  readonly host: HTMLElement;
  /** Where the view renders, inside the shadow root. */
  readonly container: HTMLElement;
}

/** The page's styles must not leak in through inherited properties: the host starts from nothing. */
const HOST_RESET = ':host{all:initial !important;}';
const ISOLATED_EVENTS = ['keydown', 'keyup', 'keypress'] as const;

/** Builds the host, its closed shadow root, the style sheet and the container; the caller places the host. */
export function createShadowMount(doc: Document, tagName: string, css: string): ShadowMount {
  const host = doc.createElement(tagName);
  const shadow = host.attachShadow({ mode: 'closed' });
  const root = doc.createElement('html');
  const head = doc.createElement('head');
  const style = doc.createElement('style');
  style.textContent = `${HOST_RESET}\n${css}`;
  head.append(style);
  const container = doc.createElement('body');
  for (const type of ISOLATED_EVENTS) container.addEventListener(type, (event) => event.stopPropagation());
  root.append(head, container);
  shadow.append(root);
  return { host, container };
}

/**
 * The page's writing direction, for the badge's corner: from the `dir` attributes when the
 * page sets them (nearly every Arabic shop does), which costs nothing; from the computed
 * style only otherwise, before we change anything in the page.
 */
export function pageDirection(doc: Document): 'ltr' | 'rtl' {
  const written = (doc.documentElement.getAttribute('dir') || doc.body?.getAttribute('dir') || '').toLowerCase();
  if (written === 'rtl' || written === 'ltr') return written;
  const view = doc.defaultView;
  return view && view.getComputedStyle(doc.documentElement).direction === 'rtl' ? 'rtl' : 'ltr';
}
