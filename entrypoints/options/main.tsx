import '../../src/extension/zod-setup.ts';
import '../../src/ui/pages.css';
import { sendRequest } from '../../src/extension/send-request.ts';
import { loadTranslator } from '../../src/extension/translator.ts';
import { OptionsView } from '../../src/ui/options-view.tsx';
import { startPage } from '../../src/ui/start-page.tsx';

void startPage(
  { send: sendRequest, translatorFor: loadTranslator },
  (translator) => translator.t('options_title'),
  () => <OptionsView />,
);
