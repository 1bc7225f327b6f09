// The browser tests launch Chromium exactly as `npm run demo` does.
export { CHROMIUM_PATH, type ExtensionBrowser, launchWithExtension } from '../../scripts/demo/chromium-session.ts';
