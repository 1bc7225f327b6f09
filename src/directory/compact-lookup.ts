import { merchantKeys } from './compact-build.ts';
import { type CompactDirectory, KEY_KIND, MARKER } from './compact-directory.ts';
import type { DirectoryEntry, DirectoryLookup } from './directory-index.ts';
import type { Imitation } from './lookalike-match.ts';
import type { DomainComplaints, FlaggedDomain, Merchant, Policy } from './schemas.ts';
import type { ShopIdentity } from './shop-identity.ts';

// A verdict asks a DirectoryLookup synchronously; the compact index knows only which
// records may answer. So the judge first asks which records one shop (and the ICEs its
// page shows) needs, reads those few from IndexedDB, and the lookup answers from them:
// every hash hit is confirmed against the record, as the in-memory index would answer.
// This runs for every tab's verdict: no sort, set or closure unless a key has several
// entries (a shared social key, an ICE), which is rare.

export interface RecordsWanted {
  readonly merchantIds: readonly string[];
  /** The shop key may be flagged, or have complaints: read those records. */
  readonly flag: boolean;
  readonly complaints: boolean;
}

export interface RecordsRead {
  readonly merchants: ReadonlyMap<string, Merchant>;
  readonly flag: FlaggedDomain | undefined;
  readonly complaints: DomainComplaints | undefined;
}

const byOrdinal = (a: number, b: number) => a - b;

/** Merchant ordinals under `key` of this kind, in directory (id) order. */
function candidates(compact: CompactDirectory, key: string, kind: number): number[] {
  const found = compact.refs(key, kind);
  return found.length > 1 ? found.sort(byOrdinal) : found;
}

/** The records a verdict on `domain` needs; the merchants holding the ICEs a page shows are read by ICE (the store's byIce index). */
export function recordsWanted(compact: CompactDirectory, domain: string): RecordsWanted {
  const markers = compact.markersOf(domain);
  const flag = (markers & MARKER.flag) !== 0;
  const complaints = (markers & MARKER.complaints) !== 0;
  const own = compact.merchantOfOwnDomain(domain);
  // The common case, a merchant's own domain: one record.
  if (own !== null) return { merchantIds: [compact.id(own)], flag, complaints };
  const ordinals = candidates(compact, domain, KEY_KIND.social);
  const unique = ordinals.length > 1 ? [...new Set(ordinals)] : ordinals;
  return { merchantIds: unique.map((ordinal) => compact.id(ordinal)), flag, complaints };
}

/** The lookup for one shop key, answering from the records read for it. */
export function compactLookup(
  compact: CompactDirectory,
  base: { readonly policy: Policy; readonly platforms: readonly string[] },
  domain: string,
  records: RecordsRead,
): DirectoryLookup {
  return new CompactShopLookup(compact, base, domain, records);
}

/** A class rather than an object of closures: one is made for every verdict. */
class CompactShopLookup implements DirectoryLookup {
  readonly policy: Policy;
  readonly platforms: readonly string[];
  readonly #compact: CompactDirectory;
  readonly #domain: string;
  readonly #records: RecordsRead;
  readonly #entry: DirectoryEntry;

  constructor(
    compact: CompactDirectory,
    base: { readonly policy: Policy; readonly platforms: readonly string[] },
    domain: string,
    records: RecordsRead,
  ) {
    this.policy = base.policy;
    this.platforms = base.platforms;
    this.#compact = compact;
    this.#domain = domain;
    this.#records = records;
    this.#entry = {
      merchant: this.#merchantFor(),
      flag: records.flag?.domain === domain ? records.flag : null,
      domainComplaints: records.complaints?.domain === domain ? records.complaints.complaints : null,
    };
  }

  #record(ordinal: number): Merchant | undefined {
    return this.#records.merchants.get(this.#compact.id(ordinal));
  }

  #merchantFor(): Merchant | null {
    const domain = this.#domain;
    const own = this.#compact.merchantOfOwnDomain(domain);
    if (own !== null) {
      const merchant = this.#record(own);
      return merchant?.domains.includes(domain) ? merchant : null;
    }
    // A social key names the first merchant (in id order) that lists it.
    for (const ordinal of candidates(this.#compact, domain, KEY_KIND.social)) {
      const merchant = this.#record(ordinal);
      if (merchant && merchantKeys(merchant).socialKeys.includes(domain)) return merchant;
    }
    return null;
  }

  entryFor(asked: string): DirectoryEntry {
    // Only the shop the records were read for can be answered.
    if (asked !== this.#domain) throw new Error(`compact lookup: read for ${this.#domain}, asked for ${asked}`);
    return this.#entry;
  }

  merchantByIce(ice: string): Merchant | null {
    // The last merchant (in id order) holding an ICE is its owner, as in the in-memory index;
    // the store read every merchant holding the ICEs the page shows (its byIce index).
    let owner: Merchant | null = null;
    for (const merchant of this.#records.merchants.values()) {
      if (merchant.ice === ice && (owner === null || merchant.id > owner.id)) owner = merchant;
    }
    return owner;
  }

  lookalikeOf(identity: Pick<ShopIdentity, 'domain' | 'host'>): Imitation | null {
    return this.#compact.lookalikeOf(identity);
  }
}
