import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { FoundCheckout } from '../../src/extension/checkout-forms.ts';
import { sendRequest } from '../../src/extension/send-request.ts';
import { createShadowMount } from '../../src/extension/shadow-mount.ts';
import { checkoutWarningElement } from '../../src/ui/checkout-warning-view.ts';
import css from './style.css?inline';

// Wiring only: ask the background whether this site's checkout warns, and if so put the
// warning just before the order form, in a closed shadow root like the badge's. The form
// itself is not touched: no listener on it, nothing stops its submission.

export interface CheckoutUi {
  remove(): void;
}

export async function showCheckoutWarning(
  ctx: ContentScriptContext,
  found: FoundCheckout,
  isCurrent: () => boolean,
): Promise<CheckoutUi | null> {
  const badge = await sendRequest({ type: 'getPageBadge' }).catch(() => null);
  if (!badge?.checkout.warn || !isCurrent() || !found.form.isConnected) return null;
  const { host, container } = createShadowMount(document, 'thiqa-checkout', css);
  const ui: CheckoutUi = {
    remove() {
      host.remove();
    },
  };
  const hide = () => {
    ui.remove();
    void sendRequest({ type: 'continueCheckout' }).catch(() => null);
  };
  container.append(checkoutWarningElement(document, badge, found.kind, hide));
  found.form.before(host);
  ctx.onInvalidated(() => ui.remove());
  return ui;
}
