import type { Page } from 'playwright-core';
import { attributesOf, type DomNode, find, textOf } from './extension-probe.ts';

// Reads the checkout warning as the shopper sees it, through its closed shadow root (the
// DevTools protocol pierces it; page scripts cannot).

export interface CheckoutWarningSeen {
  shadowRootType: string | undefined;
  role: string;
  level: string;
  kind: string;
  lang: string;
  dir: string;
  text: string;
  /** Where it sits on screen, CSS pixels. */
  box: { x: number; y: number; width: number; height: number };
  continueCenter: { x: number; y: number };
  reportHref: string | null;
  /** Which side has the thick start border: right in Arabic. */
  startSide: 'left' | 'right';
  /** The id of the page element right after the warning: the form it warns about. */
  beforeFormId: string | null;
}

/** The checkout warning as rendered, or null when the page has none. */
export async function readCheckoutWarning(page: Page): Promise<CheckoutWarningSeen | null> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
    const host = find(root, (node) => node.localName === 'thiqa-checkout');
    const shadow = host?.shadowRoots?.[0];
    const section = find(shadow, (node) => node.localName === 'section');
    const button = section && find(section, (node) => node.localName === 'button');
    if (!shadow || !section || !button) return null;
    const boxOf = async (node: DomNode) => {
      const { model } = (await cdp.send('DOM.getBoxModel', { backendNodeId: node.backendNodeId })) as {
        model: { border: number[]; width: number; height: number };
      };
      const [x = 0, y = 0] = model.border;
      return { x, y, width: model.width, height: model.height };
    };
    const attributes = attributesOf(section);
    const link = find(section, (node) => node.localName === 'a');
    const buttonBox = await boxOf(button);
    const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: section.backendNodeId })) as {
      object: { objectId: string };
    };
    const { result } = (await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      functionDeclaration:
        'function () { const style = getComputedStyle(this); return parseFloat(style.borderRightWidth) > parseFloat(style.borderLeftWidth) ? "right" : "left"; }',
      returnByValue: true,
    })) as { result: { value: 'left' | 'right' } };
    return {
      shadowRootType: shadow.shadowRootType,
      role: attributes.role ?? '',
      level: attributes['data-level'] ?? '',
      kind: attributes['data-kind'] ?? '',
      lang: attributes.lang ?? '',
      dir: attributes.dir ?? '',
      text: textOf(section).replace(/\s+/g, ' ').trim(),
      box: await boxOf(section),
      continueCenter: { x: buttonBox.x + buttonBox.width / 2, y: buttonBox.y + buttonBox.height / 2 },
      reportHref: link ? (attributesOf(link).href ?? null) : null,
      startSide: result.value,
      beforeFormId: await page.evaluate(() => document.querySelector('thiqa-checkout')?.nextElementSibling?.id ?? null),
    };
  } finally {
    await cdp.detach();
  }
}
