import '../../src/extension/zod-setup.ts';
import '../../src/ui/pages.css';
import { PORTAL_URL } from '../../src/extension/build-settings.ts';
import { sendRequest } from '../../src/extension/send-request.ts';
import { loadTranslator } from '../../src/extension/translator.ts';
import { bundledRightsPage } from '../../src/ui/help-texts.ts';
import { HelpView } from '../../src/ui/help-view.tsx';
import { startPage } from '../../src/ui/start-page.tsx';

// The rights page bundled for a shopper offline (src/ui/help-link.ts chooses it).
void startPage(
  { send: sendRequest, translatorFor: loadTranslator },
  (translator) => bundledRightsPage(translator.lang).title,
  () => <HelpView portalUrl={PORTAL_URL} />,
);
