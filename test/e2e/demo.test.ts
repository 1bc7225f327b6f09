import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64, fromUtf8 } from '../../src/directory/bytes.ts';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import { decodeSnapshot } from '../../src/directory/publication.ts';
import { manifestSchema, signedManifestSchema } from '../../src/directory/schemas.ts';
import { type VerdictLevel, verdictForInput } from '../../src/directory/verdict.ts';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import { freePort } from '../support/service-process.ts';
import { countColour, type Pixels, readPng } from './png-pixels.ts';

// `npm run demo` on a machine with no display: the service on PGlite, the extension built
// against it, Chromium headless taking a screenshot of each demo shop's badge and popup.

const DEMO = resolve(import.meta.dirname, '../../scripts/demo/run.mjs');

/** Each demo shop's level, judged by the core on the directory the service publishes. */
async function levelsOfPublished(serviceUrl: string): Promise<(host: string) => VerdictLevel> {
  const envelope = signedManifestSchema.parse(await (await fetch(`${serviceUrl}/v1/directory/manifest.json`)).json());
  const manifest = manifestSchema.parse(JSON.parse(fromUtf8(fromBase64(envelope.payload))));
  const file = await fetch(`${serviceUrl}/v1/directory/${manifest.snapshot.path}`);
  const snapshot = await decodeSnapshot(new Uint8Array(await file.arrayBuffer()));
  const index = new DirectoryIndex(snapshot.state);
  const now = new Date();
  return (host) => verdictForInput(host, index, now).verdict.level;
}

/** The most common colour among the rows `from` to `to`, ignoring white, and its share of those rows. */
function dominantColour(pixels: Pixels, from: number, to: number): { hex: string; share: number } {
  const counts = new Map<string, number>();
  for (let y = from; y < Math.min(to, pixels.height); y++) {
    for (let x = 0; x < pixels.width; x++) {
      const hex = `#${pixels
        .rgb(x, y)
        .map((channel) => channel.toString(16).padStart(2, '0'))
        .join('')}`;
      if (hex !== '#ffffff') counts.set(hex, (counts.get(hex) ?? 0) + 1);
    }
  }
  const [hex = '', count = 0] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  return { hex, share: count / (pixels.width * (Math.min(to, pixels.height) - from)) };
}

function nonWhiteShare(pixels: Pixels): number {
  let count = 0;
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) if (pixels.rgb(x, y).some((channel) => channel < 250)) count++;
  }
  return count / (pixels.width * pixels.height);
}

let child: ChildProcess | undefined;
let workDir: string;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('serves, builds the extension, screenshots every demo shop headless, and stops on Ctrl-C', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'thiqa-demo-'));
    const environment: NodeJS.ProcessEnv = {
      ...process.env,
      THIQA_DATA_DIR: join(workDir, 'data'),
      THIQA_PORT: String(await freePort()),
      DATABASE_URL: '',
    };
    delete environment.DISPLAY;
    delete environment.WAYLAND_DISPLAY;
    child = spawn(process.execPath, [DEMO], {
      cwd: workDir,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const deadline = Date.now() + 150_000;
    while (!/The service runs on http:\/\/\S+ — Ctrl-C to stop/.test(output)) {
      if (child.exitCode !== null) throw new Error(`demo exited ${child.exitCode}: ${output}`);
      if (Date.now() > deadline) throw new Error(`demo did not finish starting: ${output}`);
      await new Promise((done) => setTimeout(done, 250));
    }

    expect(output).toMatch(/✔ verified\s+atlas-electro\.test/);
    expect(output).toContain('Chromium synced directory version 1');
    expect(output).toMatch(/Chrome:\s+chrome:\/\/extensions .* Load unpacked → \S+chrome-mv3/);
    expect(output).toMatch(/Firefox: .*Load Temporary Add-on → \S+firefox-mv2\/manifest\.json/);
    // Each shop: its page with the in-page badge, then its popup.
    const shots = [
      ...output.matchAll(/^ {2}(\S+) +(\S+\/demo-output\/\S+-page\.png)\n {2} +(\S+\/demo-output\/\S+-popup\.png)$/gm),
    ].map((match) => ({ host: match[1] as string, page: match[2] as string, popup: match[3] as string }));
    expect(shots).toHaveLength(12);
    const serviceUrl = /The service runs on (http:\/\/\S+) — Ctrl-C to stop/.exec(output)?.[1] as string;
    const levelOf = await levelsOfPublished(serviceUrl);
    const seen: string[] = [];
    for (const shot of shots) {
      const level = levelOf(shot.host);
      const look = VERDICT_LEVELS[level];
      for (const path of [shot.page, shot.popup]) expect(path.startsWith(join(workDir, 'demo-output'))).toBe(true);

      // The shop page shows the in-page badge in its level's colour, and in no other level's.
      const page = readPng(await readFile(shot.page));
      const inkOnPage = countColour(page, look.ink);
      expect(inkOnPage, `${shot.host} (${level}): ${look.ink} on the page`).toBeGreaterThan(150);
      for (const [other, otherLook] of Object.entries(VERDICT_LEVELS)) {
        if (otherLook.ink === look.ink) continue;
        expect(countColour(page, otherLook.ink), `${shot.host} (${level}): ${other}'s ${otherLook.ink}`).toBeLessThan(
          10,
        );
      }

      // The popup is drawn, and its header wears the level's colours.
      const popup = readPng(await readFile(shot.popup));
      const drawn = nonWhiteShare(popup);
      expect(drawn, `${shot.host}: share of the popup drawn`).toBeGreaterThan(0.08);
      const header = dominantColour(popup, 0, 120);
      expect([look.ink, look.paper], `${shot.host} (${level}): the popup header's colour`).toContain(header.hex);
      expect(header.share, `${shot.host}: share of the header band in ${header.hex}`).toBeGreaterThan(0.25);
      seen.push(
        `${shot.host} ${level}: ${inkOnPage} px of ${look.ink} on the page; popup ${(drawn * 100).toFixed(0)} % drawn, header ${header.hex} ${(header.share * 100).toFixed(0)} %`,
      );
    }
    console.log(`demo screenshots:\n  ${seen.join('\n  ')}`);
    // Every level the demo directory has is among them.
    expect(new Set(shots.map((shot) => levelOf(shot.host)))).toEqual(
      new Set(['verified', 'caution', 'danger', 'unknown']),
    );

    const exited = new Promise<number | null>((done) => child?.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGINT: stopping');
  }, 200_000);
});
