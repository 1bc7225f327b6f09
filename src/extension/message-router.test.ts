import { describe, expect, it } from 'vitest';
import { type Caller, createMessageRouter, type Handlers, type MessageSender } from './message-router.ts';

const RUNTIME_ID = 'thiqaextensionid';
const ORIGIN = `chrome-extension://${RUNTIME_ID}/`;

/** Handlers that only say who asked, so the test sees what the router let through. */
const calls: Array<{ type: string; caller: Caller }> = [];
const handlers = new Proxy({} as Handlers, {
  get: (_target, type: string) => async (_request: unknown, caller: Caller) => {
    calls.push({ type, caller });
    return 'handled';
  },
});
const route = createMessageRouter(handlers, RUNTIME_ID, ORIGIN);

const popup: MessageSender = { id: RUNTIME_ID, url: `${ORIGIN}popup.html?tab=4` };
const contentScript: MessageSender = { id: RUNTIME_ID, url: 'https://shop.test/p', frameId: 0, tab: { id: 7 } };
const contentScriptInFrame: MessageSender = { ...contentScript, frameId: 3 };
const otherExtension: MessageSender = { id: 'someoneelse', url: 'chrome-extension://someoneelse/page.html' };

describe('message router', () => {
  it.each<[string, MessageSender, unknown, string | null]>([
    ['the popup asks for a tab view', popup, { type: 'getTabView', tabId: 4 }, null],
    ['the popup sends a report', popup, { type: 'submitReport', tabId: 4 }, null],
    ['a content script asks for its own badge', contentScript, { type: 'getPageBadge' }, null],
    ['a content script hides its own badge', contentScript, { type: 'hidePageBadge' }, null],
    ['a content script continues past its own checkout warning', contentScript, { type: 'continueCheckout' }, null],
    [
      'a content script names a site to continue on',
      contentScript,
      { type: 'continueCheckout', domain: 'other-shop.test' },
      'request',
    ],
    [
      'a content script tries to send a report',
      contentScript,
      { type: 'submitReport', tabId: 7 },
      'not allowed from a web page',
    ],
    [
      'a content script asks about another tab',
      contentScript,
      { type: 'getTabView', tabId: 1 },
      'not allowed from a web page',
    ],
    [
      'a content script changes a site choice',
      contentScript,
      { type: 'setSiteChoice', domain: 'shop.test', trusted: true },
      'not allowed',
    ],
    ['a script in a subframe', contentScriptInFrame, { type: 'getPageBadge' }, 'unknown sender'],
    ['another extension', otherExtension, { type: 'getDirectoryStatus' }, 'unknown sender'],
    ['a sender without id', { url: 'https://evil.test/' }, { type: 'getPageBadge' }, 'unknown sender'],
    ['an unknown request', popup, { type: 'dropDatabase' }, 'request'],
    ['a request with an extra field', popup, { type: 'getTabView', tabId: 4, url: 'https://x.test' }, 'request'],
    ['a negative tab id', popup, { type: 'getTabView', tabId: -1 }, 'request'],
    [
      'a report amendment that is too long',
      popup,
      { type: 'amendReport', idempotencyKey: crypto.randomUUID(), reason: 'fraud', details: 'x'.repeat(2001) },
      'request',
    ],
    [
      'a report amendment with a right-to-left override',
      popup,
      { type: 'amendReport', idempotencyKey: crypto.randomUUID(), reason: 'fraud', details: 'Payé \u202eévil' },
      'request: details: contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6',
    ],
    [
      'a site choice for something that is not a domain',
      popup,
      { type: 'setSiteChoice', domain: '<img src=x>', hideBadge: true },
      'request',
    ],
    ['not an object at all', popup, 'getTabView', 'request'],
  ])('%s', async (_name, sender, message, refusal) => {
    calls.length = 0;
    const reply = await route(message, sender);
    if (refusal === null) {
      expect(reply).toEqual({ ok: true, value: 'handled' });
      expect(calls).toHaveLength(1);
    } else {
      expect(reply.ok).toBe(false);
      expect(reply.ok ? '' : reply.error).toContain(refusal);
      expect(calls).toHaveLength(0);
    }
  });

  it('tells a handler which tab a content script speaks for, from the sender and never the message', async () => {
    calls.length = 0;
    await route({ type: 'getPageBadge' }, contentScript);
    expect(calls[0]?.caller).toEqual({ kind: 'content-script', tabId: 7 });
  });
});
