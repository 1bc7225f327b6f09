import type { DirectoryState, Merchant } from '../../src/directory/schemas.ts';
import { DEFAULT_POLICY } from '../../src/directory/schemas.ts';
import { DEFAULT_PLATFORM_SUFFIXES } from '../../src/directory/shop-identity.ts';
import { syntheticMerchantRows } from './synthetic-merchants.ts';

// The synthetic registry rows (synthetic-merchants.ts) as the directory's merchant records,
// sorted by id as the extension's IndexedDB gives them back: what the extension benches hold.

export function syntheticMerchants(count: number): Merchant[] {
  const merchants = syntheticMerchantRows(count).map((row, index): Merchant => {
    const domains = row.domains as string[];
    return {
      id: (domains[0] as string).split('.')[0] as string,
      legalName: row.legal_name as string,
      tradeNames: [row.trade_name as string],
      ice: row.ice as string,
      rc: row.rc as string,
      city: row.city as string,
      phone: row.phone as string,
      email: (row.email as string) || null,
      domains,
      social: (row.social as string[]).map((entry) => ({ network: 'instagram', handle: entry.split(':')[1] ?? '' })),
      status: row.status as Merchant['status'],
      verification: { at: row.verified_at as string, by: row.verified_by as string, methods: ['commercial-register'] },
      labels:
        index % 3 === 0
          ? [{ kind: 'cmi-payment', issuer: 'CMI', reference: null, issued: null, validUntil: null }]
          : [],
      complaints: { open: {}, resolved: {} },
    };
  });
  return merchants.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function syntheticState(count: number): DirectoryState {
  return {
    policy: DEFAULT_POLICY,
    platforms: [...DEFAULT_PLATFORM_SUFFIXES],
    merchants: syntheticMerchants(count),
    flagged: [],
    domainComplaints: [],
  };
}
