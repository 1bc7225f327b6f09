import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A bare MV3 extension for a bench's baseline: one content script on every http(s) page at
 * document_idle, declared as Thiqa's is (wxt.config.ts), and, when asked, an empty service
 * worker (launchWithExtension finds an extension's id through its worker). Returns its folder;
 * the caller removes it.
 */
export async function writeScriptExtension(
  name: string,
  script: string,
  options: { serviceWorker?: boolean } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'thiqa-bench-extension-'));
  const manifest = {
    manifest_version: 3,
    name,
    version: '1.0.0',
    ...(options.serviceWorker ? { background: { service_worker: 'worker.js' } } : {}),
    content_scripts: [{ matches: ['http://*/*', 'https://*/*'], js: ['content.js'], run_at: 'document_idle' }],
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  if (options.serviceWorker) await writeFile(join(dir, 'worker.js'), '');
  await writeFile(join(dir, 'content.js'), script);
  return dir;
}
