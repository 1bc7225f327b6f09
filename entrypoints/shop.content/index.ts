import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { PORTAL_URL } from '../../src/extension/build-settings.ts';
import { watchForCheckout } from '../../src/extension/checkout-watch.ts';
import { timed } from '../../src/extension/content-timing.ts';
import type { PageBadge } from '../../src/extension/messages.ts';
import { reportPageClaims } from '../../src/extension/page-claims-flow.ts';
import { sharedBodyText } from '../../src/extension/page-reader.ts';
import { sendRequest } from '../../src/extension/send-request.ts';
import { createShadowMount, pageDirection, type ShadowMount } from '../../src/extension/shadow-mount.ts';
import { isLiveShopPage } from '../../src/extension/shop-page-signals.ts';
import { isSocialSellerPage } from '../../src/extension/social-page.ts';
import { pageBadgeElement, placeBadgeHost } from '../../src/ui/page-badge-view.ts';
import { type CheckoutUi, showCheckoutWarning } from './checkout-warning.ts';
import badgeCss from './style.css?inline';

const PORTAL_ORIGIN = (() => {
  try {
    return new URL(PORTAL_URL).origin;
  } catch {
    return null;
  }
})();

/** Single-page shops render the new page after the URL changes; give them this long. */
const RENDER_AFTER_NAVIGATION_MS = 600;

// Wiring only: read the page's own signals; on a shop page report what the page says about
// itself and take this tab's badge and show it in a closed shadow root the page's scripts and styles cannot reach.
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  // The badge's CSS travels inside the script and goes straight into the shadow root:
  // no web-accessible stylesheet a page could probe to learn that Thiqa is installed.
  cssInjectionMode: 'manual',
  async main(ctx: ContentScriptContext) {
    let ui: ShadowMount | null = null;
    let generation = 0;
    const removeBadge = () => {
      if (!ui) return;
      ui.host.remove();
      ui = null;
    };
    ctx.onInvalidated(removeBadge);

    const mountBadge = (badge: PageBadge, current: number) => {
      removeBadge();
      if (!badge.show || current !== generation || !document.body) return;
      timed('mount-badge', () => {
        // The host follows the page's direction (for the corner); the badge follows ours.
        const direction = pageDirection(document);
        const mounted = createShadowMount(document, 'thiqa-badge', badgeCss);
        placeBadgeHost(mounted.host, direction);
        const dismiss = () => {
          if (ui === mounted) removeBadge();
          void sendRequest({ type: 'hidePageBadge' });
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
        portalOrigin: PORTAL_ORIGIN,
        report: (evidence) => sendRequest({ type: 'reportPageEvidence', evidence }).catch(() => null),
        onBadge: (badge) => mountBadge(badge, current),
        stillCurrent: () => current === generation,
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
          void showCheckoutWarning(ctx, found, () => current === generation && ctx.isValid).then((shown) => {
            checkoutUi = shown;
            // The warning says what the corner badge says, and on a phone the badge could cover the order button.
            if (shown) removeBadge();
          });
        },
      );
    };

    await showBadge();
    watchCheckout();
    ctx.onInvalidated(() => stopCheckoutWatch());
    // A single-page shop moves from a blog post to a product without loading a page.
    ctx.addEventListener(window, 'wxt:locationchange', () => {
      ctx.setTimeout(() => {
        void showBadge();
        watchCheckout();
      }, RENDER_AFTER_NAVIGATION_MS);
    });
  },
});
