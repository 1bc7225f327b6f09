import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { levelPalette } from '../../src/ui/verdict-levels.ts';

// The portal's stylesheet, script and icon, served from memory under names that change
// with their content, so a browser may keep them for a year.

const here = (name: string) => fileURLToPath(new URL(`./assets/${name}`, import.meta.url));

function paletteRule(): string {
  const lines = Object.entries(levelPalette()).map(([name, value]) => `  ${name}: ${value};`);
  return `\n/* The verdict levels' colours, from src/ui/verdict-levels.ts. */\n:root {\n${lines.join('\n')}\n}\n`;
}

interface Asset {
  body: Buffer;
  type: string;
  path: string;
}

function asset(file: string, type: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = file.lastIndexOf('.');
  return { body, type, path: `/assets/${file.slice(0, dot)}.${hash}${file.slice(dot)}` };
}

const ASSETS: Asset[] = [
  asset(
    'portal.css',
    'text/css; charset=utf-8',
    Buffer.concat([readFileSync(here('portal.css')), Buffer.from(paletteRule())]),
  ),
  asset('portal.js', 'text/javascript; charset=utf-8', readFileSync(here('portal.js'))),
  asset('icon.svg', 'image/svg+xml', readFileSync(here('icon.svg'))),
  asset('console.css', 'text/css; charset=utf-8', readFileSync(here('console.css'))),
  asset('console.js', 'text/javascript; charset=utf-8', readFileSync(here('console.js'))),
];

export const PORTAL_ASSETS = {
  stylesheet: (ASSETS[0] as Asset).path,
  script: (ASSETS[1] as Asset).path,
  icon: (ASSETS[2] as Asset).path,
  consoleStylesheet: (ASSETS[3] as Asset).path,
  consoleScript: (ASSETS[4] as Asset).path,
};

const BY_PATH = new Map(ASSETS.map((entry) => [entry.path, entry]));

/** Answers `/assets/<name>.<hash>.<ext>`; anything else is not ours. */
export function serveAsset(c: Context): Response | null {
  const found = BY_PATH.get(c.req.path);
  if (!found) return null;
  return c.body(new Uint8Array(found.body), 200, {
    'Content-Type': found.type,
    'Cache-Control': 'public, max-age=31536000, immutable',
  });
}
