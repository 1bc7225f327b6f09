import type { Context } from 'hono';
import { type MerchantStatus, merchantSchema } from '../../src/directory/schemas.ts';
import { VERDICT_LEVELS } from '../../src/ui/verdict-levels.ts';
import { listedName } from './merchant-search.ts';
import { STATUS_LEVEL } from './merchant-status.tsx';
import type { PortalApp, PortalDeps } from './portal-app.tsx';
import { isPortalLanguage, type PortalKey, type PortalLanguage, portalWords } from './portal-words.ts';

// `/badge/<id>.svg`: the "verified by Thiqa" badge a merchant embeds on its shops, linked to
// its certificate page. It always tells the status as published: a suspended or revoked
// merchant's badge says so in the danger colours, wherever it was pasted. It is an image
// for other sites, so it is built here as plain SVG text (no script, no style sheet), with
// its own headers, outside the pages' middleware (no cookie, no language negotiation): the
// same URL is the same image for everyone, which caches well. `?lang=ar|fr|en` picks one
// language; without it the badge speaks Arabic and French.

const BADGE_PREFIX = '/badge/';
const BILINGUAL: readonly PortalLanguage[] = ['ar', 'fr'];
const WIDTH = 300;
const LINE_HEIGHT = 20;
const MAX_NAME_GRAPHEMES = 30;

/** The default (bilingual) badge's size, for the snippet merchants paste. */
export const BADGE_SIZE = { width: WIDTH, height: badgeHeight(BILINGUAL.length + 1) };

export function badgePath(id: string): string {
  return `${BADGE_PREFIX}${id}.svg`;
}

/** The badge route's paths (one segment under /badge/): anything else there is a page (a 404 page). */
export function isBadgePath(path: string): boolean {
  return /^\/badge\/[^/]+$/.test(path);
}

function badgeHeight(lines: number): number {
  return 24 + LINE_HEIGHT * lines;
}

type BadgeStatus = MerchantStatus | 'unknown';

const STATUS_LINE: Record<BadgeStatus, PortalKey> = {
  verified: 'badge_verified',
  suspended: 'badge_suspended',
  revoked: 'badge_revoked',
  unknown: 'badge_unknown',
};

/** Text for an XML text node or attribute: escaped, and without what XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A long name cut at a character boundary a reader sees (grapheme), with an ellipsis. */
export function truncateName(name: string, max = MAX_NAME_GRAPHEMES): string {
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(name)];
  if (graphemes.length <= max) return name;
  return `${graphemes
    .slice(0, max - 1)
    .map((part) => part.segment)
    .join('')
    .trimEnd()}…`;
}

/** Right to left when the first letter is of a right-to-left script. */
function isRightToLeft(text: string): boolean {
  const first = /\p{L}/u.exec(text)?.[0] ?? '';
  return /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u.test(first);
}

function markShape(status: BadgeStatus, cx: number, cy: number): string {
  const stroke = 'fill="none" stroke="#ffffff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"';
  if (status === 'verified') return `<path d="M${cx - 7} ${cy} l5 5 l9 -10" ${stroke}/>`;
  if (status === 'unknown') return `<path d="M${cx - 4} ${cy - 4} a4 4 0 1 1 4 4 v3 M${cx} ${cy + 8} v0.5" ${stroke}/>`;
  return `<path d="M${cx - 6} ${cy - 6} l12 12 M${cx + 6} ${cy - 6} l-12 12" ${stroke}/>`;
}

/** The badge's SVG: the status in each language, then the merchant's name. */
export function badgeSvg(options: { name: string | null; status: BadgeStatus; langs: readonly PortalLanguage[] }) {
  const { name, status, langs } = options;
  const look = VERDICT_LEVELS[status === 'unknown' ? 'unknown' : STATUS_LEVEL[status]];
  const lines: Array<{ text: string; lang: PortalLanguage | null; strong: boolean }> = langs.map((lang) => ({
    text: portalWords(lang).p(STATUS_LINE[status]),
    lang,
    strong: true,
  }));
  if (name !== null) lines.push({ text: truncateName(name), lang: null, strong: false });
  const height = badgeHeight(lines.length);
  // An Arabic-only badge reads from the right: its mark goes there.
  const markOnRight = langs.length === 1 && langs[0] === 'ar';
  const markX = markOnRight ? WIDTH - 30 : 30;
  const textX = markOnRight ? (WIDTH - 44) / 2 : (WIDTH + 44) / 2;
  const title = [...lines.filter((line) => line.strong).map((line) => line.text), name ?? ''].filter(Boolean);
  const texts = lines.map((line, index) => {
    const dir = isRightToLeft(line.text) ? 'rtl' : 'ltr';
    const attributes = [
      `x="${textX}"`,
      `y="${26 + LINE_HEIGHT * index}"`,
      'text-anchor="middle"',
      `direction="${dir}"`,
      'unicode-bidi="embed"',
      line.lang ? `xml:lang="${line.lang}"` : '',
      line.strong ? `font-weight="700" font-size="14" fill="${look.ink}"` : 'font-size="14" fill="#1f2328"',
    ].filter(Boolean);
    return `<text ${attributes.join(' ')}>${escapeXml(line.text)}</text>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"`,
    ` role="img" aria-labelledby="badge-title" data-status="${status}"`,
    ` font-family="Tahoma, 'Segoe UI', 'Noto Sans Arabic', 'DejaVu Sans', Arial, sans-serif">`,
    `<title id="badge-title">${escapeXml(title.join(' — '))}</title>`,
    `<rect x="1" y="1" width="${WIDTH - 2}" height="${height - 2}" rx="8" fill="${look.paper}" stroke="${look.ink}" stroke-width="2"/>`,
    `<circle cx="${markX}" cy="${height / 2}" r="16" fill="${look.ink}"/>`,
    markShape(status, markX, height / 2),
    ...texts,
    '</svg>',
  ].join('\n');
}

const BADGE_HEADERS = {
  'Content-Type': 'image/svg+xml; charset=utf-8',
  // Embedded on the merchants' own sites: the pages' same-origin policy would block it.
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'X-Content-Type-Options': 'nosniff',
  // Opened on its own, the image may load and run nothing.
  'Content-Security-Policy': "default-src 'none'",
  'Referrer-Policy': 'no-referrer',
};

function sendBadge(c: Context, svg: string, status: 200 | 404 | 503, cache: string) {
  return c.body(svg, status, { ...BADGE_HEADERS, 'Cache-Control': cache });
}

export function registerMerchantBadge(app: PortalApp, deps: PortalDeps): void {
  app.get(`${BADGE_PREFIX}:file`, async (c) => {
    const asked = c.req.query('lang');
    const langs = isPortalLanguage(asked) ? [asked] : BILINGUAL;
    const file = /^(.*)\.svg$/.exec(c.req.param('file'));
    const id = merchantSchema.shape.id.safeParse(file?.[1]);
    const directory = await deps.context.published.current();
    if (!directory) {
      return sendBadge(c, badgeSvg({ name: null, status: 'unknown', langs }), 503, 'no-store');
    }
    const merchant = id.success ? directory.merchant(id.data) : null;
    if (!merchant) {
      return sendBadge(c, badgeSvg({ name: null, status: 'unknown', langs }), 404, 'public, max-age=60');
    }
    // Five minutes: a revocation reaches every embedded badge soon after it is published.
    const svg = badgeSvg({ name: listedName(merchant), status: merchant.status, langs });
    return sendBadge(c, svg, 200, 'public, max-age=300');
  });
}
