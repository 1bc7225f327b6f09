import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestService } from '../../test/support/test-service.ts';
import { answerRecordsByMerchant } from '../directory/directory-state.ts';
import { openDeskService } from '../merchants/desk/desk-test-support.ts';
import { buildOpenDataRelease } from './open-data-release.ts';

// The open data's answer figures per merchant are the directory's, counted by the same
// function: the directory leaves out complaints closed as unfounded (a merchant is not
// judged on a complaint staff, or an upheld contest, found baseless). Counted apart, the
// open data once took them as sent and unanswered, so a merchant that won its contest
// showed a worse answer rate there than in the directory.

describe('answer rates: open data and directory', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await openDeskService();
  });
  afterAll(() => service.close());

  it('agree for a merchant with a complaint closed as unfounded', async () => {
    const { db } = service.registry;
    const sent = new Date('2026-10-01T10:00:00Z');
    const base = {
      domain: 'dar-argan.test',
      category: 'non-delivery',
      opened_at: sent,
      opened_by: 'moderator@thiqa.test',
      merchant_id: 'dar-argan',
      sent_at: sent,
    };
    await db
      .insertInto('complaints')
      .values([
        {
          ...base,
          status: 'open',
          stage: 'answered',
          answered_at: new Date('2026-10-03T10:00:00Z'),
          answer_kind: 'will-act',
          answer_text: 'Nous livrons demain.',
        },
        // Contested, upheld: closed as unfounded before the merchant answered.
        { ...base, status: 'unfounded', stage: 'closed', resolved_at: new Date('2026-10-02T10:00:00Z') },
      ])
      .execute();
    const directory = (await answerRecordsByMerchant(db)).get('dar-argan');
    const release = await buildOpenDataRelease(db, { version: 1, publishedAt: '2026-11-01T00:00:00.000Z' });
    const open = release.merchants.find((row) => row.merchantId === 'dar-argan');
    expect(directory).toMatchObject({ sent: 1, answered: 1 });
    expect({ sent: open?.complaintsSent, answered: open?.answered, median: open?.medianDaysToAnswer }).toEqual({
      sent: directory?.sent,
      answered: directory?.answered,
      median: directory?.medianDays,
    });
    expect(open?.answerShare).toBe(1);
  });
});
