import { render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { PORTAL_URL } from '../../src/extension/build-settings.ts';
import { watchForCheckout } from '../../src/extension/checkout-watch.ts';
import { timed } from '../../src/extension/content-timing.ts';
import type { PageBadge } from '../../src/extension/messages.ts';
import { reportPageClaims } from '../../src/extension/page-claims-flow.ts';
import { sendRequest } from '../../src/extension/send-request.ts';
import { isLiveShopPage } from '../../src/extension/shop-page-signals.ts';
import { isSocialSellerPage } from '../../src/extension/social-page.ts';
import { PageBadgeView, placeBadgeHost } from '../../src/ui/page-badge-view.tsx';
import { showCheckoutWarning } from './checkout-warning.tsx';
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
    let ui: ShadowRootContentScriptUi<HTMLElement> | null = null;
    let generation = 0;

    const mountBadge = async (badge: PageBadge, current: number) => {
      ui?.remove();
      ui = null;
      if (!badge.show) return;
      const mounted: ShadowRootContentScriptUi<HTMLElement> = await createShadowRootUi(ctx, {
        name: 'thiqa-badge',
        css: badgeCss,
        mode: 'closed',
        position: 'inline',
        anchor: 'body',
        append: 'last',
        isolateEvents: true,
        onMount(container, _shadow, host) {
          // The host follows the page's direction (for the corner); the badge follows ours.
          placeBadgeHost(host, getComputedStyle(document.documentElement).direction === 'rtl' ? 'rtl' : 'ltr');
          const dismiss = () => {
            mounted.remove();
            void sendRequest({ type: 'hidePageBadge' });
          };
          render(<PageBadgeView badge={badge} onDismiss={dismiss} />, container);
          return container;
        },
        onRemove(container) {
          if (container) render(null, container);
        },
      });
      if (current !== generation) return;
      ui = mounted;
      timed('mount-badge', () => mounted.mount());
    };

    const showBadge = async () => {
      const current = ++generation;
      ui?.remove();
      ui = null;
      // A social seller's profile is told from its address alone (social-page.ts).
      if (!timed('shop-signals', () => isSocialSellerPage(location) || isLiveShopPage(document, location))) return;
      // What the page says about itself goes with the request: the answer is the badge
      // judged with it. No answer (the extension was reloaded under this page): silence.
      await reportPageClaims({
        doc: document,
        location,
        portalOrigin: PORTAL_ORIGIN,
        report: (evidence) => sendRequest({ type: 'reportPageEvidence', evidence }).catch(() => null),
        onBadge: (badge) => void mountBadge(badge, current),
        stillCurrent: () => current === generation,
      });
    };

    // The checkout warning: on any page, once an order form is there (now or added later).
    let checkoutUi: ShadowRootContentScriptUi<HTMLElement> | null = null;
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
            if (shown) {
              ui?.remove();
              ui = null;
            }
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
