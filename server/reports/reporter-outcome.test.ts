import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, openDemoService } from '../../test/support/demo-service.ts';

// The shopper's word once the merchant answered: POST /v1/reports/{receipt}/outcome with
// the report's edit token confirms the complaint resolved and/or rates the answer.

let service: DemoService;
beforeAll(async () => {
  service = await openDemoService({ now: '2026-12-01T09:00:00Z', reportRateLimit: { max: 1000, windowMs: 60_000 } });
});
afterAll(async () => service.close());

/** A report on atlas-electro.test accepted into a complaint (sent to the merchant). */
async function complaintReport() {
  const sent = await service.send('POST', '/v1/reports', {
    url: 'https://atlas-electro.test/',
    reason: 'non-delivery',
    idempotencyKey: randomUUID(),
  });
  const { receipt, editToken } = await sent.json();
  const accepted = await service.admin('POST', `/v1/admin/reports/${receipt}/accept`, { category: 'non-delivery' });
  return { receipt: receipt as string, editToken: editToken as string, id: (await accepted.json()).complaintId };
}

/** As the merchant's desk records an answer. */
const answer = (id: number) =>
  service.registry.db
    .updateTable('complaints')
    .set({
      stage: 'answered',
      read_at: service.now(),
      answered_at: service.now(),
      answer_kind: 'will-act',
      answer_text: 'Colis renvoyé',
    })
    .where('id', '=', id)
    .execute();

const sendOutcome = (receipt: string, token: string | null, body: unknown) =>
  service.send(
    'POST',
    `/v1/reports/${receipt}/outcome`,
    body,
    token === null ? {} : { Authorization: `Bearer ${token}` },
  );

describe("the shopper's outcome", () => {
  it('confirms an answered complaint resolved with a rating, once', async () => {
    const { receipt, editToken, id } = await complaintReport();
    await answer(id);
    service.setNow('2026-12-03T10:00:00Z');
    const confirmed = await sendOutcome(receipt, editToken, { resolved: true, rating: 'satisfied' });
    expect(confirmed.status).toBe(200);
    expect((await confirmed.json()).complaint).toMatchObject({
      stage: 'closed',
      outcome: 'resolved',
      closedAt: '2026-12-03T10:00:00.000Z',
      rating: 'satisfied',
      answer: { kind: 'will-act', text: 'Colis renvoyé' },
    });
    const audit = await service.registry.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'detail'])
      .where('subject', '=', `complaint ${id}`)
      .where('actor', '=', 'reporter')
      .orderBy('id')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['complaint.rate', 'complaint.confirm']);

    const again = await sendOutcome(receipt, editToken, { resolved: true });
    expect(again.status).toBe(409);
    expect((await again.json()).detail).toContain('already closed (resolved)');
    // A rating may still change after the close.
    const rated = await sendOutcome(receipt, editToken, { rating: 'neutral' });
    expect(rated.status).toBe(200);
    expect((await rated.json()).complaint).toMatchObject({ outcome: 'resolved', rating: 'neutral' });
  });

  it('refuses before the merchant answered, changing nothing', async () => {
    const { receipt, editToken, id } = await complaintReport();
    for (const body of [{ resolved: true }, { rating: 'not-satisfied' }]) {
      const refused = await sendOutcome(receipt, editToken, body);
      expect(refused.status).toBe(409);
      expect((await refused.json()).detail).toBe('the merchant has not answered yet');
    }
    const row = await service.registry.db
      .selectFrom('complaints')
      .select(['status', 'stage'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'open', stage: 'sent' });
  });

  // A rating is of the merchant's answer: a complaint closed without one (unanswered after
  // the reminders, or closed by staff first) has nothing to rate.
  it('refuses a rating of a complaint closed without an answer', async () => {
    const { receipt, editToken, id } = await complaintReport();
    // As the deadlines job closes it after the last reminder.
    await service.registry.db
      .updateTable('complaints')
      .set({ status: 'unanswered', stage: 'closed', resolved_at: service.now(), resolved_by: 'thiqa' })
      .where('id', '=', id)
      .execute();
    const rated = await sendOutcome(receipt, editToken, { rating: 'not-satisfied' });
    expect(rated.status).toBe(409);
    expect((await rated.json()).detail).toBe('the merchant has not answered yet');
    const row = await service.registry.db
      .selectFrom('reports')
      .select('rating')
      .where('receipt', '=', receipt)
      .executeTakeFirstOrThrow();
    expect(row.rating).toBeNull();
  });

  it("answers a missing token 401, another report's token 403, an unknown receipt 404, a bad body 400", async () => {
    const mine = await complaintReport();
    const theirs = await complaintReport();
    await answer(mine.id);
    const missing = await sendOutcome(mine.receipt, null, { resolved: true });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('Content-Type')).toContain('application/problem+json');
    const forged = await sendOutcome(mine.receipt, theirs.editToken, { resolved: true });
    expect(forged.status).toBe(403);
    expect((await forged.json()).detail).toBe('wrong edit token for this report');
    const unknown = await sendOutcome('AAAAAAAAAAAAAAAAAAAAAA', mine.editToken, { resolved: true });
    expect(unknown.status).toBe(404);
    for (const body of [{}, { rating: 'great' }, { resolved: true, note: 'x' }]) {
      expect((await sendOutcome(mine.receipt, mine.editToken, body)).status).toBe(400);
    }
    const status = await (await service.send('GET', `/v1/reports/${mine.receipt}`)).json();
    expect(status.complaint).toMatchObject({ stage: 'answered', outcome: null, rating: null });
  });
});
