import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { queueGroups } from './report-queue-reads.ts';

// DELETE /v1/reports/{receipt}: the shopper's right to erasure, with the receipt and edit token.

const report = (domain: string) => ({
  url: `https://www.${domain}/orders/48151623?ref=mail`,
  reason: 'non-delivery',
  details: 'Commande 48151623 jamais livrée, Fatima Zahra, Derb Sultan',
  contact: 'fatima@example.ma',
  consent: true,
  shareWithMerchant: true,
  idempotencyKey: randomUUID(),
  lang: 'fr',
});

describe('withdrawing a report', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await openTestService({ reportRateLimit: { max: 1000, windowMs: 60_000 } });
  });
  afterAll(async () => service.close());

  const submit = async (domain: string) =>
    (await (await service.send('POST', '/v1/reports', report(domain))).json()) as {
      receipt: string;
      editToken: string;
    };
  const withdraw = (receipt: string, token?: string) =>
    service.send('DELETE', `/v1/reports/${receipt}`, undefined, token ? { Authorization: `Bearer ${token}` } : {});
  const stored = (receipt: string) =>
    service.registry.db.selectFrom('reports').selectAll().where('receipt', '=', receipt).executeTakeFirstOrThrow();

  it('erases what the shopper typed at once and takes the report out of the queue', async () => {
    const { receipt, editToken } = await submit('souk-withdraw.test');
    expect((await queueGroups(service.registry.db)).groups.map((g) => g.domain)).toContain('souk-withdraw.test');

    const missing = await withdraw(receipt);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('Content-Type')).toBe('application/problem+json');
    expect(missing.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect((await withdraw(receipt, `${editToken.slice(1)}x`)).status).toBe(403);
    expect((await withdraw('AAAAAAAAAAAAAAAAAAAAAA', editToken)).status).toBe(404);
    expect((await stored(receipt)).details).not.toBeNull();

    const response = await withdraw(receipt, editToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ receipt, status: 'withdrawn', complaint: null });
    const row = await stored(receipt);
    expect(row).toMatchObject({
      details: null,
      contact: null,
      url: 'https://www.souk-withdraw.test/',
      share_with_merchant: false,
      status: 'withdrawn',
    });
    expect(row.withdrawn_at).not.toBeNull();
    expect(row.erased_at).not.toBeNull();
    expect((await queueGroups(service.registry.db)).groups.map((g) => g.domain)).not.toContain('souk-withdraw.test');

    const again = await withdraw(receipt, editToken);
    expect(again.status).toBe(409);
    const amend = await service.send(
      'PATCH',
      `/v1/reports/${receipt}`,
      { details: 'encore' },
      { Authorization: `Bearer ${editToken}` },
    );
    expect(amend.status).toBe(409);

    const audit = await service.registry.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'report.withdraw')
      .where('subject', '=', receipt)
      .executeTakeFirstOrThrow();
    expect(audit.actor).toBe('shopper');
    expect(JSON.stringify(audit.detail)).not.toMatch(/Fatima|48151623|example\.ma/);
  });

  it('keeps an accepted report counted in its complaint', async () => {
    const { receipt, editToken } = await submit('souk-accepted.test');
    const complaint = service.app.context.complaints;
    const accepted = await service.admin('POST', `/v1/admin/reports/${receipt}/accept`, {
      category: 'non-delivery',
      merchantSummary: 'Fatima Zahra dit que la commande 48151623 n’est jamais arrivée.',
    });
    expect(accepted.status).toBe(200);
    const complaintsBefore = await complaint.list({ domain: 'souk-accepted.test' });
    expect(complaintsBefore).toHaveLength(1);

    const response = await withdraw(receipt, editToken);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe('withdrawn');
    expect(body.complaint).toMatchObject({ id: complaintsBefore[0]?.id });
    const row = await stored(receipt);
    expect(row).toMatchObject({ details: null, contact: null, complaint_id: complaintsBefore[0]?.id });
    expect(await complaint.list({ domain: 'souk-accepted.test' })).toEqual(complaintsBefore);
    // The moderator's summary for the merchant retells the shopper's words: with its only
    // report withdrawn, it goes too.
    const summary = await service.registry.db
      .selectFrom('complaints')
      .select('merchant_summary')
      .where('id', '=', complaintsBefore[0]?.id ?? 0)
      .executeTakeFirstOrThrow();
    expect(summary.merchant_summary).toBeNull();
  });

  // A moderator's queue page opened before the withdrawal (or the admin API) must not
  // decide the report: that would open a complaint the shopper took back, forward it to
  // the merchant, and make the report amendable again.
  it('stays withdrawn: it cannot be accepted afterwards, and no complaint opens from it', async () => {
    const { receipt, editToken } = await submit('withdrawn-accept.test');
    expect((await withdraw(receipt, editToken)).status).toBe(200);
    const accepted = await service.admin('POST', `/v1/admin/reports/${receipt}/accept`, { category: 'non-delivery' });
    expect(accepted.status).toBe(409);
    const queue = service.app.context.reportQueue;
    const actor = 'moderator@thiqa.test';
    await expect(queue.reject(receipt, { why: 'hors sujet' }, actor)).rejects.toMatchObject({ kind: 'conflict' });
    expect(await service.app.context.complaints.list({ domain: 'withdrawn-accept.test' })).toHaveLength(0);
    expect((await stored(receipt)).status).toBe('withdrawn');
  });

  it('stays withdrawn: it cannot be put back under review and then amended', async () => {
    const { receipt, editToken } = await submit('withdrawn-review.test');
    expect((await withdraw(receipt, editToken)).status).toBe(200);
    await expect(service.app.context.reportQueue.review(receipt, 'moderator@thiqa.test')).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect((await stored(receipt)).status).toBe('withdrawn');
    // Even were its status moved back (a decision racing the withdrawal), erased text stays erased.
    await service.registry.db
      .updateTable('reports')
      .set({ status: 'under-review' })
      .where('receipt', '=', receipt)
      .execute();
    const amend = await service.send(
      'PATCH',
      `/v1/reports/${receipt}`,
      { details: 'nouveau texte après retrait' },
      { Authorization: `Bearer ${editToken}` },
    );
    expect(amend.status).toBe(409);
    expect((await stored(receipt)).details).toBeNull();
  });
});
