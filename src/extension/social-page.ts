import { shopIdentity } from '../directory/shop-identity.ts';

/**
 * Whether the page is a social seller's profile (an Instagram, Facebook or TikTok profile,
 * a WhatsApp chat link), told from its address alone. A network's pages never pass the
 * page-signal test (no cart, no dirham prices in the markup the test reads), and reading
 * their text would tell us nothing a profile's address does not.
 */
export function isSocialSellerPage(location: Pick<Location, 'href'>): boolean {
  return shopIdentity(location.href)?.kind === 'social';
}
