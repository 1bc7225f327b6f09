import { merchantKeys } from './compact-build.ts';
import { type CompactDirectory, KEY_KIND, MARKER } from './compact-directory.ts';
import type { DirectoryEntry, DirectoryLookup } from './directory-index.ts';
import type { DomainComplaints, FlaggedDomain, Merchant, Policy } from './schemas.ts';

// A verdict asks a DirectoryLookup synchronously; the compact index knows only which
// records may answer. So the judge first asks which records one shop (and the ICEs its
// page shows) needs, reads those few from IndexedDB, and the lookup answers from them:
// every hash hit is confirmed against the record, as the in-memory index would answer.

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

/** Merchant ordinals under `key` of this kind, in directory (id) order. */
function candidates(compact: CompactDirectory, key: string, kind: number): number[] {
  return compact.refs(key, kind).sort((a, b) => a - b);
}

/** The records a verdict on `domain` needs; the merchants holding the ICEs a page shows are read by ICE (the store's byIce index). */
export function recordsWanted(compact: CompactDirectory, domain: string): RecordsWanted {
  const ordinals = new Set<number>();
  const own = compact.merchantOfOwnDomain(domain);
  if (own !== null) ordinals.add(own);
  else for (const ordinal of candidates(compact, domain, KEY_KIND.social)) ordinals.add(ordinal);
  const markers = compact.refs(domain, KEY_KIND.marker);
  return {
    merchantIds: [...ordinals].map((ordinal) => compact.id(ordinal)),
    flag: markers.includes(MARKER.flag),
    complaints: markers.includes(MARKER.complaints),
  };
}

/** The lookup for one shop key, answering from the records read for it. */
export function compactLookup(
  compact: CompactDirectory,
  base: { readonly policy: Policy; readonly platforms: readonly string[] },
  domain: string,
  records: RecordsRead,
): DirectoryLookup {
  const record = (ordinal: number) => records.merchants.get(compact.id(ordinal));
  const merchantFor = (): Merchant | null => {
    const own = compact.merchantOfOwnDomain(domain);
    if (own !== null) {
      const merchant = record(own);
      return merchant?.domains.includes(domain) ? merchant : null;
    }
    // A social key names the first merchant (in id order) that lists it.
    for (const ordinal of candidates(compact, domain, KEY_KIND.social)) {
      const merchant = record(ordinal);
      if (merchant && merchantKeys(merchant).socialKeys.includes(domain)) return merchant;
    }
    return null;
  };
  const entry: DirectoryEntry = {
    merchant: merchantFor(),
    flag: records.flag?.domain === domain ? records.flag : null,
    domainComplaints: records.complaints?.domain === domain ? records.complaints.complaints : null,
  };
  return {
    policy: base.policy,
    platforms: base.platforms,
    entryFor(asked) {
      // Only the shop the records were read for can be answered.
      if (asked !== domain) throw new Error(`compact lookup: read for ${domain}, asked for ${asked}`);
      return entry;
    },
    merchantByIce(ice) {
      // The last merchant (in id order) holding an ICE is its owner, as in the in-memory index;
      // the store read every merchant holding the ICEs the page shows (its byIce index).
      let owner: Merchant | null = null;
      for (const merchant of records.merchants.values()) {
        if (merchant.ice === ice && (owner === null || merchant.id > owner.id)) owner = merchant;
      }
      return owner;
    },
    lookalikeOf: (identity) => compact.lookalikeOf(identity),
  };
}
