import { iceWithCheckDigits } from '../../src/directory/ice.ts';
import { DEFAULT_POLICY, type DirectoryState, type Merchant } from '../../src/directory/schemas.ts';

// Builders of valid records for tests, so each test states only what it is about.

let counter = 0;

export function testMerchant(overrides: Partial<Merchant> = {}): Merchant {
  counter += 1;
  const id = overrides.id ?? `merchant-${String(counter).padStart(4, '0')}`;
  return {
    id,
    legalName: `Commerce ${id} SARL`,
    tradeNames: [],
    ice: iceWithCheckDigits(String(1_000_000_000_000 + counter).padStart(13, '0')),
    rc: null,
    city: 'Casablanca',
    phone: '+212522000000',
    email: null,
    domains: [`${id}.test`],
    social: [],
    status: 'verified',
    verification: { at: '2026-06-01', by: 'Test federation', methods: ['commercial-register'] },
    labels: [],
    complaints: { open: {}, resolved: {} },
    ...overrides,
  };
}

export function testState(overrides: Partial<DirectoryState> = {}): DirectoryState {
  return {
    policy: DEFAULT_POLICY,
    platforms: ['youcan.shop', 'youcan.store'],
    merchants: [],
    flagged: [],
    domainComplaints: [],
    ...overrides,
  };
}
