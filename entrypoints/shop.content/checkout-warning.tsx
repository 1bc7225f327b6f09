import { render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import type { FoundCheckout } from '../../src/extension/checkout-forms.ts';
import { sendRequest } from '../../src/extension/send-request.ts';
import { CheckoutWarningView } from '../../src/ui/checkout-warning-view.tsx';
import css from './style.css?inline';

// Wiring only: ask the background whether this site's checkout warns, and if so put the
// warning just before the order form, in a closed shadow root like the badge's. The form
// itself is not touched: no listener on it, nothing stops its submission.

export async function showCheckoutWarning(
  ctx: ContentScriptContext,
  found: FoundCheckout,
  isCurrent: () => boolean,
): Promise<ShadowRootContentScriptUi<HTMLElement> | null> {
  const badge = await sendRequest({ type: 'getPageBadge' }).catch(() => null);
  if (!badge?.checkout.warn || !isCurrent() || !found.form.isConnected) return null;
  const ui: ShadowRootContentScriptUi<HTMLElement> = await createShadowRootUi(ctx, {
    name: 'thiqa-checkout',
    css,
    mode: 'closed',
    position: 'inline',
    anchor: found.form,
    append: 'before',
    isolateEvents: true,
    onMount(container) {
      const hide = () => {
        ui.remove();
        void sendRequest({ type: 'continueCheckout' }).catch(() => null);
      };
      render(<CheckoutWarningView badge={badge} kind={found.kind} onContinue={hide} />, container);
      return container;
    },
    onRemove(container) {
      if (container) render(null, container);
    },
  });
  if (!isCurrent() || !found.form.isConnected) return null;
  ui.mount();
  return ui;
}
