import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildExtension } from './build-extension.ts';

const run = promisify(execFile);
const WEB_EXT = resolve(import.meta.dirname, '../../node_modules/web-ext/bin/web-ext.js');

describe('the Firefox build', () => {
  it('builds as Manifest V2 with its gecko id, for Firefox for Android too, and passes web-ext lint with no error', async () => {
    const dir = await buildExtension('firefox', { browser: 'firefox' });
    const manifest = JSON.parse(await readFile(resolve(dir, 'manifest.json'), 'utf8'));
    expect(manifest.manifest_version).toBe(2);
    expect(manifest.browser_specific_settings.gecko).toEqual({ id: 'thiqa@thiqa.ma', strict_min_version: '129.0' });
    expect(manifest.browser_specific_settings.gecko_android).toEqual({ strict_min_version: '129.0' });
    expect(manifest.minimum_chrome_version).toBeUndefined();
    expect(manifest.browser_action.default_title).toBe('__MSG_extensionName__');
    const { stdout } = await run(process.execPath, [WEB_EXT, 'lint', '--source-dir', dir, '--output', 'json'], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const report = JSON.parse(stdout) as { errors: Array<{ code: string; message: string }> };
    expect(report.errors.map((error) => `${error.code}: ${error.message}`)).toEqual([]);
    // A key Firefox for Android would not honour at this minimum version shows as a warning.
    const android = (report as { warnings?: Array<{ code: string; message: string }> }).warnings?.filter((warning) =>
      /android/i.test(`${warning.code} ${warning.message}`),
    );
    expect(android ?? []).toEqual([]);
  }, 120_000);
});
