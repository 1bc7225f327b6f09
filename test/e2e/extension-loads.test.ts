import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './browser.ts';
import { buildExtension } from './build-extension.ts';

describe('the built extension in Chromium', () => {
  let extensionDir: string;
  beforeAll(async () => {
    extensionDir = await buildExtension('smoke');
  });

  describe.each([
    ['en-US', 'Thiqa — shop trust check', 'ltr'],
    ['fr', 'Thiqa — confiance des boutiques', 'ltr'],
    ['ar', 'ثقة — التحقق من المتاجر', 'rtl'],
  ])('in %s', (lang, title, dir) => {
    let browser: ExtensionBrowser;
    beforeAll(async () => {
      browser = await launchWithExtension(extensionDir, { lang });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('loads its service worker and shows the popup in the browser language and direction', async () => {
      const page = await browser.context.newPage();
      await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
      await expect.poll(() => page.locator('h1').textContent()).toBe(title);
      expect(await page.locator('html').getAttribute('dir')).toBe(dir);
    });
  });
});
