import { type ImitationTarget, LookalikeIndex } from '../../src/directory/lookalike.ts';
import type { GoodRow } from './import-plan.ts';

// A merchant brought by an import whose domain looks like another merchant's domain
// (`atlas-electr0.test` beside `atlas-electro.test`) may be a clone slipping into the
// directory, or the same company's second shop. The import does not refuse it: it warns,
// naming both, so the operator checks. One ICE is one company: no warning then (the row
// is that merchant, whose own domains never imitate each other).
//
// At scale (issue 15): an index over every domain of a 150k registry took 500 MB and
// 20 s to build, and 180k lookups 108 s. So the targets come in chunks, one index per
// chunk, dropped before the next (memory stays that of one chunk), and a file bringing
// more new domains than an operator could check one by one skips the check, saying so.

export interface ImportWarning {
  line: number;
  kind: 'lookalike';
  /** The row's domain that looks like another merchant's. */
  domain: string;
  /** The merchant (id after the import) and ICE of the row. */
  merchant: string;
  ice: string;
  /** The other merchant's domain, id and ICE. */
  imitates: { domain: string; merchant: string; ice: string };
  message: string;
}

/** Targets per index: about 70 MB of index each. */
export const LOOKALIKE_TARGETS_PER_INDEX = 25_000;
/** More new domains than this in one file and the check is skipped (a warning each would be unreadable). */
export const MAX_LOOKALIKE_CHECKED_DOMAINS = 5_000;

/** A kept row with the domains the registry did not already give its merchant. */
export type LookalikeQuery = GoodRow;

/**
 * Warnings for the rows' new domains. `targets`: every merchant's domains as they will be
 * after the import (the registry's, with the file's merchants' replaced by the file's),
 * in chunks; `iceOf`: a merchant's ICE after the import.
 */
export async function lookalikeWarnings(
  queries: readonly LookalikeQuery[],
  targets: AsyncIterable<ImitationTarget[]>,
  iceOf: (merchantId: string) => string | undefined,
): Promise<ImportWarning[]> {
  if (queries.length === 0) return [];
  /** Per query and domain: undecided, or decided (a warning or none). */
  const decided = new Map<string, ImportWarning | null>();
  const key = (index: number, domain: string) => `${index} ${domain}`;
  for await (const chunk of targets) {
    const index = new LookalikeIndex(chunk);
    for (const [at, query] of queries.entries()) {
      for (const domain of query.domains) {
        if (decided.has(key(at, domain))) continue;
        const match = index.imitatedByMerchantDomain(domain, query.id);
        if (!match) continue;
        const otherIce = iceOf(match.merchantId);
        // The first merchant found decides, as one index over every target would.
        decided.set(
          key(at, domain),
          otherIce === undefined || otherIce === query.ice
            ? null
            : {
                line: query.line,
                kind: 'lookalike',
                domain,
                merchant: query.id,
                ice: query.ice,
                imitates: { domain: match.domain, merchant: match.merchantId, ice: otherIce },
                message: `${domain} (merchant ${query.id}, ICE ${query.ice}) looks like ${match.domain} (merchant ${match.merchantId}, ICE ${otherIce}): check it is no imitation`,
              },
        );
      }
    }
  }
  const warnings: ImportWarning[] = [];
  for (const [at, query] of queries.entries()) {
    for (const domain of query.domains) {
      const warning = decided.get(key(at, domain));
      if (warning) warnings.push(warning);
    }
  }
  return warnings;
}
