import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { recordAudit } from '../db/audit-log.ts';
import type { Database } from '../db/tables.ts';
import { FolderMailer, mailFolder } from '../mail/folder-mailer.ts';
import { purgeExpired } from './retention.ts';
import { startRetentionJob } from './retention-job.ts';

// The proof of the retention duty: a marker typed into every personal field, every
// case closed, the clock moved past the period, the purge run; then no text column of any
// table holds the marker. Before the period ends the same scan finds it, so the test
// fails if the purge misses a field.

const PII = `PII-${randomBytes(6).toString('hex')}`;
/** Typed into a report a moderator has not decided yet: it is still being handled, and stays. */
const KEPT = `KEPT-${randomBytes(6).toString('hex')}`;

/** Every `table.column` of type text, varchar, json or jsonb holding `marker`. */
async function columnsHolding(db: Kysely<Database>, marker: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type in ('text', 'character varying', 'json', 'jsonb')
    order by table_name, column_name`.execute(db);
  expect(columns.rows.length).toBeGreaterThan(60);
  const found: string[] = [];
  for (const { table_name, column_name } of columns.rows) {
    const hits = await sql<{ n: string }>`
      select count(*) as n from ${sql.table(table_name)}
      where strpos(${sql.ref(column_name)}::text, ${marker}) > 0`.execute(db);
    if (Number(hits.rows[0]?.n) > 0) found.push(`${table_name}.${column_name}`);
  }
  return found;
}

/** Reports and complaints per status: what the purge must never change. */
async function counts(db: Kysely<Database>) {
  const per = async (table: 'reports' | 'complaints') =>
    (
      await db
        .selectFrom(table)
        .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
        .groupBy('status')
        .orderBy('status')
        .execute()
    ).map((row) => `${row.status}:${row.n}`);
  return { reports: await per('reports'), complaints: await per('complaints') };
}

describe('the retention purge', () => {
  let service: TestService;
  const start = new Date('2026-01-05T10:00:00Z');
  beforeAll(async () => {
    service = await openTestService({ now: start.toISOString(), reportRateLimit: { max: 1000, windowMs: 60_000 } });
  });
  afterAll(async () => service.close());

  async function submit(domain: string, marker: string) {
    const response = await service.send('POST', '/v1/reports', {
      url: `https://www.${domain}/account/${marker}`,
      reason: 'non-delivery',
      details: `Commande jamais livrée ${marker}`,
      contact: `${marker}@example.ma`,
      consent: true,
      shareWithMerchant: true,
      idempotencyKey: randomUUID(),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { receipt: string; editToken: string };
  }

  async function plantEverywhere() {
    const { db } = service.registry;
    const { reportQueue, complaints } = service.app.context;
    // A complaint answered by its merchant, then closed.
    const answered = await submit('souk-answered.test', PII);
    await reportQueue.accept(answered.receipt, { category: 'non-delivery' }, 'moderator@thiqa.test');
    const complaint = await db.selectFrom('complaints').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    // The merchant's desk (another helper's) writes these columns; here they are written as it would.
    await db
      .updateTable('complaints')
      .set({
        merchant_summary: `Colis non livré ${PII}`,
        answer_kind: 'will-act',
        answer_text: `Nous vous rembourserons ${PII}`,
        answer_staff_note: `Client connu ${PII}`,
        answered_at: start,
        stage: 'answered',
      })
      .where('id', '=', complaint.id)
      .execute();
    await complaints.close(complaint.id, { note: `Remboursé ${PII}` }, 'moderator@thiqa.test');
    // A rejected report, a withdrawn one, and one still waiting for a moderator.
    const rejected = await submit('souk-rejected.test', PII);
    await reportQueue.reject(rejected.receipt, { why: 'Not a shop we can act on' }, 'moderator@thiqa.test');
    const withdrawn = await submit('souk-withdrawn.test', PII);
    expect(
      (
        await service.send('DELETE', `/v1/reports/${withdrawn.receipt}`, undefined, {
          Authorization: `Bearer ${withdrawn.editToken}`,
        })
      ).status,
    ).toBe(200);
    await submit('souk-pending.test', KEPT);

    // Applications: one approved (its names are the merchant's public record), one refused,
    // one nobody decided within the period (the applicant stopped answering).
    const application = (receipt: string, status: 'approved' | 'refused' | 'in-review', names: string) => ({
      receipt,
      status,
      lang: 'fr',
      legal_name: `${names} SARL`,
      trade_name: names,
      ice: '001234567000089',
      rc_number: '481516',
      rc_court: 'Casablanca',
      address: `12 rue ${PII}, Casablanca`,
      city: 'Casablanca',
      phone: `+212600${PII}`,
      email: `${PII}@example.ma`,
      domains: JSON.stringify(['example.ma']),
      social: JSON.stringify([]),
      proof_token: randomBytes(24).toString('base64url'),
      register_check: JSON.stringify({ court: 'Casablanca', number: '481516', outcome: 'matches', note: PII }),
      phone_check: JSON.stringify({ number: '+212600000000', outcome: 'confirmed', note: PII }),
      refused_reason: status === 'refused' ? `Registre introuvable ${PII}` : null,
      decided_by: status === 'in-review' ? null : 'Verifier',
      decided_at: status === 'in-review' ? null : start,
      created_at: start,
      updated_at: start,
    });
    await db
      .insertInto('applications')
      .values([
        application('app-approved', 'approved', 'Dar Argan'),
        application('app-refused', 'refused', PII),
        application('app-undecided', 'in-review', PII),
      ])
      .execute();
    await recordAudit(
      db,
      {
        actor: 'verifier@thiqa.test',
        action: 'application.check',
        subject: 'app-refused',
        detail: { step: 'phone', note: PII },
      },
      start,
    );
    await recordAudit(
      db,
      { actor: 'verifier@thiqa.test', action: 'application.refuse', subject: 'app-refused', detail: { reason: PII } },
      start,
    );
    // A contest a moderator decided.
    await db
      .insertInto('contests')
      .values({
        receipt: 'contest-1',
        kind: 'complaint',
        domain: 'souk-answered.test',
        complaint_id: complaint.id,
        name: `Karim ${PII}`,
        email: `${PII}@shop.ma`,
        reason: `Ce n'est pas notre commande ${PII}`,
        lang: 'fr',
        proof_token: randomBytes(24).toString('base64url'),
        status: 'dismissed',
        public_outcome: 'Dismissed: the order was the shop’s.',
        decided_by: 'moderator@thiqa.test',
        decided_at: start,
        created_at: start,
      })
      .execute();
    // A contest whose domain proof never passed: no moderator will ever decide it, and
    // anyone can type such a form, about anyone, with anyone's address.
    await db
      .insertInto('contests')
      .values({
        receipt: 'contest-unproven',
        kind: 'flag',
        domain: 'souk-flagged.test',
        complaint_id: null,
        merchant_id: null,
        name: `Karim ${PII}`,
        email: `${PII}@example.ma`,
        reason: `Je suis Karim, téléphone ${PII}`,
        lang: 'fr',
        proof_token: randomBytes(24).toString('base64url'),
        status: 'received',
        created_at: start,
      })
      .execute();
    // Sessions and links that ended, and a mail copy written under the data folder.
    const ended = { created_at: start, expires_at: new Date(start.getTime() + 3_600_000) };
    await db
      .insertInto('merchant_sessions')
      .values({ token_hash: 'old-session', merchant_id: 'm1', last_seen_at: start, ...ended })
      .execute();
    await db
      .insertInto('merchant_links')
      .values({ token_hash: 'old-link', merchant_id: 'm1', complaint_id: complaint.id, ...ended })
      .execute();
    await new FolderMailer(
      mailFolder(service.dataDir),
      { name: 'Thiqa', address: 'thiqa@example.ma' },
      () => start,
    ).send({
      to: 'merchant@example.ma',
      subject: `Réclamation ${PII}`,
      text: `Une réclamation: ${PII}`,
    });
  }

  it('leaves no personal text in any column once the period has passed, and every count as it was', async () => {
    const { db } = service.registry;
    const context = service.app.context;
    await plantEverywhere();
    const before = await counts(db);
    const planted = await columnsHolding(db, PII);
    // The withdrawn report is already erased; everything else still holds the marker.
    expect(planted).toEqual(
      expect.arrayContaining([
        'reports.details',
        'reports.contact',
        'reports.url',
        'complaints.note',
        'complaints.merchant_summary',
        'complaints.answer_text',
        'complaints.answer_staff_note',
        'applications.address',
        'applications.phone',
        'applications.email',
        'applications.legal_name',
        'applications.trade_name',
        'applications.refused_reason',
        'applications.register_check',
        'applications.phone_check',
        'contests.name',
        'contests.email',
        'contests.reason',
        'audit_log.detail',
      ]),
    );

    // Eleven months on: nothing is old enough yet, only the ended sessions and links go.
    const early = await purgeExpired(context, new Date('2026-12-05T10:00:00Z'));
    expect(early).toMatchObject({
      reports: 0,
      complaints: 0,
      applications: 0,
      contests: 0,
      auditLines: 0,
      mailFiles: 0,
    });
    expect(early.sessions + early.links).toBe(2);
    expect(await columnsHolding(db, PII)).toEqual(planted);

    const later = new Date('2027-01-06T10:00:00Z');
    const dryRun = await purgeExpired(context, later, { dryRun: true });
    expect(await columnsHolding(db, PII)).toEqual(planted);
    const purged = await purgeExpired(context, later);
    expect(purged).toEqual(dryRun);
    expect(purged).toMatchObject({ reports: 2, complaints: 1, applications: 3, contests: 2, mailFiles: 1 });

    expect(await columnsHolding(db, PII)).toEqual([]);
    expect(await readdir(mailFolder(service.dataDir))).toEqual([]);
    // Still being handled: kept whatever its age.
    expect(await columnsHolding(db, KEPT)).toEqual(expect.arrayContaining(['reports.details', 'reports.contact']));
    expect(await counts(db)).toEqual(before);
    // The approved merchant's public record stays; the outcome of the contest too.
    const approved = await db
      .selectFrom('applications')
      .selectAll()
      .where('receipt', '=', 'app-approved')
      .executeTakeFirstOrThrow();
    expect(approved).toMatchObject({ legal_name: 'Dar Argan SARL', trade_name: 'Dar Argan', email: '', phone: '' });
    // An undecided application keeps its state, and can no longer be approved (no register check, no names).
    const undecided = await db
      .selectFrom('applications')
      .selectAll()
      .where('receipt', '=', 'app-undecided')
      .executeTakeFirstOrThrow();
    expect(undecided).toMatchObject({ status: 'in-review', legal_name: '', register_check: null, email: '' });
    const closed = await db
      .selectFrom('complaints')
      .selectAll()
      .where('status', '=', 'resolved')
      .executeTakeFirstOrThrow();
    expect(closed).toMatchObject({ answer_kind: 'will-act', answer_text: null, stage: 'closed' });

    const purgeLine = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'retention.purge')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(purgeLine.detail).toMatchObject({ counts: { reports: 2, complaints: 1 } });
    // Twice is once.
    expect(await purgeExpired(context, later)).toEqual({
      reports: 0,
      complaints: 0,
      applications: 0,
      contests: 0,
      auditLines: 0,
      sessions: 0,
      links: 0,
      mailFiles: 0,
    });
  });

  it('runs in thiqa serve at start, and stops with the service', async () => {
    const { db } = service.registry;
    const ended = new Date('2027-02-01T00:00:00Z');
    await db
      .insertInto('merchant_links')
      .values({ token_hash: 'ended-link', merchant_id: 'm1', complaint_id: null, created_at: ended, expires_at: ended })
      .execute();
    const lines: string[] = [];
    const job = startRetentionJob({
      context: service.app.context,
      clock: () => new Date('2027-03-01T00:00:00Z'),
      log: (line) => lines.push(line),
      everyMs: 3_600_000,
    });
    await job.stop();
    expect(lines).toEqual(['retention purge: links 1']);
  });
});
