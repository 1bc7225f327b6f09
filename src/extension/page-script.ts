import type { FoundCheckout } from './checkout-forms.ts';
import type { Request, ResponseMap } from './messages.ts';

// The content script comes in two files. The first (entrypoints/shop/), on every page, only
// decides whether the page may be a shop or holds an order form, and watches for one. Only
// then does it ask the background to inject the second (entrypoints/shop-page.ts: reading
// the page, the badge and the checkout warning with their styles), so a page that is no shop
// never compiles it. Both run in the extension's isolated world, where the second leaves its
// functions in a slot of the world's global object: the page's scripts can neither see nor
// replace it, and nothing is said to the page.

/** What the first file hands the second: its way to the background and its lifetime. */
export interface ContentScriptLink {
  /** A request to the background (the first file announces the copy and checks it is alive). */
  ask<R extends Request>(request: R): Promise<ResponseMap[R['type']]>;
  /** Runs `cleanup` when this copy of the script stops. */
  onStop(cleanup: () => void): void;
}

export interface ShopPageScript {
  /**
   * Hands what the page shows to the background and shows the badge it answers (then reads
   * the shop's legal page). `stillCurrent` is false once the page moved on (a single-page shop).
   */
  showBadge(options: { stillCurrent: () => boolean; bodyText: () => string }): Promise<void>;
  /** Removes the badge, if one shows. */
  removeBadge(): void;
  /** The warning above an order form, when the background says this site's checkout warns; null otherwise. */
  showCheckoutWarning(found: FoundCheckout, isCurrent: () => boolean): Promise<{ remove(): void } | null>;
}

interface PageScriptScope {
  thiqaShopPage?: (link: ContentScriptLink) => ShopPageScript;
}

/** Called by the second file as it runs: leaves its entry point in the isolated world's global. */
export function registerShopPageScript(create: (link: ContentScriptLink) => ShopPageScript): void {
  (globalThis as PageScriptScope).thiqaShopPage = create;
}

export interface ShopPageLoader {
  /** The second file's functions: asks the background to inject it, once (it answers once the file has run). */
  load(): Promise<ShopPageScript | null>;
  /** The second file if it was asked for already, else null: nothing is injected for this. */
  loaded(): Promise<ShopPageScript | null>;
}

/** The second file for this copy of the first, taken from the slot once the background injected it. */
export function shopPageLoader(link: ContentScriptLink): ShopPageLoader {
  let loading: Promise<ShopPageScript | null> | undefined;
  return {
    load() {
      loading ??= link.ask({ type: 'loadPageScript' }).then(
        () => (globalThis as PageScriptScope).thiqaShopPage?.(link) ?? null,
        () => null,
      );
      return loading;
    },
    loaded: () => loading ?? Promise.resolve(null),
  };
}
