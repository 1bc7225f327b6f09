import { type DirectoryEntry, DirectoryIndex } from '../directory/directory-index.ts';
import type { PageEvidence } from '../directory/page-evidence.ts';
import { DEFAULT_POLICY } from '../directory/schemas.ts';
import { DEFAULT_PLATFORM_SUFFIXES, resolveShopIdentity, type ShopIdentity } from '../directory/shop-identity.ts';
import { type Verdict, verdictFor, verdictForResolved } from '../directory/verdict.ts';
import type { DirectoryMeta } from './database.ts';
import type { DirectoryStore } from './directory-store.ts';
import type { SiteChoice } from './setting-values.ts';

export interface Judgement {
  identity: ShopIdentity | null;
  verdict: Verdict;
  entry: DirectoryEntry | null;
  meta: DirectoryMeta | null;
}

/** Before the bundled copy is stored (the first instants after install) every shop is unknown. */
const EMPTY_DIRECTORY = new DirectoryIndex({
  policy: DEFAULT_POLICY,
  platforms: [...DEFAULT_PLATFORM_SUFFIXES],
  merchants: [],
  flagged: [],
  domainComplaints: [],
});

/**
 * The verdict for a tab's URL, from the compact index and the records of that one shop;
 * matching never leaves the machine. A
 * look-alike warning the shopper dismissed for the site is left out here, so the toolbar
 * badge, the in-page badge and the popup all agree.
 */
export function createShopJudge(deps: {
  store: DirectoryStore;
  now: () => Date;
  siteChoice?: (domain: string) => Promise<SiteChoice>;
}) {
  return {
    /** With `evidence`, what the page says about itself counts too (page-evidence.ts). */
    async judge(url: string | undefined, evidence?: PageEvidence | null): Promise<Judgement> {
      const hot = await deps.store.lookupFor(url ?? '', evidence?.ices ?? []);
      const index = hot?.lookup ?? EMPTY_DIRECTORY;
      // The store resolved the URL to choose the records it read: that answer is judged.
      const resolved = hot?.resolved ?? resolveShopIdentity(url ?? '', index.platforms);
      const judged = verdictForResolved(resolved, index, deps.now(), { evidence });
      const { identity } = judged;
      let { verdict } = judged;
      // Look-alikes are rare: the site's choice is read only when one is found.
      if (identity && deps.siteChoice && verdict.reasons.some((reason) => reason.code === 'lookalike')) {
        if ((await deps.siteChoice(identity.domain)).lookalikeDismissed) {
          verdict = verdictFor(identity, index, deps.now(), { lookalikeDismissed: true, evidence });
        }
      }
      return {
        identity,
        verdict,
        entry: identity ? index.entryFor(identity.domain) : null,
        meta: hot?.meta ?? null,
      };
    },
  };
}
export type ShopJudge = ReturnType<typeof createShopJudge>;
