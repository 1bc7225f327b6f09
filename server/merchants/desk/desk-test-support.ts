import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { openTestService, type TestService } from '../../../test/support/test-service.ts';
import { BUNDLED_DIRECTORY } from '../../directory/directory-source.ts';
import { readImportFile } from '../import-read.ts';
import { importMerchants } from '../import-write.ts';

// What the desk's tests share: a complaint against a listed merchant, made the way it is
// made in production (a shopper's report, a moderator's acceptance), then put where the
// lifecycle puts it on acceptance (helper "lifecycle"): with its merchant, sent.

/**
 * A test service holding the demo's merchants (the bundled directory's), imported as
 * `npm run demo` does, without its flags, complaints or publication: the desk needs none.
 */
export async function openDeskService(options: Parameters<typeof openTestService>[0] = {}): Promise<TestService> {
  const service = await openTestService(options);
  const file = readImportFile('snapshot.json', await readFile(`${BUNDLED_DIRECTORY}/snapshot.json`, 'utf8'));
  if ('problems' in file) throw new Error(`bundled directory: ${JSON.stringify(file.problems)}`);
  await importMerchants(service.registry.db, file.rows, { now: service.now(), actor: 'test' });
  return service;
}

export const SHOPPER_DETAILS = 'Commande 7781 payée le 3 novembre, jamais livrée, Salma Bennani';
export const SHOPPER_CONTACT = 'salma.bennani@example.ma';

export async function complaintAgainst(
  service: TestService,
  domain: string,
  options: { share: boolean; category?: 'non-delivery' | 'fraud' },
): Promise<{ receipt: string; complaintId: number; merchantId: string }> {
  const category = options.category ?? 'non-delivery';
  const created = await service.send('POST', '/v1/reports', {
    url: `https://${domain}/produit/42?utm_source=mail#avis`,
    reason: category,
    details: SHOPPER_DETAILS,
    contact: SHOPPER_CONTACT,
    consent: true,
    shareWithMerchant: options.share,
    idempotencyKey: randomUUID(),
    lang: 'fr',
  });
  if (created.status !== 201) throw new Error(`report refused: ${created.status} ${await created.text()}`);
  const { receipt } = (await created.json()) as { receipt: string };
  const { complaintId } = await service.app.context.reportQueue.accept(receipt, { category }, 'test moderator');
  const db = service.registry.db;
  const { merchant_id: merchantId } = await db
    .selectFrom('merchant_domains')
    .select('merchant_id')
    .where('domain', '=', domain)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('complaints')
    .set({ merchant_id: merchantId, stage: 'sent', sent_at: service.now() })
    .where('id', '=', complaintId)
    .execute();
  return { receipt, complaintId, merchantId };
}

/** The path of the one-time link in a mail's text. */
export function linkPath(text: string): string {
  const match = /https?:\/\/[^/\s]+(\/merchant\/link\/[A-Za-z0-9_-]{43})/.exec(text);
  if (!match?.[1]) throw new Error(`no desk link in the mail:\n${text}`);
  return match[1];
}
