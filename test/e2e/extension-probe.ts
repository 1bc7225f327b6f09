import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

export { tabIdFor } from '../../scripts/demo/chromium-session.ts';

// Ways for a test to see what the shopper sees where Playwright's locators cannot reach:
// the toolbar badge (asked from an extension page through chrome.action) and the in-page
// badge inside its closed shadow root (read through the DevTools protocol, which pierces it).

declare const chrome: {
  action: {
    getBadgeText(details: { tabId: number }): Promise<string>;
    getTitle(details: { tabId: number }): Promise<string>;
    getBadgeBackgroundColor(details: { tabId: number }): Promise<[number, number, number, number]>;
  };
  runtime: { sendMessage(message: unknown): Promise<unknown> };
};

const AXE_SOURCE = readFileSync(resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

export async function toolbarBadge(probe: Page, tabId: number): Promise<{ text: string; title: string }> {
  return probe.evaluate(
    async (id) => ({
      text: await chrome.action.getBadgeText({ tabId: id }),
      title: await chrome.action.getTitle({ tabId: id }),
    }),
    tabId,
  );
}

/** The toolbar badge's background as CSS writes it, `rgb(164, 14, 38)`. */
export async function toolbarBadgeColour(probe: Page, tabId: number): Promise<string> {
  const [r, g, b] = await probe.evaluate((id) => chrome.action.getBadgeBackgroundColor({ tabId: id }), tabId);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Sends a protocol request from an extension page, as the popup and options pages do. */
export function requestFromExtensionPage(probe: Page, message: unknown): Promise<unknown> {
  return probe.evaluate((request) => chrome.runtime.sendMessage(request), message);
}

export interface DomNode {
  backendNodeId: number;
  nodeType: number;
  localName: string;
  nodeValue: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
  shadowRootType?: string;
}

export function find(node: DomNode | undefined, test: (node: DomNode) => boolean): DomNode | null {
  if (!node) return null;
  if (test(node)) return node;
  for (const child of [...(node.shadowRoots ?? []), ...(node.children ?? [])]) {
    const found = find(child, test);
    if (found) return found;
  }
  return null;
}

export function textOf(node: DomNode): string {
  if (node.nodeType === 3) return node.nodeValue;
  if (node.localName === 'style' || node.localName === 'script') return '';
  return (node.children ?? []).map(textOf).join(' ');
}

export function attributesOf(node: DomNode): Record<string, string> {
  const list = node.attributes ?? [];
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) map[list[i] as string] = list[i + 1] as string;
  return map;
}

export interface InPageBadge {
  shadowRootType: string | undefined;
  level: string;
  dir: string;
  lang: string;
  text: string;
  /** The level's shape, as drawn at the badge's start. */
  mark: string;
  /** The badge's computed colours, `rgb(…)`. */
  colours: { text: string; background: string; border: string };
  /** Where the badge is on screen, CSS pixels. */
  box: { x: number; y: number; width: number; height: number };
  dismissCenter: { x: number; y: number } | null;
  /** Where the badge's certificate link leads, when it has one. */
  certificateHref: string | null;
}

async function boxOf(cdp: CDPSession, node: DomNode) {
  const { model } = (await cdp.send('DOM.getBoxModel', { backendNodeId: node.backendNodeId })) as {
    model: { border: number[]; width: number; height: number };
  };
  const [x = 0, y = 0] = model.border;
  return { x, y, width: model.width, height: model.height };
}

async function coloursOf(cdp: CDPSession, node: DomNode): Promise<InPageBadge['colours']> {
  const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: node.backendNodeId })) as {
    object: { objectId: string };
  };
  const { result } = (await cdp.send('Runtime.callFunctionOn', {
    objectId: object.objectId,
    functionDeclaration:
      'function () { const style = getComputedStyle(this); return { text: style.color, background: style.backgroundColor, border: style.borderTopColor }; }',
    returnByValue: true,
  })) as { result: { value: InPageBadge['colours'] } };
  return result.value;
}

/** The in-page badge as rendered, or null when the page has none. */
export async function readInPageBadge(page: Page): Promise<InPageBadge | null> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
    const host = find(root, (node) => node.localName === 'thiqa-badge');
    if (!host) return null;
    const shadow = host.shadowRoots?.[0];
    const aside = find(shadow, (node) => node.localName === 'aside');
    if (!shadow || !aside) return null;
    const attributes = attributesOf(aside);
    const button = find(aside, (node) => node.localName === 'button');
    const mark = find(aside, (node) => attributesOf(node).class === 'thiqa-badge__mark');
    const buttonBox = button ? await boxOf(cdp, button) : null;
    const link = find(aside, (node) => node.localName === 'a');
    return {
      shadowRootType: shadow.shadowRootType,
      level: attributes['data-level'] ?? '',
      dir: attributes.dir ?? '',
      lang: attributes.lang ?? '',
      text: textOf(aside).replace(/\s+/g, ' ').trim(),
      mark: mark ? textOf(mark).trim() : '',
      colours: await coloursOf(cdp, aside),
      box: await boxOf(cdp, aside),
      dismissCenter: buttonBox && { x: buttonBox.x + buttonBox.width / 2, y: buttonBox.y + buttonBox.height / 2 },
      certificateHref: link ? (attributesOf(link).href ?? null) : null,
    };
  } finally {
    await cdp.detach();
  }
}

/** Serious and critical axe-core violations on a page (evaluated over CDP, which the extension CSP allows). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  })) as Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }>;
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}) at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
    );
}
