import { storage } from 'wxt/utils/storage';
import { type PageEvidence, pageEvidenceSchema } from '../directory/page-evidence.ts';

// What each tab's page said about itself, for the popup opened later and the toolbar
// badge repainted later. In storage.session, not in the worker's memory: an MV3 worker
// sleeps after 30 s idle and would forget it, while the shopper may open the popup
// minutes after the page loaded. The session area stays in memory (never written to
// disk), is out of reach of content scripts, and empties when the browser closes.

interface StoredEvidence {
  /** The page the evidence was read on, without its fragment. */
  url: string;
  evidence: PageEvidence;
}

const itemKey = (tabId: number) => `session:pageEvidence.${tabId}` as const;

function pageKey(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch {
    return url;
  }
}

export interface PageEvidenceStore {
  save(tabId: number, url: string, evidence: PageEvidence): Promise<void>;
  /** The evidence read on the page the tab shows now, or null (another page, or none read). */
  forTab(tabId: number, url: string | undefined): Promise<PageEvidence | null>;
  clear(tabId: number): Promise<void>;
}

export function createPageEvidenceStore(): PageEvidenceStore {
  return {
    async save(tabId, url, evidence) {
      await storage.setItem<StoredEvidence>(itemKey(tabId), { url: pageKey(url), evidence });
    },
    async forTab(tabId, url) {
      if (!url) return null;
      const stored = await storage.getItem<StoredEvidence>(itemKey(tabId));
      if (!stored || stored.url !== pageKey(url)) return null;
      // Written only by the background from parsed requests; parsed again all the same.
      const parsed = pageEvidenceSchema.safeParse(stored.evidence);
      return parsed.success ? parsed.data : null;
    },
    async clear(tabId) {
      await storage.removeItem(itemKey(tabId));
    },
  };
}
