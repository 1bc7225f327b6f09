import { type Imitation, LookalikeIndex } from './lookalike.ts';
import type { ComplaintCounts, DirectoryState, FlaggedDomain, Merchant, Policy } from './schemas.ts';
import type { ShopIdentity } from './shop-identity.ts';
import { socialKeyOf } from './social-identity.ts';

/** What a verdict needs to know about one shop identity. */
export interface DirectoryEntry {
  readonly merchant: Merchant | null;
  readonly flag: FlaggedDomain | null;
  /** Complaints against a shop that is not a merchant of the directory. */
  readonly domainComplaints: ComplaintCounts | null;
}

/** Any store of the directory that can answer for one shop identity. */
export interface DirectoryLookup {
  readonly policy: Policy;
  readonly platforms: readonly string[];
  entryFor(domain: string): DirectoryEntry;
  /** The verified merchant domain a shop (its domain, and the host, for subdomains) imitates, if the store can tell. */
  lookalikeOf?(identity: Pick<ShopIdentity, 'domain' | 'host'>): Imitation | null;
  /** The merchant holding this ICE, if the store can tell (a page showing it may be someone else). */
  merchantByIce?(ice: string): Merchant | null;
}

/** An in-memory index of a directory state, keyed by shop identity. */
export class DirectoryIndex implements DirectoryLookup {
  readonly policy: Policy;
  readonly platforms: readonly string[];
  readonly #merchants = new Map<string, Merchant>();
  /** A merchant's social profiles and numbers, by canonical key: kept apart from its domains so look-alikes compare domains only. */
  readonly #socialMerchants = new Map<string, Merchant>();
  readonly #flags = new Map<string, FlaggedDomain>();
  readonly #complaints = new Map<string, ComplaintCounts>();
  readonly #byIce = new Map<string, Merchant>();
  #lookalikes: LookalikeIndex | null = null;

  constructor(state: DirectoryState) {
    this.policy = state.policy;
    this.platforms = state.platforms;
    for (const merchant of state.merchants) {
      for (const domain of merchant.domains) this.#merchants.set(domain, merchant);
      this.#byIce.set(merchant.ice, merchant);
      for (const { network, handle } of merchant.social) {
        // Handles imported before issue 14 may be written loosely (`@atlas`, a full URL):
        // the key is canonicalised here; one that names no seller (YouTube, bad) is left out.
        const key = socialKeyOf(network, handle);
        if (key !== null && !this.#socialMerchants.has(key)) this.#socialMerchants.set(key, merchant);
      }
    }
    for (const flag of state.flagged) this.#flags.set(flag.domain, flag);
    for (const entry of state.domainComplaints) this.#complaints.set(entry.domain, entry.complaints);
  }

  get size(): number {
    return this.#merchants.size;
  }

  entryFor(domain: string): DirectoryEntry {
    return {
      merchant: this.#merchants.get(domain) ?? this.#socialMerchants.get(domain) ?? null,
      flag: this.#flags.get(domain) ?? null,
      domainComplaints: this.#complaints.get(domain) ?? null,
    };
  }

  merchantByIce(ice: string): Merchant | null {
    return this.#byIce.get(ice) ?? null;
  }

  lookalikeOf(identity: Pick<ShopIdentity, 'domain' | 'host'>): Imitation | null {
    if (identity.domain.includes('/')) return null; // A social key imitates no domain.
    // Built on first use: most lookups are of known shops or of pages that are not shops.
    // Only verified merchants are imitated; every merchant's domains are its own.
    this.#lookalikes ??= new LookalikeIndex(
      [...this.#merchants]
        .filter(([, merchant]) => merchant.status === 'verified')
        .map(([domain, merchant]) => ({ domain, merchantId: merchant.id })),
      this.#merchants.keys(),
    );
    return this.#lookalikes.imitatedBy(identity);
  }
}

export function openComplaintCount(counts: ComplaintCounts | null): number {
  if (!counts) return 0;
  let total = 0;
  for (const count of Object.values(counts.open)) total += count ?? 0;
  return total;
}
