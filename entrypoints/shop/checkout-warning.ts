import type { FoundCheckout } from '../../src/extension/checkout-forms.ts';
import { timed } from '../../src/extension/content-timing.ts';
import type { Request, ResponseMap } from '../../src/extension/messages.ts';
import { createShadowMount } from '../../src/extension/shadow-mount.ts';
import { checkoutWarningElement } from '../../src/ui/checkout-warning-view.ts';
import checkoutCss from './checkout.css?inline';
import markCss from './mark.css?inline';

// Wiring only: ask the background whether this site's checkout warns, and if so put the
// warning just before the order form, in a closed shadow root like the badge's. The form
// itself is not touched: no listener on it, nothing stops its submission.

export interface CheckoutUi {
  remove(): void;
}

export async function showCheckoutWarning(
  found: FoundCheckout,
  script: {
    /** The content script's way to the background (index.ts: it announces the copy and checks it is alive). */
    ask<R extends Request>(request: R): Promise<ResponseMap[R['type']]>;
    isCurrent(): boolean;
    onStop(cleanup: () => void): void;
  },
): Promise<CheckoutUi | null> {
  const badge = await script.ask({ type: 'getPageBadge' }).catch(() => null);
  if (!badge?.checkout.warn || !script.isCurrent() || !found.form.isConnected) return null;
  return timed('checkout-warning', () => {
    const { host, container } = createShadowMount(document, 'thiqa-checkout', `${markCss}\n${checkoutCss}`);
    const ui: CheckoutUi = {
      remove() {
        host.remove();
      },
    };
    const hide = () => {
      ui.remove();
      void script.ask({ type: 'continueCheckout' }).catch(() => null);
    };
    container.append(checkoutWarningElement(document, badge, found.kind, hide));
    found.form.before(host);
    script.onStop(() => ui.remove());
    return ui;
  });
}
