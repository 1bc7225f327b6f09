// Addresses on the publisher's public portal that the extension links to: the contract
// between the two (server/portal/ serves these paths). Each names the shopper's language,
// so the page opens in the language the extension speaks.

export const PORTAL_PATHS = {
  home: '/',
  rights: '/rights',
  report: '/report',
  certificate: (merchantId: string) => `/merchants/${encodeURIComponent(merchantId)}`,
} as const;

/** An absolute portal address under `portalUrl` (the portal's origin, or a base path on it). */
export function portalAddress(portalUrl: string, path: string, lang: string): string {
  const base = portalUrl.endsWith('/') ? portalUrl : `${portalUrl}/`;
  const address = new URL(path.replace(/^\//, ''), base);
  address.searchParams.set('lang', lang);
  return address.toString();
}
