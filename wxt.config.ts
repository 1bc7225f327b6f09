import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// The directory URL and the pinned publisher keys are fixed at build time: a shopper's
// extension trusts only what its own build names.
const directoryUrl = process.env.THIQA_DIRECTORY_URL ?? 'http://127.0.0.1:8787/v1/directory/';
const publicKeys = process.env.THIQA_PUBLIC_KEYS ?? '';
// The publisher's public portal (certificate pages, rights), by default the directory's origin.
const portalUrl = process.env.THIQA_PORTAL_URL ?? new URL(directoryUrl).origin;
// Where reports go, by default the directory's origin. Another origin lets a publisher
// serve the signed files from a static host or CDN and take reports on its service.
const reportsOrigin = new URL(process.env.THIQA_REPORTS_URL || directoryUrl).origin;
/** The host permission of an origin; Firefox's match patterns take no port (one with a port grants nothing). */
const hostPermission = (origin: string, browser: string) =>
  browser === 'firefox' ? `${new URL(origin).protocol}//${new URL(origin).hostname}/*` : `${new URL(origin).origin}/*`;

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  publicDir: 'public',
  // Tests build their own copy (pinned to a test key and a loopback directory URL).
  outDir: process.env.THIQA_OUT_DIR ?? '.output',
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
    // THIQA_NO_MINIFY=1: readable names in a CPU profile (scripts/bench/content-script-profile.ts).
    ...(process.env.THIQA_NO_MINIFY ? { build: { minify: false } } : {}),
    define: {
      'import.meta.env.THIQA_DIRECTORY_URL': JSON.stringify(directoryUrl),
      'import.meta.env.THIQA_PUBLIC_KEYS': JSON.stringify(publicKeys),
      'import.meta.env.THIQA_PORTAL_URL': JSON.stringify(portalUrl),
      'import.meta.env.THIQA_REPORTS_URL': JSON.stringify(reportsOrigin),
    },
  }),
  // Ed25519 in WebCrypto (the manifest signature) is there from Chrome 137 and Firefox 129,
  // on the desktop and on Android alike (gecko_android: installable in Firefox for Android,
  // where the popup opens as a full page).
  manifest: ({ browser }) => ({
    name: '__MSG_extensionName__',
    description: '__MSG_extensionDescription__',
    default_locale: 'en',
    permissions: ['storage', 'alarms', 'tabs'],
    // The directory's host and the reports' (one when they are the same). Without a port
    // on Firefox, a pattern matches every port of the host.
    host_permissions: [...new Set([hostPermission(directoryUrl, browser), hostPermission(reportsOrigin, browser)])],
    action: { default_title: '__MSG_extensionName__' },
    // The content script (entrypoints/shop/) is built as a plain script and declared here:
    // WXT's content-script wrapper would set up its polyfill and context on every page.
    content_scripts: [{ matches: ['http://*/*', 'https://*/*'], js: ['shop.js'], run_at: 'document_idle' }],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'thiqa@thiqa.ma', strict_min_version: '129.0' },
            gecko_android: { strict_min_version: '129.0' },
          },
        }
      : { minimum_chrome_version: '137' }),
  }),
});
