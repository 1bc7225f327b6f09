import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { freshDataDirForEachTest, thiqaCli } from '../../test/support/thiqa-cli.ts';
import { withRegistry } from '../cli/registry-session.ts';
import { ReportDesk } from './report-desk.ts';
import { ReportQueue } from './report-queue.ts';

// A report accepted as the duplicate of an open complaint on its shop: linked to it, no
// complaint added, through the admin API and the CLI alike.

const report = (domain: string) => ({
  url: `https://${domain}/`,
  reason: 'non-delivery' as const,
  idempotencyKey: randomUUID(),
});

describe('POST /v1/admin/reports/{receipt}/duplicate', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await openTestService();
  });
  afterAll(async () => service.close());

  const submit = async (domain: string): Promise<string> =>
    (await (await service.send('POST', '/v1/reports', report(domain))).json()).receipt;
  const complaintsOn = async (domain: string) =>
    (await service.registry.db.selectFrom('complaints').select('id').where('domain', '=', domain).execute()).length;

  it('links the report to the open complaint, adding none, and writes its audit line', async () => {
    const first = await submit('souk-test.test');
    const { complaintId } = await (
      await service.admin('POST', `/v1/admin/reports/${first}/accept`, { category: 'non-delivery' })
    ).json();
    const second = await submit('souk-test.test');
    const linked = await service.admin('POST', `/v1/admin/reports/${second}/duplicate`, { complaintId });
    expect(linked.status).toBe(200);
    expect(await linked.json()).toMatchObject({ receipt: second, status: 'accepted', complaintId });
    expect(await complaintsOn('souk-test.test')).toBe(1);
    const status = await (await service.send('GET', `/v1/reports/${second}`)).json();
    expect(status.status).toBe('accepted');
    const audit = await service.registry.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('subject', '=', second)
      .execute();
    expect(audit).toEqual([
      { action: 'report.duplicate', detail: { domain: 'souk-test.test', complaint: complaintId } },
    ]);
    const again = await service.admin('POST', `/v1/admin/reports/${second}/duplicate`, { complaintId });
    expect(again.status).toBe(409);
  });

  it('refuses a complaint of another shop, a resolved one, or none, changing nothing', async () => {
    const elsewhere = await submit('ailleurs.test');
    const { complaintId: otherShop } = await (
      await service.admin('POST', `/v1/admin/reports/${elsewhere}/accept`, { category: 'fraud' })
    ).json();
    const closed = await submit('ferme.test');
    const { complaintId: resolved } = await (
      await service.admin('POST', `/v1/admin/reports/${closed}/accept`, { category: 'fraud' })
    ).json();
    expect((await service.admin('POST', `/v1/admin/complaints/${resolved}/resolve`, {})).status).toBe(200);

    const receipt = await submit('ferme.test');
    const cases: Array<[unknown, number, string]> = [
      [{ complaintId: otherShop }, 400, 'is on ailleurs.test, not on ferme.test'],
      [{ complaintId: resolved }, 409, 'is already resolved'],
      [{ complaintId: 999_999 }, 400, 'no complaint 999999'],
      [{ complaintId: '1' }, 400, ''],
      [{ complaintId: 1, extra: true }, 400, ''],
    ];
    for (const [body, status, detail] of cases) {
      const refused = await service.admin('POST', `/v1/admin/reports/${receipt}/duplicate`, body);
      expect(refused.status).toBe(status);
      expect(refused.headers.get('Content-Type')).toBe('application/problem+json');
      expect((await refused.json()).detail ?? '').toContain(detail);
    }
    const row = await service.registry.db
      .selectFrom('reports')
      .select(['status', 'complaint_id'])
      .where('receipt', '=', receipt)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'received', complaint_id: null });
  });
});

describe('thiqa reports duplicate', () => {
  freshDataDirForEachTest('thiqa-duplicate-');

  it('links a report to an open complaint from the command line', async () => {
    // The CLI's own registry: reports entered through the moderation path the demo uses.
    const receipts = await withRegistry(async (registry) => {
      const desk = new ReportDesk(registry.db, Buffer.alloc(32, 1), () => new Date());
      const first = await desk.submit(report('cli-shop.test'));
      const second = await desk.submit(report('cli-shop.test'));
      const { complaintId } = await new ReportQueue(registry.db, () => new Date()).accept(
        first.receipt,
        { category: 'non-delivery' },
        'test',
      );
      return { second: second.receipt, complaintId };
    });
    const linked = await thiqaCli(
      'reports',
      'duplicate',
      receipts.second,
      '--complaint',
      String(receipts.complaintId),
      '--as',
      'Nadia',
    );
    expect(linked).toMatchObject({
      code: 0,
      stdout: `${receipts.second}: accepted as a duplicate of complaint ${receipts.complaintId} on cli-shop.test`,
    });
    const missing = await thiqaCli('reports', 'duplicate', receipts.second);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--complaint is required') });
    const bad = await thiqaCli('reports', 'duplicate', receipts.second, '--complaint', '1e3');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--complaint') });
  });
});
