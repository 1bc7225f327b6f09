import type { FoundCheckout } from './checkout-forms.ts';
import type { Request, ResponseMap } from './messages.ts';

// The content script's work on a page that may be a shop or holds an order form (reading
// the page, the badge, the checkout warning: entrypoints/shop/page.ts) is made only when
// entrypoints/shop/index.ts finds such a page; a page that is neither never runs it.
// (It was tried as a second file the background injects on demand: that needed the
// `scripting` permission and host permissions on every http(s) site, so the background could
// fetch any site, for no gain the content-script bench could tell from noise. One file it is.)

/** What the content script hands its shop-page part: its way to the background and its lifetime. */
export interface ContentScriptLink {
  /** A request to the background (announces the copy and checks it is alive). */
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

export interface ShopPageLoader {
  /** The shop-page part, made on the first call. */
  load(): ShopPageScript;
  /** The shop-page part if it was made already, else null: nothing is made for this. */
  loaded(): ShopPageScript | null;
}

/** Makes the shop-page part on demand, once. */
export function shopPageLoader(
  link: ContentScriptLink,
  create: (link: ContentScriptLink) => ShopPageScript,
): ShopPageLoader {
  let made: ShopPageScript | null = null;
  return {
    load() {
      made ??= create(link);
      return made;
    },
    loaded: () => made,
  };
}
