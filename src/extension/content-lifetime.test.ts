import { parseHTML } from 'linkedom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contentLifetime, extensionId, watchLocation } from './content-lifetime.ts';

// The content script's lifetime (content-lifetime.ts) with two copies of the script in one
// document, as after an extension update in Firefox: linkedom stands in for the page, a
// plain object for the extension's runtime, whose id goes away when the extension is reloaded.

function page() {
  return parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
}

/** linkedom's own events: its documents refuse Node's. */
const { CustomEvent: PageCustomEvent } = parseHTML('<html></html>') as unknown as { CustomEvent: typeof CustomEvent };

function runtime(id: string | undefined = 'abcdefghijklmnop'): { chrome: { runtime: { id: string | undefined } } } {
  return { chrome: { runtime: { id } } };
}

describe('the content script copy', () => {
  afterEach(() => vi.useRealTimers());

  it('stops, running its clean-ups once, when a newer copy in the same world first talks to the background', () => {
    const world = runtime();
    const older = contentLifetime(world, 1_000);
    const newer = contentLifetime(world, 2_000);
    const removed: string[] = [];
    older.onStop(() => removed.push('older badge'));
    newer.onStop(() => removed.push('newer badge'));
    older.announce();
    expect(removed).toEqual([]);
    newer.announce();
    newer.announce();
    expect(removed).toEqual(['older badge']);
    expect(older.isValid()).toBe(false);
    expect(newer.isValid()).toBe(true);
  });

  it('keeps the newer copy when the older one speaks last, and stops the older one', () => {
    const world = runtime();
    const older = contentLifetime(world, 1_000);
    const newer = contentLifetime(world, 2_000);
    newer.announce();
    older.announce();
    expect(newer.stopped).toBe(false);
    expect(older.stopped).toBe(true);
  });

  it('says nothing to the page, and a page imitating a newer copy stops nothing', () => {
    const doc = page();
    const heard: string[] = [];
    for (const name of ['thiqa-content-script', 'abcdefghijklmnop:thiqa-content-script']) {
      doc.addEventListener(name, () => heard.push(name));
    }
    const copy = contentLifetime(runtime(), 1_000);
    copy.announce();
    expect(heard).toEqual([]);
    // What a hostile shop could send, in the form copies once used to announce themselves.
    doc.dispatchEvent(new PageCustomEvent('abcdefghijklmnop:thiqa-content-script', { detail: Number.MAX_VALUE }));
    expect(heard).toEqual(['abcdefghijklmnop:thiqa-content-script']);
    expect(copy.stopped).toBe(false);
    expect(copy.isValid()).toBe(true);
  });

  it('stops when the extension was reloaded under the page: no timer fires, clean-ups run, announcing does nothing', () => {
    vi.useFakeTimers();
    const scope = runtime();
    const copy = contentLifetime(scope, 1_000);
    const fired: string[] = [];
    copy.setTimeout(() => fired.push('timer'), 600);
    copy.onStop(() => fired.push('clean-up'));
    expect(copy.isValid()).toBe(true);
    scope.chrome.runtime.id = undefined;
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['clean-up']);
    expect(copy.isValid()).toBe(false);
    copy.onStop(() => fired.push('late clean-up'));
    expect(fired).toEqual(['clean-up', 'late clean-up']);
  });

  it('reads the id from `browser` (Firefox) or `chrome`, and treats a throwing runtime as gone', () => {
    expect(extensionId({ browser: { runtime: { id: 'firefox-id' } } })).toBe('firefox-id');
    expect(extensionId(runtime('chrome-id'))).toBe('chrome-id');
    const dead = {
      get chrome(): { runtime: { id: string } } {
        throw new Error('Extension context invalidated.');
      },
    };
    expect(extensionId(dead)).toBeUndefined();
  });
});

describe('the single-page navigation watch', () => {
  afterEach(() => vi.useRealTimers());

  it('follows the Navigation API where there is one: once per new address, never after the copy stops', () => {
    const navigation = new EventTarget();
    const win = { location: { href: 'https://shop.ma/blog' }, navigation } as unknown as Window;
    const copy = contentLifetime(runtime(), 1_000);
    const changes: string[] = [];
    watchLocation(win, copy, () => changes.push(win.location.href));
    navigation.dispatchEvent(new Event('currententrychange'));
    expect(changes).toEqual([]);
    (win.location as { href: string }).href = 'https://shop.ma/produit';
    navigation.dispatchEvent(new Event('currententrychange'));
    navigation.dispatchEvent(new Event('currententrychange'));
    expect(changes).toEqual(['https://shop.ma/produit']);
    copy.stop();
    (win.location as { href: string }).href = 'https://shop.ma/panier';
    navigation.dispatchEvent(new Event('currententrychange'));
    expect(changes).toEqual(['https://shop.ma/produit']);
  });

  it('compares the address once a second without it (Firefox before the API), and stops polling with the copy', () => {
    vi.useFakeTimers();
    const win = {
      location: { href: 'https://shop.ma/blog' },
      setInterval: (run: () => void, ms: number) => setInterval(run, ms),
      clearInterval: (handle: ReturnType<typeof setInterval>) => clearInterval(handle),
    } as unknown as Window;
    const copy = contentLifetime(runtime(), 1_000);
    const changes: string[] = [];
    watchLocation(win, copy, () => changes.push(win.location.href));
    (win.location as { href: string }).href = 'https://shop.ma/produit';
    vi.advanceTimersByTime(999);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual(['https://shop.ma/produit']);
    copy.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
