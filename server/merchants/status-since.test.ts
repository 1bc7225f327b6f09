import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestRegistry } from '../../test/support/test-registry.ts';
import type { Registry } from '../db/database.ts';
import { importMerchants } from './import-write.ts';
import { loadStatusSince } from './status-since.ts';

// The registry keeps the date of a merchant's last change of status, for the certificate
// page; the directory files cannot carry it.

function row(changes: Record<string, string> = {}) {
  const values: Record<string, string> = {
    domains: 'souk-test.test',
    legal_name: 'Souk Test SARL',
    ice: '003000000000044',
    city: 'Rabat',
    phone: '0537000000',
    status: 'verified',
    verified_at: '2026-01-05',
    verified_by: 'FDEC',
    methods: 'commercial-register',
    ...changes,
  };
  return { line: 2, values: new Map(Object.entries(values)) };
}

describe('the date of a merchant’s status', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = await openTestRegistry();
  });
  afterEach(async () => registry.close());

  const importAt = async (at: string, changes: Record<string, string> = {}) => {
    const result = await importMerchants(registry.db, [row(changes)], { now: new Date(at), actor: 'test' });
    expect(result.problems).toEqual([]);
  };
  const since = async () => (await loadStatusSince(registry.db)).get('souk-test');

  it('starts when the merchant is imported, stays while the status stays, moves when it changes', async () => {
    await importAt('2026-02-01T09:00:00Z');
    expect(await since()).toEqual({ status: 'verified', since: '2026-02-01T09:00:00.000Z' });

    await importAt('2026-03-01T09:00:00Z', { city: 'Salé' });
    expect(await since()).toEqual({ status: 'verified', since: '2026-02-01T09:00:00.000Z' });

    await importAt('2026-04-10T15:30:00Z', { status: 'suspended', city: 'Salé' });
    expect(await since()).toEqual({ status: 'suspended', since: '2026-04-10T15:30:00.000Z' });

    await importAt('2026-05-01T09:00:00Z', { status: 'suspended', city: 'Rabat' });
    expect(await since()).toEqual({ status: 'suspended', since: '2026-04-10T15:30:00.000Z' });

    await importAt('2026-06-02T08:00:00Z', { status: 'revoked' });
    expect(await since()).toEqual({ status: 'revoked', since: '2026-06-02T08:00:00.000Z' });
  });

  it('is null for a merchant written before the date was kept', async () => {
    await importAt('2026-02-01T09:00:00Z');
    await registry.db.updateTable('merchants').set({ status_since: null }).execute();
    await importAt('2026-03-01T09:00:00Z', { city: 'Salé' });
    expect(await since()).toEqual({ status: 'verified', since: null });
  });
});
