import { timed } from '../../src/extension/content-timing.ts';
import type { PageBadge, Request, ResponseMap } from '../../src/extension/messages.ts';
import { reportPageClaims } from '../../src/extension/page-claims-flow.ts';
import { createShadowMount, pageDirection, type ShadowMount } from '../../src/extension/shadow-mount.ts';
import { pageBadgeElement, placeBadgeHost } from '../../src/ui/page-badge-view.ts';
import badgeCss from './badge.css?inline';
import { showCheckoutWarning } from './checkout-warning.ts';
import markCss from './mark.css?inline';

// What the content script does on a page that may be a shop or holds an order form (index.ts
// decides): reading what the page shows, the badge in a closed shadow root the page's scripts
// and styles cannot reach, and the checkout warning.

/** What index.ts hands over: its way to the background and its lifetime. */
export interface ContentScriptLink {
  /** A request to the background (announces the copy and checks it is alive). */
  ask<R extends Request>(request: R): Promise<ResponseMap[R['type']]>;
  /** Runs `cleanup` when this copy of the script stops. */
  onStop(cleanup: () => void): void;
}

export function shopPageScript(link: ContentScriptLink) {
  let ui: ShadowMount | null = null;
  const removeBadge = () => {
    if (!ui) return;
    ui.host.remove();
    ui = null;
  };
  link.onStop(removeBadge);

  const mountBadge = (badge: PageBadge, stillCurrent: () => boolean) => {
    removeBadge();
    if (!badge.show || !stillCurrent() || !document.body) return;
    timed('mount-badge', () => {
      // The host follows the page's direction (for the corner); the badge follows ours.
      const direction = pageDirection(document);
      const mounted = createShadowMount(document, 'thiqa-badge', `${badgeCss}\n${markCss}`);
      placeBadgeHost(mounted.host, direction);
      const dismiss = () => {
        if (ui === mounted) removeBadge();
        void link.ask({ type: 'hidePageBadge' }).catch(() => null);
      };
      mounted.container.append(pageBadgeElement(document, badge, dismiss));
      document.body.append(mounted.host);
      ui = mounted;
    });
  };

  return {
    async showBadge({ stillCurrent, bodyText }: { stillCurrent: () => boolean; bodyText: () => string }) {
      removeBadge();
      // What the page shows goes with the request: the answer is the badge judged with it.
      // No answer (the extension was reloaded under this page): silence.
      await reportPageClaims({
        doc: document,
        location,
        report: (facts, legalPagePath) => link.ask({ type: 'reportPageFacts', facts, legalPagePath }).catch(() => null),
        onBadge: (badge) => mountBadge(badge, stillCurrent),
        stillCurrent,
        bodyText,
      });
    },
    removeBadge,
    showCheckoutWarning: (found: Parameters<typeof showCheckoutWarning>[0], isCurrent: () => boolean) =>
      showCheckoutWarning(found, { ask: link.ask, isCurrent, onStop: link.onStop }),
  };
}
