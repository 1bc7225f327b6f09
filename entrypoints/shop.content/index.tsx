import { render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { sendRequest } from '../../src/extension/send-request.ts';
import { isLiveShopPage } from '../../src/extension/shop-page-signals.ts';
import { isSocialSellerPage } from '../../src/extension/social-page.ts';
import { PageBadgeView, placeBadgeHost } from '../../src/ui/page-badge-view.tsx';
import badgeCss from './style.css?inline';

/** Single-page shops render the new page after the URL changes; give them this long. */
const RENDER_AFTER_NAVIGATION_MS = 600;

// Wiring only: read the page's own signals; on a shop page ask the background for this
// tab's badge and show it in a closed shadow root the page's scripts and styles cannot reach.
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  // The badge's CSS travels inside the script and goes straight into the shadow root:
  // no web-accessible stylesheet a page could probe to learn that Thiqa is installed.
  cssInjectionMode: 'manual',
  async main(ctx: ContentScriptContext) {
    let ui: ShadowRootContentScriptUi<HTMLElement> | null = null;
    let generation = 0;

    const showBadge = async () => {
      const current = ++generation;
      ui?.remove();
      ui = null;
      if (!isSocialSellerPage(location) && !isLiveShopPage(document, location)) return;
      const badge = await sendRequest({ type: 'getPageBadge' }).catch(() => null);
      // No answer (the extension was updated or reloaded under this page): stay silent.
      if (!badge?.show || current !== generation) return;
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
      ui.mount();
    };

    await showBadge();
    // A single-page shop moves from a blog post to a product without loading a page.
    ctx.addEventListener(window, 'wxt:locationchange', () => {
      ctx.setTimeout(() => void showBadge(), RENDER_AFTER_NAVIGATION_MS);
    });
  },
});
