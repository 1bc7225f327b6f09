import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testMerchant } from '../src/directory/test-directory.ts';
import { publicDirectoryDir, publishDirectory } from './publisher.ts';
import { generateKeyFile, loadSigningKeys } from './signing-keys.ts';
import { openTestService, type TestService } from './test-service.ts';

// Text the directory schema refuses (control and bidi-override characters, names over
// 300 characters) must be stopped where it enters, and a registry that holds it anyway
// must not be published: extensions would refuse the file, or show a name that lies.

const NOW = new Date('2026-11-27T10:00:00Z');

describe('hostile text in the registry', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await openTestService();
    await generateKeyFile(service.dataDir);
  });
  afterEach(async () => service.close());

  const publish = async () =>
    publishDirectory(service.registry.db, {
      dataDir: service.dataDir,
      keys: await loadSigningKeys(service.dataDir),
      now: NOW,
      actor: 'test',
    });

  // These used to be accepted, and then every publish failed (500) until the flag was changed.
  it.each([
    ['a line break', 'Encaisse\net ne livre jamais'],
    ['a right-to-left override', 'Shop \u202egnp.exe'],
    ['a bidi isolate', 'Avis \u2067caché\u2069 ici'],
    ['a NUL character', 'Encaisse\u0000 et ne livre jamais'],
  ])('refuses a flag summary with %s, and publishing goes on', async (_name, summary) => {
    const refused = await service.admin('PUT', '/v1/admin/flags/fake-shop.ma', { reason: 'fraud', summary });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toContainEqual({
      field: 'summary',
      message: 'must not contain control or bidi-override characters',
    });
    const flagged = await service.admin('PUT', '/v1/admin/flags/fake-shop.ma', {
      reason: 'fraud',
      summary: 'Encaisse et ne livre jamais',
    });
    expect(flagged.status).toBe(200);
    expect((await service.admin('POST', '/v1/admin/publish')).status).toBe(200);
  });

  it.each([
    ['a right-to-left override in the legal name', { legalName: 'Evil \u202eemaN' }],
    ['a 5,000-character trade name', { tradeNames: ['x'.repeat(5000)] }],
  ])('does not publish a registry holding %s, and the published files stay as they were', async (_name, fields) => {
    await publish();
    const manifestPath = join(publicDirectoryDir(service.dataDir), 'manifest.json');
    const before = await readFile(manifestPath, 'utf8');
    // Written past the import, as a hand edit of the database would.
    const { complaints: _complaints, ...record } = testMerchant({
      id: 'hostile',
      domains: ['hostile.test'],
      ...fields,
    });
    await service.registry.db
      .insertInto('merchants')
      .values({ id: record.id, ice: record.ice, record: JSON.stringify(record), updated_at: NOW })
      .execute();
    await expect(publish()).rejects.toThrow();
    expect(await readFile(manifestPath, 'utf8')).toBe(before);
  });
});
