import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { buildOpenDataRelease, suppressRow } from './open-data-release.ts';
import { SUPPRESSION_THRESHOLD } from './open-data-schema.ts';

// Small counts that could identify a reporter are suppressed, and a suppressed cell must
// not be recoverable from the cells published beside it: in a month where every report
// was decided, received = accepted + rejected + withdrawn, so hiding only `rejected` (2)
// while publishing received (7), accepted (5) and withdrawn (0) would hide nothing.

describe('open data suppression', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await openTestService();
  });
  afterAll(async () => service.close());

  it('does not publish the cells a suppressed count can be computed from', async () => {
    const month = new Date('2026-03-10T10:00:00Z');
    const decided = new Date('2026-03-12T10:00:00Z');
    const row = (n: number, status: 'accepted' | 'rejected') => ({
      receipt: `suppress-${status}-${n}`.padEnd(22, 'x').slice(0, 22),
      idempotency_key: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      request_hash: `hash-${n}`,
      domain: 'souk-suppress.test',
      url: 'https://souk-suppress.test/',
      reason: 'non-delivery',
      status,
      created_at: month,
      updated_at: decided,
      decided_at: decided,
    });
    await service.registry.db
      .insertInto('reports')
      .values([1, 2, 3, 4, 5].map((n) => row(n, 'accepted')).concat([6, 7].map((n) => row(n, 'rejected'))))
      .execute();
    const release = await buildOpenDataRelease(service.registry.db, {
      version: 1,
      publishedAt: '2026-06-01T00:00:00.000Z',
    });
    const march = release.moderation.find((line) => line.month === '2026-03');
    expect(march).toBeDefined();
    // Suppressed, as it should be: 2 < threshold.
    expect(2).toBeLessThan(SUPPRESSION_THRESHOLD);
    expect(march?.rejected).toBeNull();
    // …but not recoverable: at least one other cell of the sum must be hidden too.
    const recovered =
      march?.received != null && march.accepted != null && march.withdrawn != null
        ? march.received - march.accepted - march.withdrawn
        : null;
    expect(recovered).toBeNull();
  });

  const moderationRow = (received: number, accepted: number, rejected: number, withdrawn: number) =>
    suppressRow({ received, accepted, rejected, withdrawn }, 'received', ['accepted', 'rejected', 'withdrawn']);

  it('hides the total when two small parts would add up to it', () => {
    // 7 − 5 = 2 = 1 + 1: with the total published, both hidden cells would be known.
    expect(moderationRow(7, 5, 1, 1)).toEqual({ received: null, accepted: 5, rejected: null, withdrawn: null });
  });

  it('hides one more part beside a lone small one, in case the total is known elsewhere', () => {
    // An earlier release, taken before any decision, published received = 12 alone.
    expect(moderationRow(12, 9, 0, 3)).toEqual({ received: null, accepted: null, rejected: 0, withdrawn: null });
    // The smallest other part goes with it: rejected (6), not accepted (9).
    expect(moderationRow(20, 9, 6, 2)).toEqual({ received: null, accepted: 9, rejected: null, withdrawn: null });
    // No small part: everything is published, zero included.
    expect(moderationRow(20, 15, 5, 0)).toEqual({ received: 20, accepted: 15, rejected: 5, withdrawn: 0 });
  });
});
