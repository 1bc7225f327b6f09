import '../../src/extension/zod-setup.ts';
import '../../src/ui/pages.css';
import { OptionsView } from '../../src/ui/options-view.tsx';
import { startPage } from '../../src/ui/start-page.tsx';

void startPage(
  (translator) => translator.t('options_title'),
  () => <OptionsView />,
);
