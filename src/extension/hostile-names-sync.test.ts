import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { testMerchant, testState } from '../../test/support/test-directory.ts';
import { buildPublication } from '../directory/publication.ts';
import type { Merchant, Snapshot } from '../directory/schemas.ts';
import { generateSigningKey, importSigningKey } from '../directory/signing.ts';
import { openThiqaDatabase } from './database.ts';
import { createDirectoryStore } from './directory-store.ts';
import { createDirectorySync } from './directory-sync.ts';

// A publisher's signature does not make a name safe: a signed snapshot carrying a name
// the schema refuses is refused whole, and the extension keeps the directory it held.

const URL_BASE = 'https://directory.example/v1/directory/';
const NOW = new Date('2026-11-27T10:00:00Z');

const snapshot = (version: number, merchants: Merchant[]): Snapshot => ({
  format: 'thiqa.snapshot',
  formatVersion: 1,
  version,
  publishedAt: '2026-11-27T08:00:00Z',
  state: testState({ merchants }),
});

describe('sync of hostile merchant names', () => {
  it.each([
    ['a right-to-left override', { legalName: 'Evil \u202eemaN' }],
    ['a bidi isolate', { tradeNames: ['Shop \u2066hidden\u2069'] }],
    ['a 5,000-character name', { legalName: 'x'.repeat(5000) }],
    ['a 301-character trade name', { tradeNames: ['y'.repeat(301)] }],
  ])('refuses a signed snapshot with %s and keeps the directory it held', async (name, fields) => {
    const generated = await generateSigningKey();
    const key = await importSigningKey(generated.privateJwk);
    const held = snapshot(1, [testMerchant({ id: 'held' })]);
    const hostile = snapshot(2, [testMerchant({ id: 'hostile', ...fields })]);
    const publication = await buildPublication({ current: hostile, previous: [], keys: [key] });
    const files = new Map<string, Uint8Array>([
      ['manifest.json', new TextEncoder().encode(publication.manifestText)],
      ...publication.files.map((file): [string, Uint8Array] => [file.path, file.bytes]),
    ]);
    const store = createDirectoryStore(await openThiqaDatabase(`hostile-sync-${name}`));
    await store.replaceWithSnapshot(held, {
      expiresAt: '2026-11-30T08:00:00Z',
      digest: null,
      source: 'bundled',
      etag: null,
      lastSyncAt: null,
      lastError: null,
    });
    const sync = createDirectorySync({
      fetch: async (url) => {
        const bytes = files.get(url.slice(URL_BASE.length));
        return bytes ? new Response(bytes.slice()) : new Response('not found', { status: 404 });
      },
      store,
      now: () => NOW,
      directoryUrl: URL_BASE,
      publicKeys: [generated.info],
    });
    expect(await sync.sync()).toMatchObject({ status: 'refused', error: { code: 'schema-invalid' } });
    expect(await store.readState()).toEqual(held.state);
    expect((await store.readMeta())?.lastError?.code).toBe('schema-invalid');
  });
});
