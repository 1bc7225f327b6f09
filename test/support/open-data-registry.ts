import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type DemoService, openDemoService } from './demo-service.ts';

// A demo registry with a history the open data must count, and must not repeat: reports
// through POST /v1/reports decided in the moderators' queue, complaints sent to and
// answered by a listed merchant, decided contests. Every free text anyone wrote carries a
// marker string, so a test can assert that no released file and no page holds one.

export const PERSONAL_MARKERS = {
  details: 'zq91-details-of-the-shopper',
  contact: 'zq91-contact@example.ma',
  acceptNote: 'zq91-moderator-note',
  rejectWhy: 'zq91 rejection reason',
  merchantSummary: 'zq91-summary-for-merchant',
  answer: 'zq91-answer-of-the-merchant',
  answerStaffNote: 'zq91-staff-note-of-the-merchant',
  closingNote: 'zq91-closing-note',
  contestName: 'Zq91 Contester',
  contestEmail: 'zq91-contester@example.ma',
  contestReason: 'zq91-contest-reason',
  contestOutcome: 'zq91-public-outcome',
  proofToken: 'zq91-proof-token',
} as const;

/** A trade name a spreadsheet would run as a formula. */
export const FORMULA_TRADE_NAME = '=HYPERLINK("http://evil.example/","prix, bas")';

export interface OpenDataService extends DemoService {
  merchantId: string;
  domain: string;
}

export async function openOpenDataService(): Promise<OpenDataService> {
  const service = await openDemoService({ reportRateLimit: { max: 10_000, windowMs: 60_000 } });
  const merchant = service.bundled.state.merchants[0];
  const domain = merchant?.domains[0];
  if (!merchant || !domain) throw new Error('the demo directory has no merchant');
  const { db } = service.registry;
  const queue = service.app.context.reportQueue;
  const submit = async () => {
    const response = await service.send('POST', '/v1/reports', {
      url: `https://${domain}/commande`,
      reason: 'non-delivery',
      details: PERSONAL_MARKERS.details,
      contact: PERSONAL_MARKERS.contact,
      consent: true,
      idempotencyKey: randomUUID(),
    });
    if (response.status !== 201) throw new Error(`report refused: ${await response.text()}`);
    return ((await response.json()) as { receipt: string }).receipt;
  };

  // September 2026: 11 reports; decided two days later. 3 fraud (a suppressed cell),
  // 6 non-delivery, 2 rejected (suppressed).
  service.setNow('2026-09-10T09:00:00Z');
  const receipts = [];
  for (let i = 0; i < 11; i += 1) receipts.push(await submit());
  service.setNow('2026-09-12T09:00:00Z');
  for (const [index, receipt] of receipts.entries()) {
    if (index < 3) await queue.accept(receipt, { category: 'fraud', note: PERSONAL_MARKERS.acceptNote }, 'test');
    else if (index < 9) await queue.accept(receipt, { category: 'non-delivery' }, 'test');
    else await queue.reject(receipt, { why: PERSONAL_MARKERS.rejectWhy }, 'test');
  }

  // The six non-delivery complaints sent to the merchant; four answered three days later,
  // five closed as resolved.
  const sent = await db
    .selectFrom('complaints')
    .select('id')
    .where('category', '=', 'non-delivery')
    .where('opened_at', '>=', new Date('2026-09-01T00:00:00Z'))
    .where('opened_at', '<', new Date('2026-10-01T00:00:00Z'))
    .orderBy('id')
    .execute();
  const ids = sent.map((row) => row.id);
  await db
    .updateTable('complaints')
    .set({
      merchant_id: merchant.id,
      stage: 'sent',
      sent_at: '2026-09-12T10:00:00Z',
      merchant_summary: PERSONAL_MARKERS.merchantSummary,
    })
    .where('id', 'in', ids)
    .execute();
  await db
    .updateTable('complaints')
    .set({
      stage: 'answered',
      answered_at: '2026-09-15T10:00:00Z',
      answer_kind: 'will-act',
      answer_text: PERSONAL_MARKERS.answer,
      answer_staff_note: PERSONAL_MARKERS.answerStaffNote,
    })
    .where('id', 'in', ids.slice(0, 4))
    .execute();
  await db
    .updateTable('complaints')
    .set({ status: 'resolved', stage: 'closed', resolved_at: '2026-09-20T10:00:00Z', resolved_by: 'test' })
    .set({ note: PERSONAL_MARKERS.closingNote })
    .where('id', 'in', ids.slice(0, 5))
    .execute();

  // October 2026: 6 complaint contests dismissed, 2 flag contests upheld (suppressed).
  for (let i = 0; i < 8; i += 1) {
    await db
      .insertInto('contests')
      .values({
        receipt: `zq91-contest-${i}`,
        kind: i < 6 ? 'complaint' : 'flag',
        domain,
        complaint_id: null,
        merchant_id: merchant.id,
        name: PERSONAL_MARKERS.contestName,
        email: PERSONAL_MARKERS.contestEmail,
        reason: PERSONAL_MARKERS.contestReason,
        lang: 'fr',
        proof_token: PERSONAL_MARKERS.proofToken,
        status: i < 6 ? 'dismissed' : 'upheld',
        public_outcome: PERSONAL_MARKERS.contestOutcome,
        decided_by: 'test',
        decided_at: '2026-10-05T10:00:00Z',
        created_at: '2026-10-01T10:00:00Z',
      })
      .execute();
  }

  // Registry text a spreadsheet would run.
  await sql`update merchants set record = jsonb_set(record, '{tradeNames}', ${JSON.stringify([FORMULA_TRADE_NAME])}::jsonb) where id = ${merchant.id}`.execute(
    db,
  );

  service.setNow('2026-11-27T10:00:00Z');
  await service.publish();
  return { ...service, merchantId: merchant.id, domain };
}
