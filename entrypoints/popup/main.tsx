import '../../src/extension/zod-setup.ts';
import '../../src/ui/pages.css';
import browser from 'webextension-polyfill';
import { PORTAL_URL } from '../../src/extension/build-settings.ts';
import { sendRequest } from '../../src/extension/send-request.ts';
import { loadTranslator } from '../../src/extension/translator.ts';
import { PopupView } from '../../src/ui/popup-view.tsx';
import { startPage } from '../../src/ui/start-page.tsx';

/**
 * The tab the popup is about: the active tab when opened from the toolbar, or the one
 * named by `?tab=<id>` (tests, and a popup opened in its own tab).
 */
async function popupTabId(): Promise<number> {
  const named = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(named) && named > 0) return named;
  const [active] = await browser.tabs.query({ active: true, currentWindow: true });
  if (active?.id === undefined) throw new Error('no active tab');
  return active.id;
}

void startPage(
  { send: sendRequest, translatorFor: loadTranslator },
  (translator) => translator.t('extensionShortName'),
  () => <PopupView tabId={popupTabId} portalUrl={PORTAL_URL} />,
);
