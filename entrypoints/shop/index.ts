import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { watchForCheckout } from '../../src/extension/checkout-watch.ts';
import { contentLifetime, watchLocation } from '../../src/extension/content-lifetime.ts';
import { timed } from '../../src/extension/content-timing.ts';
import type { Request, ResponseMap } from '../../src/extension/messages.ts';
import { sharedBodyText } from '../../src/extension/page-reader.ts';
import { RequestFailed, sendRequest } from '../../src/extension/send-request.ts';
import { isLiveShopPage } from '../../src/extension/shop-page-signals.ts';
import { isSocialSellerPage } from '../../src/extension/social-page.ts';
import { shopPageScript } from './page.ts';

// The content script, declared in the manifest by wxt.config.ts (every http(s) page, at
// document_idle) and built as an unlisted script: WXT's content-script wrapper set up the
// webextension polyfill and its ContentScriptContext on every page the shopper opens.
// content-lifetime.ts keeps what that context gave: the copy stops when the extension is
// reloaded or a newer copy starts, and it follows a single-page shop's navigations.
// It first decides whether the page may be a shop and watches for an order form; the rest
// (reading the page, the badge, the warning: page.ts) runs only when one of those says so.
// A page that is neither talks to nobody.

/** Single-page shops render the new page after the URL changes; give them this long. */
const RENDER_AFTER_NAVIGATION_MS = 600;

function main(): void {
  const lifetime = contentLifetime();
  /** Every request goes through here: the first one announces this copy; none leaves a stopped one. */
  const ask = <R extends Request>(request: R): Promise<ResponseMap[R['type']]> => {
    lifetime.announce();
    if (!lifetime.isValid()) return Promise.reject(new RequestFailed('the extension was reloaded'));
    return sendRequest(request);
  };
  const shopPage = shopPageScript({ ask, onStop: (cleanup) => lifetime.onStop(cleanup) });

  let generation = 0;
  const showBadge = async () => {
    const current = ++generation;
    const bodyText = sharedBodyText(document);
    // A social seller's profile is told from its address alone (social-page.ts).
    const isShop = timed(
      'shop-signals',
      () => isSocialSellerPage(location) || isLiveShopPage(document, location, bodyText),
    );
    if (!isShop) {
      // A single-page shop's earlier page may have shown one.
      shopPage.removeBadge();
      return;
    }
    const stillCurrent = () => current === generation && !lifetime.stopped;
    // Reading the page starts in this same task (the bench counts it inside the evaluation).
    if (stillCurrent()) await shopPage.showBadge({ stillCurrent, bodyText });
  };

  // The checkout warning: on any page, once an order form is there (now or added later).
  let checkoutUi: { remove(): void } | null = null;
  let stopCheckoutWatch = () => {};
  const watchCheckout = () => {
    const current = generation;
    stopCheckoutWatch();
    checkoutUi?.remove();
    checkoutUi = null;
    stopCheckoutWatch = watchForCheckout(
      document,
      () => location.pathname,
      (found) => {
        const isCurrent = () => current === generation && !lifetime.stopped;
        if (!isCurrent()) return;
        void shopPage.showCheckoutWarning(found, isCurrent).then((shown) => {
          checkoutUi = shown;
          // The warning says what the corner badge says, and on a phone the badge could cover the order button.
          if (shown) shopPage.removeBadge();
        });
      },
    );
  };
  lifetime.onStop(() => stopCheckoutWatch());

  void showBadge().then(() => {
    if (lifetime.stopped) return;
    watchCheckout();
    // A single-page shop moves from a blog post to a product without loading a page.
    watchLocation(window, lifetime, () => {
      lifetime.setTimeout(() => {
        void showBadge();
        watchCheckout();
      }, RENDER_AFTER_NAVIGATION_MS);
    });
  });
}

export default defineUnlistedScript(main);
