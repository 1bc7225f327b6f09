import { render } from 'preact';
import browser from 'webextension-polyfill';

function Popup() {
  return <h1>{browser.i18n.getMessage('extensionName')}</h1>;
}

const root = document.getElementById('app');
if (root) {
  document.documentElement.lang = browser.i18n.getUILanguage();
  document.documentElement.dir = browser.i18n.getMessage('textDirection') === 'rtl' ? 'rtl' : 'ltr';
  render(<Popup />, root);
}
