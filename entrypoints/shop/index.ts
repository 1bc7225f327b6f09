import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { watchForCheckout } from '../../src/extension/checkout-watch.ts';
import { contentLifetime, watchLocation } from '../../src/extension/content-lifetime.ts';
import { timed } from '../../src/extension/content-timing.ts';
import type { PageBadge, Request, ResponseMap } from '../../src/extension/messages.ts';
import { reportPageClaims } from '../../src/extension/page-claims-flow.ts';
import { sharedBodyText } from '../../src/extension/page-reader.ts';
import { RequestFailed, sendRequest } from '../../src/extension/send-request.ts';
import { createShadowMount, pageDirection, type ShadowMount } from '../../src/extension/shadow-mount.ts';
import { isLiveShopPage } from '../../src/extension/shop-page-signals.ts';
import { isSocialSellerPage } from '../../src/extension/social-page.ts';
import { pageBadgeElement, placeBadgeHost } from '../../src/ui/page-badge-view.ts';
import { type CheckoutUi, showCheckoutWarning } from './checkout-warning.ts';
import badgeCss from './style.css?inline';

// The content script, declared in the manifest by wxt.config.ts (every http(s) page, at
// document_idle) and built as an unlisted script: WXT's content-script wrapper set up the
// webextension polyfill and its ContentScriptContext on every page the shopper opens,
// before this code ran (about half the script's time on a page that is no shop).
// content-lifetime.ts keeps what that context gave: the copy stops when the extension is
// reloaded or a newer copy starts, and it follows a single-page shop's navigations.

/** Single-page shops render the new page after the URL changes; give them this long. */
const RENDER_AFTER_NAVIGATION_MS = 600;

// Wiring only: read the page's own signals; on a shop page report what the page says about
// itself and take this tab's badge and show it in a closed shadow root the page's scripts and styles cannot reach.
function main(): void {
  const lifetime = contentLifetime();
  /** Every request goes through here: the first one announces this copy; none leaves a stopped one. */
  const ask = <R extends Request>(request: R): Promise<ResponseMap[R['type']]> => {
    lifetime.announce();
    if (!lifetime.isValid()) return Promise.reject(new RequestFailed('the extension was reloaded'));
    return sendRequest(request);
  };

  let ui: ShadowMount | null = null;
  let generation = 0;
  const removeBadge = () => {
    if (!ui) return;
    ui.host.remove();
    ui = null;
  };
  lifetime.onStop(removeBadge);

  const mountBadge = (badge: PageBadge, current: number) => {
    removeBadge();
    if (!badge.show || current !== generation || !document.body || lifetime.stopped) return;
    timed('mount-badge', () => {
      // The host follows the page's direction (for the corner); the badge follows ours.
      const direction = pageDirection(document);
      const mounted = createShadowMount(document, 'thiqa-badge', badgeCss);
      placeBadgeHost(mounted.host, direction);
      const dismiss = () => {
        if (ui === mounted) removeBadge();
        void ask({ type: 'hidePageBadge' }).catch(() => null);
      };
      mounted.container.append(pageBadgeElement(document, badge, dismiss));
      document.body.append(mounted.host);
      ui = mounted;
    });
  };

  const showBadge = async () => {
    const current = ++generation;
    removeBadge();
    // A social seller's profile is told from its address alone (social-page.ts).
    const bodyText = sharedBodyText(document);
    if (!timed('shop-signals', () => isSocialSellerPage(location) || isLiveShopPage(document, location, bodyText)))
      return;
    // What the page says about itself goes with the request: the answer is the badge
    // judged with it. No answer (the extension was reloaded under this page): silence.
    await reportPageClaims({
      doc: document,
      location,
      report: (facts, legalPagePath) => ask({ type: 'reportPageFacts', facts, legalPagePath }).catch(() => null),
      onBadge: (badge) => mountBadge(badge, current),
      stillCurrent: () => current === generation && !lifetime.stopped,
      bodyText,
    });
  };

  // The checkout warning: on any page, once an order form is there (now or added later).
  let checkoutUi: CheckoutUi | null = null;
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
        void showCheckoutWarning(found, {
          ask,
          isCurrent: () => current === generation && !lifetime.stopped,
          onStop: (cleanup) => lifetime.onStop(cleanup),
        }).then((shown) => {
          checkoutUi = shown;
          // The warning says what the corner badge says, and on a phone the badge could cover the order button.
          if (shown) removeBadge();
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
