import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { DirectoryIndex } from '../directory/directory-index.ts';
import type { Snapshot } from '../directory/schemas.ts';
import { verdictForInput } from '../directory/verdict.ts';
import { openThiqaDatabase } from './database.ts';
import { createDirectoryStore } from './directory-store.ts';
import { createShopJudge } from './shop-judge.ts';

// The worker resolves a tab's URL once: the store resolves it to choose which records to
// read, and the judge judges that same answer instead of parsing the URL again. Whatever
// the form of the address, the tab's verdict must be the one the whole directory, held in
// memory, gives for it.

const NOW = new Date('2026-11-27T10:00:00Z');
const state = testState({
  // A platform only the directory names: the store and the verdict must both resolve under it.
  platforms: ['youcan.shop', 'souqdigital.ma'],
  merchants: [
    testMerchant({
      id: 'atlas-electro',
      domains: ['atlas-electro.test', 'bazar.youcan.shop'],
      social: [{ network: 'instagram', handle: 'atlas.electro' }],
    }),
    testMerchant({ id: 'dar-argan', domains: ['dar-argan.souqdigital.ma'], status: 'suspended' }),
  ],
  flagged: [{ domain: 'fake-shop.test', reason: 'fraud', since: '2026-10-01', summary: 'Took money.' }],
});
const snapshot: Snapshot = {
  format: 'thiqa.snapshot',
  formatVersion: 1,
  version: 1,
  publishedAt: '2026-11-27T08:00:00Z',
  state,
};

const INPUTS = [
  'https://atlas-electro.test/produit?id=1#avis',
  'HTTPS://WWW.Atlas-Electro.TEST./',
  'atlas-electro.test:8443/panier',
  '//boutique.atlas-electro.test/x',
  '  http://atlas-electro.test  ',
  'https://bazar.youcan.shop/p/1',
  'https://shop.dar-argan.souqdigital.ma/',
  'https://souqdigital.ma/',
  'https://notsouqdigital.ma/',
  'https://www.instagram.com/Atlas.Electro/',
  'https://instagram.com/explore/',
  'https://instagram.com.atlas-electro.test/login',
  'https://atlas-electr0.test/',
  'https://atlas-electro.test.secure-pay.com/login',
  'https://fake-shop.test/checkout',
  'https://unknown-shop.test/',
  'javascript:alert(1)',
  'http://127.0.0.1:8080/',
  'http://intranet/',
  '',
];

describe('the tab verdict from the stored index', () => {
  it('is the in-memory directory’s verdict for every form of address, the URL resolved once', async () => {
    const db = await openThiqaDatabase('shop-judge-store-test');
    const store = createDirectoryStore(db);
    await store.replaceWithSnapshot(snapshot, {
      expiresAt: '2026-11-30T08:00:00Z',
      digest: null,
      source: 'bundled',
      etag: null,
      lastSyncAt: null,
      lastError: null,
    });
    const judge = createShopJudge({ store, now: () => NOW });
    const whole = new DirectoryIndex(state);
    for (const input of INPUTS) {
      const judged = await judge.judge(input);
      const expected = verdictForInput(input, whole, NOW);
      expect({ input, identity: judged.identity, verdict: judged.verdict }).toEqual({ input, ...expected });
    }
    // The inputs cover every level a tab can show.
    const shown = await Promise.all(INPUTS.map(async (input) => (await judge.judge(input)).verdict.level));
    expect(new Set(shown)).toEqual(new Set(['verified', 'caution', 'danger', 'unknown', 'none']));
  });
});
