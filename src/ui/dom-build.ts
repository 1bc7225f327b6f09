// A few lines that build DOM nodes, for the views the content script draws into a shop's
// page: a UI library would be compiled again on every page a shopper opens, for two small
// views. Text goes in as text nodes only (never as markup), attributes by name.

type Child = Node | string | null | undefined | false;

/** An element with its attributes (null or false leaves one out) and children. */
export function element(
  doc: Document,
  tag: string,
  attributes: Readonly<Record<string, string | null | false>>,
  ...children: Child[]
): HTMLElement {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== false) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? doc.createTextNode(child) : child);
  }
  return node;
}

/** Sets CSS custom properties (the level colours) on an element. */
export function withProperties(node: HTMLElement, properties: Readonly<Record<string, string>>): HTMLElement {
  for (const [name, value] of Object.entries(properties)) node.style.setProperty(name, value);
  return node;
}
