import { resolve } from 'node:path';
import { SHOP_PAGES, startDirectoryServer, startShopServer } from '../../test/e2e/fixture-servers.ts';
import { ARTICLE_PAGES } from '../../test/fixtures/articles/article-pages.ts';
import { launchWithExtension } from '../demo/chromium-session.ts';
import { PROJECT_ROOT } from '../demo/extension-build.ts';

// Where the content script's main-thread time goes, function by function: loads fixture
// shop pages (`/produit`) or the page-load bench's article pages (test/fixtures/articles,
// by host) in Chromium with an already built extension (build it unminified to read the
// names: THIQA_NO_MINIFY=1 THIQA_OUT_DIR=<dir> npx wxt build) under the V8 sampling
// profiler, and prints self time per function of the extension's script (and, for scale,
// the page's and the engine's). A tool for finding costs, not a bench: no goal, no row.
//   npx tsx scripts/bench/content-script-profile.ts <unpacked extension dir> [host …]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [extensionArg, ...hostArgs] = process.argv.slice(2);
if (!extensionArg) throw new Error('usage: content-script-profile.ts <unpacked extension dir> [host …]');
const extensionDir = resolve(PROJECT_ROOT, extensionArg);
const hosts = hostArgs.length > 0 ? hostArgs : ['atlas-electro.test', 'actualites-souss.ma', 'boutique-inconnue.ma'];
const rounds = Number(process.env.THIQA_PROFILE_ROUNDS ?? 3);

const [shops, directory] = await Promise.all([startShopServer(), startDirectoryServer()]);
const browser = await launchWithExtension(extensionDir, {
  hostRules: 'MAP *.test 127.0.0.1, MAP *.ma 127.0.0.1, MAP *.youcan.shop 127.0.0.1',
});
try {
  for (const host of hosts) {
    // A fixture shop's page, or one of the page-load bench's article pages.
    const path = host in SHOP_PAGES ? '/produit' : ARTICLE_PAGES.find((article) => article.host === host)?.path;
    if (!path) throw new Error(`no fixture page for ${host}`);
    const selfTime = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      const page = await browser.context.newPage();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
      await cdp.send('Profiler.start');
      await page.goto(shops.urlFor(host, path), { waitUntil: 'load' });
      await page.waitForTimeout(1500);
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
        profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
      };
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      profile.samples.forEach((id, index) => {
        const node = byId.get(id);
        if (!node) return;
        const { functionName, url, lineNumber } = node.callFrame;
        const where = url.startsWith('chrome-extension://')
          ? `ext  ${functionName || '(top level)'}:${lineNumber + 1}`
          : url
            ? `page ${url.replace(/^https?:\/\/[^/]+/, '')}`
            : `v8   ${functionName}`;
        selfTime.set(where, (selfTime.get(where) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000);
      });
      await cdp.detach();
      await page.close();
    }
    const rows = [...selfTime].sort((a, b) => b[1] - a[1]);
    const extension = rows.filter(([where]) => where.startsWith('ext')).reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`\n${host}: extension script self time ${(extension / rounds).toFixed(1)} ms per load`);
    for (const [where, ms] of rows.slice(0, 30)) console.log(`  ${(ms / rounds).toFixed(2).padStart(7)} ms  ${where}`);
  }
} finally {
  await browser.close();
  await Promise.all([shops.close(), directory.close()]);
}
